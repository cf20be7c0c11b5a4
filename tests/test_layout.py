"""The test suite's own layout: fixtures live in conftest.py files, helpers in plain modules
(factories.py, places.py, common.py ...), and no test module imports another test module or a
conftest (pytest finds fixtures itself; importing them runs a module twice under two names)."""
import re
from pathlib import Path

from tools.layers import upward_imports

TESTS = Path(__file__).resolve().parent
IMPORT = re.compile(r"^\s*from\s+(\S+)\s+import|^\s*import\s+(\S+)", re.MULTILINE)


def _imported_modules(path: Path) -> list[str]:
    return [a or b for a, b in IMPORT.findall(path.read_text(encoding="utf-8"))]


def test_no_test_module_imports_another_or_a_conftest():
    offenders = []
    for path in TESTS.rglob("*.py"):
        for module in _imported_modules(path):
            last = module.rsplit(".", 1)[-1]
            if last.startswith("test_") or last == "conftest":
                offenders.append(f"{path.relative_to(TESTS)} imports {module}")
    assert offenders == []


def test_no_module_imports_from_a_layer_above_its_own():
    """The layers of README "What is where" (security → core → regions → incidents → web →
    config; tools outside), read from the imports by tools/layers.py."""
    assert upward_imports() == []


def test_config_holds_only_wiring():
    modules = sorted(p.name for p in (TESTS.parent / "config").glob("*.py"))
    assert modules == ["__init__.py", "asgi.py", "settings.py", "urls.py", "wsgi.py"]


def test_the_architecture_picture_is_the_codes():
    """docs/architecture.md shows the graph tools/layers.py reads from the imports today."""
    from tools.layers import mermaid

    text = (TESTS.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid()}\n```" in text, "regenerate it: python tools/layers.py"
