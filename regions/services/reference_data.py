"""Where the reference data lives: a local directory or a base URL given by the operator.

Threat line: the operator chooses the source, but the bytes served there are not trusted
(a mirror, a proxy or a tampered copy): `read_bytes` fetches them itself, over http(s) only,
capped at REFERENCE_MAX_BYTES, and readers parse them without GDAL (see geojson_reader), so a
file cannot make the server read local files or fetch other URLs.
"""
import urllib.request
from pathlib import Path

from django.conf import settings

from security.untrusted import check_http_url, http_opener


class MissingReferenceData(Exception):
    pass


# The largest reference file accepted (districts.geojson is 6 MB).
REFERENCE_MAX_BYTES = 200 * 1024 * 1024


HOW_TO_POINT = (
    "Point at another directory or URL with --source or the PERU_DATA_SOURCE environment "
    "variable (the files are described in ../shared/data/peru/SOURCES.md)."
)


def _reachable(url: str) -> bool:
    request = urllib.request.Request(url, method="HEAD")
    try:
        with http_opener().open(request, timeout=20) as response:
            return response.status < 400
    except (OSError, ValueError):  # URLError, HTTPError and UnsafeURL
        return False


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def resolve(source: str | None, filenames: list[str]) -> dict[str, str]:
    """Map each file name to a readable path or URL; raise naming every missing file."""
    source = source or settings.PERU_DATA_SOURCE
    if is_url(source):
        urls = {name: f"{source.rstrip('/')}/{name}" for name in filenames}
        missing = [name for name, url in urls.items() if not _reachable(url)]
        if missing:
            raise MissingReferenceData(
                f"Reference data not reachable at {source}: {', '.join(missing)}. " + HOW_TO_POINT
            )
        return urls
    directory = Path(source)
    missing = [name for name in filenames if not (directory / name).is_file()]
    if missing:
        raise MissingReferenceData(
            f"Reference data not found in {directory}: missing {', '.join(missing)}. " + HOW_TO_POINT
        )
    return {name: str(directory / name) for name in filenames}


def read_bytes(location: str, *, limit: int = REFERENCE_MAX_BYTES) -> bytes:
    """The bytes of a path or http(s) URL returned by `resolve`; more than `limit` is refused."""
    if is_url(location):
        try:
            with http_opener().open(check_http_url(location), timeout=60) as response:
                data = response.read(limit + 1)
        except (OSError, ValueError) as error:  # UnsafeURL is a ValueError
            raise MissingReferenceData(f"{location}: cannot download ({error})") from error
    else:
        with open(location, "rb") as f:
            data = f.read(limit + 1)
    if len(data) > limit:
        raise MissingReferenceData(f"{location} is over {limit:,} bytes; refused")
    return data
