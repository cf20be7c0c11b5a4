"""Fatalities and injuries stated in a clause: a number, 0 for 'no casualties', or unknown."""
import re
from dataclasses import dataclass

from .vocabulary import FATAL, INJURED, NUMBERS, VAGUE

_NUM = r"(\d{1,4}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_BE = r"(?:(?:were|was|have been|had been|are|fueron|resultaron|quedaron|han sido|habrian) )?"
_COUNT_THEN_WORD = re.compile(rf"\b{_NUM} (?:[a-z]+ ){{0,4}}?{_BE}({FATAL}|{INJURED})\b")
_VERB_THEN_COUNT = re.compile(
    r"\b(killing|killed|murdered|shot dead|wounding|wounded|injuring|injured|mataron a|asesinaron a|"
    r"hirieron a|matando a|hiriendo a) "
    + _NUM + r"\b"
)
_NONE = re.compile(
    rf"\b(?:no|ningun|ninguna|ningunos|sin|nobody|no one|nadie) (?:[a-z]+ ){{0,2}}?"
    rf"(?:was |were |fue |resulto )?(casualties|victims|victimas|bajas|fatalities|injuries|"
    rf"{FATAL}|{INJURED})\b"
)
_VAGUE = re.compile(rf"\b{VAGUE} (?:[a-z]+ ){{0,3}}?{_BE}({FATAL}|{INJURED})\b")
UNKNOWN = "unknown"


@dataclass
class Casualties:
    fatalities: int | None | str = None  # None: not mentioned; UNKNOWN: mentioned, no number
    injuries: int | None | str = None

    def add(self, kind: str, value: int | str) -> None:
        current = getattr(self, kind)
        if current == UNKNOWN or value == UNKNOWN:
            setattr(self, kind, UNKNOWN)
        else:
            setattr(self, kind, (current or 0) + value)

    def merge(self, other: "Casualties") -> None:
        for kind in ("fatalities", "injuries"):
            value = getattr(other, kind)
            if value is not None:
                self.add(kind, value)

    def as_numbers(self) -> tuple[int | None, int | None]:
        def number(v):
            return None if v in (None, UNKNOWN) else v
        return number(self.fatalities), number(self.injuries)


def _kind(word: str) -> str:
    return "fatalities" if re.fullmatch(FATAL, word) else "injuries"


def _number(token: str) -> int:
    return int(token) if token.isdigit() else NUMBERS[token]


def find_casualties(norm: str) -> Casualties:
    """Casualties in normalised text; overlapping phrases are counted once."""
    found = Casualties()
    taken: list[tuple[int, int]] = []

    def free(m) -> bool:
        if any(m.start() < end and start < m.end() for start, end in taken):
            return False
        taken.append(m.span())
        return True

    for m in _NONE.finditer(norm):
        if free(m):
            word = m.group(1)
            kinds = ["fatalities", "injuries"] if word in {
                "casualties", "victims", "victimas", "bajas"} else [_kind(word)]
            for kind in kinds:
                found.add(kind, 0)
    for m in _VAGUE.finditer(norm):
        if free(m):
            found.add(_kind(m.group(1)), UNKNOWN)
    for m in _COUNT_THEN_WORD.finditer(norm):
        if free(m):
            found.add(_kind(m.group(2)), _number(m.group(1)))
    for m in _VERB_THEN_COUNT.finditer(norm):
        if free(m):
            verb = m.group(1)
            kind = "injuries" if verb.startswith(("wound", "injur", "hiri")) else "fatalities"
            found.add(kind, _number(m.group(2)))
    return found
