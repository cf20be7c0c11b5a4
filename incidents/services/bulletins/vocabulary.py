"""Words that mark events, actors and casualties in English and Spanish bulletins.

Every pattern runs on normalised text (regions.text.normalise: lower case, no accents,
punctuation as spaces), so 'Ejército' and 'ejercito' are the same word.
"""
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ActorSpec:
    name: str
    kind: int  # ACLED inter code
    aliases: tuple[str, ...]
    pattern: re.Pattern


def _words(*alternatives: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


ACTORS = (
    ActorSpec("Military Forces of Peru", 1,
              ("Peruvian Army", "Peruvian armed forces", "Ejército del Perú", "Fuerzas Armadas"),
              _words(r"soldiers?", r"army", r"armed forces", r"military", r"troops", r"marines?",
                     r"soldados?", r"ejercito", r"fuerzas armadas", r"militar(?:es)?", r"tropas",
                     r"ffaa", r"comando especial vraem", r"cevraem")),
    ActorSpec("Police Forces of Peru", 1,
              ("National Police of Peru", "Policía Nacional del Perú", "PNP"),
              _words(r"police(?:men)?", r"police officers?", r"policias?", r"policiales?", r"pnp",
                     r"policia nacional", r"dirandro", r"agentes? del orden")),
    ActorSpec("Shining Path", 2,
              ("Sendero Luminoso", "SL", "MPCP", "narcoterrorists", "narcoterroristas"),
              _words(r"shining path", r"sendero luminoso", r"senderistas?", r"narco ?terroris\w*",
                     r"terroris\w*", r"militants?", r"mpcp", r"remanentes de sendero",
                     r"armed group", r"grupo armado", r"subversiv\w*")),
    ActorSpec("Civilians (Peru)", 7, ("civilians", "civiles", "campesinos", "pobladores"),
              _words(r"civilians?", r"farmers?", r"villagers?", r"residents?", r"peasants?",
                     r"civiles", r"campesinos?", r"pobladores?", r"comuneros?", r"agricultores?",
                     r"vecinos?", r"coca growers?", r"cocaleros?", r"engineers?", r"workers?",
                     r"ingenieros?", r"trabajadores?", r"teachers?", r"docentes?")),
    ActorSpec("Protesters (Peru)", 6, ("protesters", "manifestantes"),
              _words(r"protesters?", r"demonstrators?", r"manifestantes?", r"protestantes?")),
    ActorSpec("Unidentified Armed Group (Peru)", 3, ("gunmen", "hombres armados"),
              _words(r"armed men", r"gunmen", r"unidentified (?:armed )?(?:men|assailants|attackers)",
                     r"hombres armados", r"sujetos armados", r"desconocidos")),
)
NON_STATE_KINDS = {2, 3}
PROTESTER_ACTOR = "Protesters (Peru)"
# 'Police said ...': a source of the report, not a party to the event.
REPORTED_BY = _words(r"(?:the )?(?:police|army|military|authorities|officials|prosecutors)"
                     r" (?:said|say|reported|stated|confirmed|announced)",
                     r"(?:la )?(?:policia|pnp|autoridades|fiscalia|ejercito) (?:informo|informaron|senalo|"
                     r"senalaron|indico|indicaron|confirmo|confirmaron|dijo|reporto)",
                     r"segun (?:la )?(?:policia|pnp|autoridades|fuentes policiales)")
CIVILIAN_ACTOR = "Civilians (Peru)"


@dataclass(frozen=True)
class EventRule:
    event_type: str
    sub_event_type: str
    pattern: re.Pattern


DISRUPTED = _words(r"defused", r"deactivated", r"found", r"discovered", r"seized", r"desactiv\w+",
                   r"hallaron", r"hallado", r"encontr\w+", r"incaut\w+", r"detect\w+")
EXPLOSIVE = EventRule("Explosions/Remote violence", "Remote explosive/landmine/IED",
                      _words(r"ieds?", r"improvised explosive", r"explosive devices?", r"landmines?",
                             r"land mines?", r"roadside bombs?", r"car bombs?", r"bombs?", r"dynamite",
                             r"artefactos? explosivos?", r"explosivos?", r"minas? antipersonal",
                             r"coche bomba", r"dinamita", r"detonat\w+", r"deton\w+"))
GRENADE = EventRule("Explosions/Remote violence", "Grenade", _words(r"grenades?", r"granadas?"))
ABDUCTION = EventRule("Violence against civilians", "Abduction/forced disappearance",
                      _words(r"kidnap\w*", r"abduct\w*", r"hostages?", r"secuestr\w*", r"raptad\w*",
                             r"desaparicion forzada"))
ARMED_CLASH = EventRule("Battles", "Armed clash",
                        _words(r"clash\w*", r"ambush\w*", r"fire ?fights?", r"gun ?fights?",
                               r"exchange of fire", r"shoot ?outs?", r"exchanged fire",
                               r"enfrentamientos?", r"enfrent\w+", r"emboscad\w*", r"emboscaron",
                               r"balaceras?", r"intercambio de disparos", r"tiroteos?", r"combates?",
                               r"opened fire on (?:an? |the )?(?:\w+ ){0,2}(?:base|patrol|post|checkpoint|convoy|station)",
                               r"(?:abrieron fuego|dispararon) contra (?:la |una |el |un )?(?:\w+ ){0,2}(?:base|patrulla|puesto|comisaria|convoy)",
                               r"attack\w* (?:against|on) (?:an? |the )?(?:\w+ ){0,2}(?:base|patrol|post|outpost|convoy)",
                               r"ataque (?:contra|a) (?:la |una |el |un )?(?:\w+ ){0,2}(?:base|patrulla|puesto|convoy)",
                               r"atacaron (?:la |una |el |un )?(?:\w+ ){0,2}(?:base|patrulla|puesto|convoy)"))
ARRESTS = EventRule("Strategic developments", "Arrests",
                    _words(r"arrest\w*", r"detained", r"captured", r"apprehended", r"detuv\w+",
                           r"detenid\w+", r"captur\w+", r"arrest\w+"))
ATTACK = EventRule("Violence against civilians", "Attack",
                   _words(r"killed", r"killing", r"murder\w*", r"shot dead", r"attack\w*",
                          r"asesin\w+", r"mataron", r"matar\w*", r"ataque", r"atacaron", r"ejecut\w+",
                          r"massacre", r"masacre"))
PROTEST = EventRule("Protests", "Peaceful protest",
                    _words(r"protest\w*", r"demonstrat\w*", r"marched", r"protestas?", r"marchas?",
                           r"movilizaci\w+", r"plantones?"))
# Checked in this order; the first that matches types the clause (see extract.classify).
RULES = (EXPLOSIVE, GRENADE, ABDUCTION, ARMED_CLASH, ARRESTS, ATTACK, PROTEST)

# Sentences about what may happen, or summing up earlier events, report no incident.
SPECULATIVE = _words(r"likely", r"expected to", r"could", r"might", r"may(?! \d)", r"further",
                     r"coming (?:days|weeks)", r"se espera", r"podrian?", r"probable\w*",
                     r"proximos dias", r"proximas semanas", r"advise\w*", r"recommend\w*")
BACKGROUND = _words(r"such incidents?", r"such attacks?", r"recent attacks?", r"recent clashes",
                    r"citing", r"ataques recientes", r"recientes ataques", r"since the (?:beginning|start)",
                    r"so far this year", r"en lo que va", r"desde (?:el )?inicio", r"this year",
                    r"este ano", r"in recent (?:months|years)", r"en los ultimos")

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "twenty": 20, "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12,
    "trece": 13, "catorce": 14, "quince": 15, "veinte": 20,
}
FATAL = r"(?:killed|dead|died|murdered|shot dead|lost their lives|muertos?|murieron|muri[oe]|" \
        r"fallecieron|fallecidos?|fallecio|asesinados?|perdieron la vida|sin vida)"
INJURED = r"(?:wounded|injured|hurt|heridos?|heridas?|resultaron heridos|lesionados?)"
VAGUE = r"(?:several|some|a number of|many|various|multiple|unknown number of|an unknown number of|" \
        r"varios|varias|algunos|algunas|numerosos|decenas de)"
