"""Killed, injured, missing and kidnapped people stated in a clause: a number, 0 for 'no
casualties', or unknown. Kept apart: the JSON contract's fatalities and injuries hold only the
dead and the wounded.

Numbers written as words, of any size and in either language ('dieciséis', 'twenty-one', 'tres
mil'), become digits through text2num's alpha2digit (see `digits`) before these patterns run, so
the patterns read digits, plus the articles and 'another/otro' that stand for one.
"""
import re
from dataclasses import dataclass

from text_to_num import alpha2digit

from .vocabulary import FATAL, INJURED, KIDNAPPED, MISSING, VAGUE

_SPANISH = re.compile(r"\b(?:el|la|los|las|del|que|en|por|una|fueron|murió|resultaron|tras|según)\b",
                      re.I)
_ENGLISH = re.compile(r"\b(?:the|of|and|were|was|in|on|killed|said|after|by)\b", re.I)


def language(text: str) -> str:
    return "es" if len(_SPANISH.findall(text)) > len(_ENGLISH.findall(text)) else "en"


def digits(text: str, lang: str | None = None) -> str:
    """Number words as digits, every size: 'Cinco ... diecisiete' -> '5 ... 17'."""
    try:
        return alpha2digit(text, lang or language(text), threshold=0)
    except Exception:  # the library refuses odd input rarely; the words stay words
        return text


_ONE = r"(?:a|an|another|otro|otra|one)"
_NUM = rf"(\d{{1,5}}|{_ONE})"
_BE = (r"(?:(?:were|was|have been|had been|are|is|remain|remains|went|reportedly|"
       r"fueron|fue|resultaron|resulto|quedaron|quedo|han sido|habrian|se encuentran?|"
       r"permanecen?|siguen?|estan?) )*")
_KINDS = rf"({FATAL}|{INJURED}|{MISSING}|{KIDNAPPED})"
# A subject of any length ('5 agentes de la Policía Nacional del Perú fallecieron'), but not
# across another clause ('... when', '... que', a number).
_SUBJECT = r"(?:(?!when\b|while\b|cuando\b|mientras\b|after\b|tras\b|que\b|which\b|who\b|" \
           r"despues\b|but\b|pero\b|released\b|freed\b|rescued\b|liberad|rescatad|rest\b|resto\b)" \
           r"[a-z]+ ){0,12}?"
_COUNT_THEN_WORD = re.compile(rf"\b{_NUM} {_SUBJECT}{_BE}{_KINDS}\b")
_VERB_THEN_COUNT = re.compile(
    r"\b(killing|killed|murdered|shot dead|wounding|wounded|injuring|injured|abducted|abducting|"
    r"kidnapped|kidnapping|mataron a|asesinaron a|hirieron a|matando a|hiriendo a|"
    r"secuestraron a|secuestrando a|raptaron a) " + r"(\d{1,5}|a|an)\b"
)
_NONE = re.compile(
    rf"\b(?:no|ningun|ninguna|ningunos|sin|nobody|no one|nadie) (?:[a-z]+ ){{0,3}}?"
    rf"(?:was |were |fue |resulto )?(casualties|victims|victimas|bajas|fatalities|injuries|"
    rf"{FATAL}|{INJURED})\b"
)
_VAGUE = re.compile(rf"\b{VAGUE} (?:[a-z]+ ){{0,3}}?{_BE}({FATAL}|{INJURED})\b")
UNKNOWN = "unknown"
KINDS = ("fatalities", "injuries", "missing", "kidnapped")


@dataclass
class Casualties:
    fatalities: int | None | str = None  # None: not mentioned; UNKNOWN: mentioned, no number
    injuries: int | None | str = None
    missing: int | None | str = None
    kidnapped: int | None | str = None

    def add(self, kind: str, value: int | str) -> None:
        current = getattr(self, kind)
        if current == UNKNOWN or value == UNKNOWN:
            setattr(self, kind, UNKNOWN)
        else:
            setattr(self, kind, (current or 0) + value)

    def merge(self, other: "Casualties") -> None:
        for kind in KINDS:
            value = getattr(other, kind)
            if value is not None:
                self.add(kind, value)

    @staticmethod
    def _number(v):
        return None if v in (None, UNKNOWN) else v

    def as_numbers(self) -> tuple[int | None, int | None]:
        return self._number(self.fatalities), self._number(self.injuries)

    def others(self) -> tuple[int | None, int | None]:
        """(missing, kidnapped)."""
        return self._number(self.missing), self._number(self.kidnapped)


def _kind(word: str) -> str:
    if word in ("fatalities", "injuries"):
        return word
    for kind, pattern in (("fatalities", FATAL), ("injuries", INJURED), ("missing", MISSING)):
        if re.fullmatch(pattern, word):
            return kind
    return "kidnapped"


def _number(token: str) -> int | None:
    if token.isdigit():
        value = int(token)
        return None if len(token) == 4 and 1900 <= value <= 2100 else value  # a year
    return 1


def find_casualties(norm: str) -> Casualties:
    """Casualties in normalised text; overlapping phrases count once."""
    norm = digits(norm)
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
        if m.group(1) in ("a", "an") and (len(m.group(0).split()) > 5 or not re.search(
                r" (?:was|is|has been|had been|went|remains) ", m.group(0))):
            continue  # an article stands for one only with its verb ('a man was killed')
        number = _number(m.group(1))
        if number is not None and free(m):
            found.add(_kind(m.group(2)), number)
    for m in _VERB_THEN_COUNT.finditer(norm):
        number = _number(m.group(2))
        if number is not None and free(m):
            verb = m.group(1)
            kind = ("injuries" if verb.startswith(("wound", "injur", "hiri")) else
                    "kidnapped" if verb.startswith(("abduct", "kidnap", "secuestr", "rapt")) else
                    "fatalities")
            found.add(kind, number)
    return found
