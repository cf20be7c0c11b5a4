"""The message catalogues (#14): extract the marked strings the way `manage.py makemessages`
does, in a copy of the source, and compare them with the catalogues in the repository.

    python -m tools.messages           # list stale catalogues and untranslated/fuzzy entries
    python -m tools.messages --update  # rewrite the catalogues with the code's msgids (keeps
                                       # the translations, new entries come untranslated)

Where makemessages puts a string: into the `locale/` directory of the app its file is in
(incidents/locale/, web/locale/, …) when the app has one, else into the project's `locale/`
(templates/, config/, and static/js/ for the djangojs domain). The copy gets an empty
`locale/` in every app, so a string marked in an app without a catalogue shows up as a
catalogue that is missing from the repository instead of landing in the project's.

tests/config/test_messages.py runs `stale()` and `untranslated()`; `make` compiles the
catalogues (`manage.py compilemessages`).
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

from tools.layers import LAYERS

ROOT = Path(__file__).resolve().parent.parent
APPS = [layer for layer in LAYERS if layer not in ("config", "tools")]  # every app, new ones too
SOURCE = ["config", "templates", "static", "locale", "manage.py", *APPS]
LANGUAGE = "es"
DOMAINS = ["django", "djangojs"]
IGNORE = ["static/vendor/*", "*.min.js"]


def catalogues(root: Path = ROOT) -> list[Path]:
    """Every .po file of the repository (its own, not the packages')."""
    return sorted(
        p.relative_to(root)
        for d in ["locale", *(f"{app}/locale" for app in APPS)]
        for p in (root / d).glob(f"{LANGUAGE}/LC_MESSAGES/*.po")
    )


def extract(into: Path, root: Path = ROOT) -> list[Path]:
    """Copy the source into `into`, with the repository's catalogues, and run makemessages
    there; returns the catalogues it wrote (relative paths)."""
    for name in SOURCE:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        elif source.exists():
            shutil.copy2(source, into / name)
    (into / "locale").mkdir(exist_ok=True)
    for app in APPS:
        (into / app / "locale").mkdir(exist_ok=True)
    env = {**os.environ, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "messages"}
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", LANGUAGE, "-d", domain, "--no-location",
             "--no-obsolete", *(f"--ignore={pattern}" for pattern in IGNORE)],
            cwd=into, env=env, check=True, capture_output=True, text=True,
        )
    return catalogues(into)


def msgids(path: Path) -> set[tuple[str | None, str, str | None]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in polib.pofile(str(path)) if not e.obsolete}


def stale(root: Path = ROOT) -> dict[str, dict[str, list]]:
    """Catalogues whose msgids differ from the code's: {path: {"missing": [...], "extra": [...]}}
    ("missing": marked in the code, not in the catalogue; a whole catalogue may be missing)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = extract(Path(tmp), root)
        found = {}
        for path in sorted(set(fresh) | set(catalogues(root))):
            new = msgids(Path(tmp) / path) if path in fresh else set()
            old = msgids(root / path) if (root / path).exists() else set()
            if new != old:
                found[str(path)] = {"missing": sorted(new - old, key=str), "extra": sorted(old - new, key=str)}
        return found


def untranslated(root: Path = ROOT) -> dict[str, list[str]]:
    """Entries of the repository's catalogues without a Spanish translation, or fuzzy."""
    found = {}
    for path in catalogues(root):
        po = polib.pofile(str(root / path))
        bad = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
        if bad:
            found[str(path)] = bad
    return found


def update(root: Path = ROOT) -> list[Path]:
    """Rewrite the repository's catalogues from the code (translations kept)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = extract(Path(tmp), root)
        for path in fresh:
            if msgids(Path(tmp) / path) or (root / path).exists():
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(tmp) / path, root / path)
        return fresh


if __name__ == "__main__":
    if "--update" in sys.argv:
        for path in update():
            print("updated", path)
    else:
        for path, diff in stale().items():
            print(f"{path}: {len(diff['missing'])} msgid(s) not in it, {len(diff['extra'])} no longer in the code")
        for path, entries in untranslated().items():
            print(f"{path}: {len(entries)} untranslated or fuzzy")
