"""Name normalisation shared by the gazetteer loader and the geocoder."""
import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise(name: str) -> str:
    """Lower case, no accents, punctuation as single spaces: 'Unión  Mantaro' -> 'union mantaro'."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped.lower()).strip()


_SMALL_WORDS = {"de", "del", "la", "las", "el", "los", "y"}


def display_name(upper_name: str) -> str:
    """'VALLE HERMOSA DE MAZANGARO' -> 'Valle Hermosa de Mazangaro'."""
    words = upper_name.strip().lower().split()
    return " ".join(
        w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
