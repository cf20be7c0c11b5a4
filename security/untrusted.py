"""Helpers for bytes and text that come from outside: uploads, import files, reference data.

`excerpt` is how a value from such input may appear in a message: at most EXCERPT_CHARS
characters, repr-quoted (so control characters, newlines and terminal escapes are shown as
`\\n`, `\\x1b`, never acted on). A message can then never echo a whole file, or a whole secret
that a crafted file made the server read.

`http_opener` is the one way the app fetches an operator-given URL (reference data,
UCDP releases): http and https only, redirects followed only to http or https (urllib's default
opener also opens file:// and data: URLs and follows redirects to ftp://).

`parse_xml` parses XML a user sent (GPX, KML route files) with defusedxml, refusing any
document type declaration: no entity is ever expanded (billion laughs) and no external entity
or DTD is ever fetched or read (XXE). The standard library's parsers expand internal entities.

`refuse_gdal_path` refuses the path forms with which GDAL reads something other than the local
file the caller meant: its virtual file systems (`/vsicurl/http://…` fetches a URL,
`/vsizip/`, `/vsistdin/`, …) and the URL forms pyogrio turns into them (`http://`, `zip://`, …).
"""
import re
import urllib.request
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

EXCERPT_CHARS = 40

# /vsicurl/, /vsizip/, /vsimem/ … anywhere GDAL would see the path start; and scheme:// forms.
_GDAL_SPECIAL = re.compile(r"^\s*(/vsi|[a-z][a-z0-9+.-]*://)", re.IGNORECASE)


class UnsafePath(ValueError):
    """A path that names a GDAL virtual file system or a URL where a local file was expected."""


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """`value` as a short, escaped quote: repr() of its first `limit` characters, with '…' when
    it was longer. excerpt('Skirmish') == "'Skirmish'"."""
    text = value if isinstance(value, str) else str(value)
    return repr(text[:limit] + "…") if len(text) > limit else repr(text)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters (ending in '…'), with every non-printable character
    escaped as repr() would."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)


def refuse_gdal_path(path: str) -> str:
    """Return `path` unchanged if it is a plain file path; raise UnsafePath (naming it by an
    excerpt) if GDAL would read it as a virtual file system or a URL."""
    if _GDAL_SPECIAL.match(path):
        raise UnsafePath(f"{excerpt(path, 200)} is a URL or a GDAL virtual file system path (/vsi…); "
                         "only a local file path is accepted")
    return path


HTTP_SCHEMES = ("http", "https")


class UnsafeURL(ValueError):
    """A URL (or a redirect target) that is not http or https."""


def check_http_url(url: str) -> str:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in HTTP_SCHEMES:
        raise UnsafeURL(f"{excerpt(url)}: only http and https URLs are fetched, not "
                        f"{scheme or 'a bare path'!r}")
    return url


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to http or https."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = headers.get("location") or headers.get("uri")
        if target:
            check_http_url(urljoin(req.full_url, target))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def http_opener() -> urllib.request.OpenerDirector:
    """An opener with no FileHandler, FTPHandler or DataHandler: only http(s) can be opened."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(),
                    urllib.request.HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor(), _HttpOnlyRedirects()):
        opener.add_handler(handler)
    return opener


class UnsafeXML(ValueError):
    """XML that is refused: not well-formed, or with a DTD or entities (XXE, billion laughs)."""


def parse_xml(data: bytes) -> Element:
    """The root element of `data`, parsed by defusedxml with no DTD allowed at all: GPX and KML
    need none, and a DTD is how entity expansion (billion laughs) and external entities (a
    server file or URL read into the document) get in. Raises UnsafeXML naming the problem."""
    try:
        return defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                                 forbid_external=True)
    except defusedxml.DTDForbidden:
        raise UnsafeXML("it declares a document type (<!DOCTYPE …>); DTDs and entities are "
                        "refused (they can read server files or expand without end)") from None
    except defusedxml.DefusedXmlException as error:
        raise UnsafeXML(f"it uses entities, which are refused ({type(error).__name__})") from None
    except ParseError as error:  # its message holds a position, never content
        raise UnsafeXML(f"not well-formed XML ({error})") from None
