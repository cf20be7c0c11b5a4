"""Where the reference data lives: a local directory or a base URL given by the operator."""
from pathlib import Path

from django.conf import settings


class MissingReferenceData(Exception):
    pass


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def resolve(source: str | None, filenames: list[str]) -> dict[str, str]:
    """Map each file name to a readable path or URL; raise naming every missing file."""
    source = source or settings.PERU_DATA_SOURCE
    if is_url(source):
        return {name: f"{source.rstrip('/')}/{name}" for name in filenames}
    directory = Path(source)
    missing = [name for name in filenames if not (directory / name).is_file()]
    if missing:
        raise MissingReferenceData(
            f"Reference data not found in {directory}: missing {', '.join(missing)}. "
            "Point at another directory or URL with --source or the PERU_DATA_SOURCE "
            "environment variable (the files are described in ../shared/data/peru/SOURCES.md)."
        )
    return {name: str(directory / name) for name in filenames}
