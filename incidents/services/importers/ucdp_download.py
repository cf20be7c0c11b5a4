"""Fetch the Peru rows of a UCDP GED release and import them, published (#13 part 7).

The release is UCDP's published download (settings.UCDP_GED_URL: the CSV zip of a release,
"ged241-csv.zip" for 24.1), read in one pass: the CSV inside the zip is streamed, only the rows
of Peru are kept (country "Peru" or country_id 135) and handed to the UCDP GED importer
(importers.ucdp through files.import_file), as the acting user, with status published. Rows
already imported are updated in place or left alone (a second run changes nothing).

Threat line: the URL comes from the operator (`--url`, UCDP_GED_URL), never from a web user.
Only http and https are fetched, and a redirect is followed only to http or https (never
file://, ftp:// or another scheme); the answer is read up to UCDP_MAX_BYTES (a larger one,
declared or actual, is refused, and so is a zip member that inflates beyond it); what is read
is parsed as CSV only (a zip's CSV member, or UTF-8 CSV text), never by GDAL. The UCDP API is
not used (it needs a token); UCDP_API_TOKEN is therefore not read.
"""
import csv
import io
import socket
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from security.untrusted import UnsafeURL, check_http_url, excerpt, http_opener

from ...models import Dataset
from . import ucdp
from .common import ImportFailed, ImportSummary
from .files import import_file

PERU_NAMES = {"peru"}
PERU_COUNTRY_ID = "135"  # Gleditsch & Ward number of Peru, GED's country_id
CHUNK = 1 << 16


class Offline(Exception):
    """The download source did not answer (no network, DNS, refused, timed out)."""


class DownloadFailed(Exception):
    """The source answered, but not with a GED release we can read (HTTP error, not a CSV,
    too large, no Peru rows' columns)."""


@dataclass
class LoadResult:
    release: str
    url: str
    peru_rows: int
    summary: ImportSummary


def release_url(release: str, url: str | None = None) -> str:
    template = url or settings.UCDP_GED_URL
    compact = release.replace(".", "")
    return template.replace("{release}", release).replace("{compact}", compact)


def _check_scheme(url: str) -> None:
    try:
        check_http_url(url)
    except UnsafeURL as error:
        raise DownloadFailed(str(error)) from None


def download(url: str, destination, *, max_bytes: int, timeout: float) -> int:
    """Write the answer at `url` to the open binary file `destination`; returns its size."""
    _check_scheme(url)
    request = urllib.request.Request(url, headers={"User-Agent": "vraem-conflict-map load_ucdp"})
    try:
        with http_opener().open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise DownloadFailed(f"{excerpt(url)} is {int(declared):,} bytes, over the limit of "
                                     f"{max_bytes:,} (UCDP_MAX_MB)")
            size = 0
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadFailed(f"{excerpt(url)} is over the limit of {max_bytes:,} bytes "
                                         "(UCDP_MAX_MB)")
                destination.write(chunk)
            return size
    except UnsafeURL as error:  # a redirect to another scheme
        raise DownloadFailed(str(error)) from None
    except urllib.error.HTTPError as error:
        raise DownloadFailed(f"{excerpt(url)} answered HTTP {error.code}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, DownloadFailed):
            raise reason from None
        raise Offline(f"{excerpt(url)} did not answer ({excerpt(reason)})") from None
    except (socket.timeout, TimeoutError, ConnectionError) as error:
        raise Offline(f"{excerpt(url)} did not answer ({type(error).__name__})") from None


def _csv_text(path: Path, *, max_bytes: int):
    """A text stream of the release's CSV: the largest .csv member of a zip, or the file."""
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        if not members:
            raise DownloadFailed("the zip holds no .csv file")
        member = max(members, key=lambda m: m.file_size)
        if member.file_size > max_bytes:
            raise DownloadFailed(f"{excerpt(member.filename)} inflates to {member.file_size:,} "
                                 f"bytes, over the limit of {max_bytes:,} (UCDP_MAX_MB)")
        raw = _Capped(archive.open(member), max_bytes)
    else:
        raw = open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


class _Capped(io.RawIOBase):
    """A zip member read no further than `limit` bytes (its declared size may lie)."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.read_so_far = stream, limit, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.stream.read(len(buffer))
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise DownloadFailed(f"the zip's CSV inflates beyond {self.limit:,} bytes (UCDP_MAX_MB)")
        buffer[: len(data)] = data
        return len(data)


def peru_csv(source: Path, target: Path, *, max_bytes: int) -> int:
    """Copy the header and the Peru rows of the release at `source` to `target`; returns how
    many rows. Raises DownloadFailed when it is not a GED CSV."""
    try:
        with _csv_text(source, max_bytes=max_bytes) as text, open(target, "w", newline="",
                                                                   encoding="utf-8") as out:
            reader = csv.reader(text)
            header = [cell.strip() for cell in next(reader, [])]
            needed = ucdp.REQUIRED + ["country"]
            missing = [c for c in needed if c not in header]
            if missing:
                raise DownloadFailed(
                    f"not a UCDP GED CSV: the first line lacks {', '.join(missing)}"
                    + (f" (it starts {excerpt(','.join(header))})" if header else " (empty)"))
            country, country_id = header.index("country"), header.index("country_id") \
                if "country_id" in header else None
            writer = csv.writer(out)
            writer.writerow(header)
            count = 0
            for cells in reader:
                if len(cells) != len(header):
                    continue  # a ragged line's columns cannot be trusted to name its country
                if cells[country].strip().lower() in PERU_NAMES or (
                        country_id is not None and cells[country_id].strip() == PERU_COUNTRY_ID):
                    writer.writerow(cells)
                    count += 1
            return count
    except UnicodeDecodeError:
        raise DownloadFailed("not a UCDP GED CSV: the text is not UTF-8") from None
    except (zipfile.BadZipFile, csv.Error) as error:
        raise DownloadFailed(f"not a UCDP GED CSV ({excerpt(error)})") from None


def load_ucdp(*, user, release: str | None = None, url: str | None = None) -> LoadResult:
    """Download the release, keep Peru's rows, import them published as `user` and record the
    release on the UCDP dataset. Raises Offline, DownloadFailed or ImportFailed."""
    release = release or settings.UCDP_GED_RELEASE
    address = release_url(release, url)
    with tempfile.TemporaryDirectory(prefix="ucdp-") as folder:
        downloaded, rows = Path(folder) / "download", Path(folder) / "peru.csv"
        with open(downloaded, "wb") as f:
            download(address, f, max_bytes=settings.UCDP_MAX_BYTES,
                     timeout=settings.UCDP_TIMEOUT_SECONDS)
        count = peru_csv(downloaded, rows, max_bytes=settings.UCDP_MAX_BYTES)
        if count == 0:
            summary = ImportSummary()
        else:
            with transaction.atomic():
                summary = import_file(user=user, path=str(rows), format="ucdp",
                                      status="published")
                Dataset.objects.filter(pk="ucdp").update(release=release)
    return LoadResult(release=release, url=address, peru_rows=count, summary=summary)


def release_loaded(release: str) -> bool:
    return Dataset.objects.filter(pk="ucdp", release=release).exists()


__all__ = ["DownloadFailed", "ImportFailed", "LoadResult", "Offline", "load_ucdp", "release_loaded",
           "release_url"]
