"""The code's layers, read from its imports: `python tools/layers.py` prints the Mermaid graph
that docs/architecture.md shows (each arrow: how many import statements run from one layer to
another); tests/test_layout.py checks with `upward_imports` that none runs up.
"""
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: a module may import from its own layer and those before it here.
LAYERS = ["security", "core", "regions", "incidents", "alerts", "ogcapi", "web", "config", "tools"]
IMPORT = re.compile(r"^\s*from\s+(\S+)\s+import|^\s*import\s+(\S+)", re.MULTILINE)


def imports(root: Path = ROOT):
    """(layer, file, imported layer) for every import of one project layer by another module."""
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            for found in IMPORT.findall(path.read_text(encoding="utf-8")):
                module = found[0] or found[1]
                top = module.split(".")[0]
                if top in LAYERS and not module.startswith("."):
                    yield layer, path.relative_to(root), top


def upward_imports(root: Path = ROOT) -> list[str]:
    return [f"{path} imports {target}" for layer, path, target in imports(root)
            if LAYERS.index(target) > LAYERS.index(layer)]


def mermaid(root: Path = ROOT) -> str:
    counts = Counter((layer, target) for layer, _, target in imports(root) if layer != target)
    lines = ["flowchart TD"]
    lines += [f"    {source} -->|{n}| {target}" for (source, target), n in sorted(counts.items())]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(mermaid() + "\n")
