"""Constants shared by the browser tests."""
from pathlib import Path

# Screenshots (README and review) are written here; not committed.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# A title that would run script if any page, popup or list put it into HTML unescaped.
XSS_TITLE = '<img src=x onerror="window.__xss=1"> ${window.__xss=2} `x` \\'
