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
                     r"civiles", r"campesin[oa]s?", r"pobladore?s?", r"pobladoras?", r"comuner[oa]s?",
                     r"agricultore?s?", r"agricultoras?", r"vecin[oa]s?", r"coca growers?",
                     r"cocaleros?", r"engineers?", r"workers?", r"ingenier[oa]s?", r"trabajadore?s?",
                     r"trabajadoras?", r"teachers?", r"docentes?", r"passengers?", r"pasajer[oa]s?",
                     r"councillors?", r"regidor(?:es|a)?", r"comerciantes?")),
    ActorSpec("Protesters (Peru)", 6, ("protesters", "manifestantes"),
              _words(r"protesters?", r"demonstrators?", r"manifestantes?", r"protestantes?")),
    ActorSpec("Rioters (Peru)", 5, ("rioters", "violent protesters"), _words(r"rioters?")),
    ActorSpec("Unidentified Armed Group (Peru)", 3, ("gunmen", "hombres armados"),
              _words(r"armed men", r"gunmen", r"unidentified (?:armed )?(?:men|assailants|attackers)",
                     r"hombres armados", r"sujetos armados", r"desconocidos")),
)
NON_STATE_KINDS = {2, 3}
PROTESTER_ACTOR = "Protesters (Peru)"
RIOTER_ACTOR = "Rioters (Peru)"
# 'Police said ...': a source of the report, not a party to the event.
REPORTED_BY = _words(r"(?:the )?(?:police|army|military|authorities|officials|prosecutors)"
                     r" (?:said|say|reported|stated|confirmed|announced)",
                     r"(?:la )?(?:policia|pnp|autoridades|fiscalia|ejercito) (?:informo|informaron|senalo|"
                     r"senalaron|indico|indicaron|confirmo|confirmaron|dijo|reporto)",
                     r"segun (?:la )?(?:policia|pnp|autoridades|fuentes policiales)",
                     r"according to (?:a |the )?(?:police|military|army) (?:report|statement|sources)",
                     r"segun (?:un |el )?(?:informe|parte|reporte) (?:policial|militar)")
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
                          r"massacre", r"masacre", r"matanza", r"asaltaron", r"asalto", r"robbed"))
PROTEST = EventRule("Protests", "Peaceful protest",
                    _words(r"protest\w*", r"demonstrat\w*", r"marched", r"protestas?", r"marchas?",
                           r"marcharon", r"movilizaci\w+", r"plantones?", r"blocked", r"roadblocks?",
                           r"blockades?", r"bloquearon", r"bloqueos?", r"bloquean", r"paro"))
# Protesters who clash with the police, burn or storm: a riot (checked before the clash rule).
RIOT = EventRule("Riots", "Violent demonstration",
                 _words(r"(?:clash\w*|enfrentamientos?|enfrentaron) (?:\w+ ){0,3}?(?:protesters|demonstrators|"
                        r"manifestantes)", r"(?:protesters|demonstrators|manifestantes) (?:\w+ ){0,6}?"
                        r"(?:clash\w*|enfrent\w+|set fire|burn\w*|incendi\w+|stormed|tried to take over|"
                        r"intentaron tomar|saque\w+|looted)"))
# Checked in this order; the first that matches types the clause (see extract.classify).
RULES = (RIOT, EXPLOSIVE, GRENADE, ABDUCTION, ARMED_CLASH, ARRESTS, ATTACK, PROTEST)
# Announced, called or planned events, and decrees, reminders and advice: no incident.
NOT_AN_EVENT = _words(r"called for", r"has been called", r"have called", r"will be held", r"will\b",
                      r"planned", r"plan to", r"next week", r"next month", r"convoc\w+", r"anunci\w+",
                      r"acordaron", r"proxim[oa]s?", r"a partir del", r"state of emergency",
                      r"estado de emergencia", r"decreto", r"reminds", r"recuerda", r"is common",
                      r"son comunes", r"if the government", r"si el gobierno", r"can turn",
                      r"pueden", r"possible", r"posibles?", r"bloquearan")
# 'No clashes were reported': the event word is denied.
DENIED = re.compile(r"\b(?:no|sin|ningun\w*|nor)\s+(?:se\s+)?(?:\w+\s+){0,2}?"
                    r"(?:enfrentamientos?|clashes|incidentes|incidents|arrests|detenidos|detenciones)\b")

# Sentences about what may happen, or summing up earlier events, report no incident.
SPECULATIVE = _words(r"likely", r"expected to", r"could", r"might", r"may(?! \d)", r"further",
                     r"coming (?:days|weeks)", r"se espera", r"podrian?", r"probable\w*",
                     r"proximos dias", r"proximas semanas", r"advise\w*", r"recommend\w*")
BACKGROUND = _words(r"such incidents?", r"such attacks?", r"recent attacks?", r"recent clashes",
                    r"citing", r"ataques recientes", r"recientes ataques", r"since the (?:beginning|start)",
                    r"so far this year", r"en lo que va", r"desde (?:el )?inicio", r"this year",
                    r"este ano", r"in recent (?:months|years)", r"en los ultimos", r"similar attacks?",
                    r"un ano despues", r"a un ano")

FATAL = r"(?:killed|dead|died|murdered|shot dead|lost their lives|muert[oa]s?|murieron|muri[oe]|" \
        r"fallecieron|fallecid[oa]s?|fallecio|asesinad[oa]s?|perdieron la vida|sin vida)"
INJURED = r"(?:wounded|injured|hurt|herid[oa]s?|resultaron heridos|lesionad[oa]s?)"
MISSING = r"(?:missing|desaparecid[oa]s?)"
KIDNAPPED = r"(?:kidnapped|abducted|taken hostage|held hostage|secuestrad[oa]s?|raptad[oa]s?)"
VAGUE = r"(?:several|some|a number of|many|various|multiple|unknown number of|an unknown number of|" \
        r"varios|varias|algunos|algunas|numerosos|decenas de)"
