"""Helpers for bytes and text that come from outside: uploads, import files, reference data.

`excerpt` is how a value from such input may appear in a message: at most EXCERPT_CHARS
characters, repr-quoted (so control characters, newlines and terminal escapes are shown as
`\\n`, `\\x1b`, never acted on). A message can then never echo a whole file, or a whole secret
that a crafted file made the server read.

`refuse_gdal_path` refuses the path forms with which GDAL reads something other than the local
file the caller meant: its virtual file systems (`/vsicurl/http://…` fetches a URL,
`/vsizip/`, `/vsistdin/`, …) and the URL forms pyogrio turns into them (`http://`, `zip://`, …).
"""
import re

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
