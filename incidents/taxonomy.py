"""ACLED event taxonomy, so data can be exchanged with the field's reference dataset.

The English names are the codes: stored in the database, sent and accepted by the API and the
exports, exactly as ACLED writes them. People see display labels (`EVENT_TYPE_LABELS`,
`SUB_EVENT_TYPE_LABELS`), translated in incidents/locale/<lang>/LC_MESSAGES/django.po under
the contexts "ACLED event type" and "ACLED sub-event type".
"""
from django.utils.translation import pgettext_lazy

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

# ACLED publishes its codebook in English only (no Spanish edition was found), so every Spanish
# label of the taxonomy (incidents/locale/es, each entry noted there) is our own wording, in the
# Spanish of Peruvian security reporting; the English code stays the stored and API value.
EVENT_TYPE_LABELS = {
    "Battles": pgettext_lazy("ACLED event type", "Battles"),
    "Explosions/Remote violence": pgettext_lazy("ACLED event type", "Explosions/Remote violence"),
    "Violence against civilians": pgettext_lazy("ACLED event type", "Violence against civilians"),
    "Protests": pgettext_lazy("ACLED event type", "Protests"),
    "Riots": pgettext_lazy("ACLED event type", "Riots"),
    "Strategic developments": pgettext_lazy("ACLED event type", "Strategic developments"),
}

# Our own Spanish wording too (ACLED has no Spanish codebook); see EVENT_TYPE_LABELS.
SUB_EVENT_TYPE_LABELS = {
    "Armed clash": pgettext_lazy("ACLED sub-event type", "Armed clash"),
    "Government regains territory": pgettext_lazy("ACLED sub-event type", "Government regains territory"),
    "Non-state actor overtakes territory": pgettext_lazy(
        "ACLED sub-event type", "Non-state actor overtakes territory"),
    "Chemical weapon": pgettext_lazy("ACLED sub-event type", "Chemical weapon"),
    "Air/drone strike": pgettext_lazy("ACLED sub-event type", "Air/drone strike"),
    "Suicide bomb": pgettext_lazy("ACLED sub-event type", "Suicide bomb"),
    "Shelling/artillery/missile attack": pgettext_lazy(
        "ACLED sub-event type", "Shelling/artillery/missile attack"),
    "Remote explosive/landmine/IED": pgettext_lazy("ACLED sub-event type", "Remote explosive/landmine/IED"),
    "Grenade": pgettext_lazy("ACLED sub-event type", "Grenade"),
    "Sexual violence": pgettext_lazy("ACLED sub-event type", "Sexual violence"),
    "Attack": pgettext_lazy("ACLED sub-event type", "Attack"),
    "Abduction/forced disappearance": pgettext_lazy("ACLED sub-event type", "Abduction/forced disappearance"),
    "Peaceful protest": pgettext_lazy("ACLED sub-event type", "Peaceful protest"),
    "Protest with intervention": pgettext_lazy("ACLED sub-event type", "Protest with intervention"),
    "Excessive force against protesters": pgettext_lazy(
        "ACLED sub-event type", "Excessive force against protesters"),
    "Violent demonstration": pgettext_lazy("ACLED sub-event type", "Violent demonstration"),
    "Mob violence": pgettext_lazy("ACLED sub-event type", "Mob violence"),
    "Agreement": pgettext_lazy("ACLED sub-event type", "Agreement"),
    "Arrests": pgettext_lazy("ACLED sub-event type", "Arrests"),
    "Change to group/activity": pgettext_lazy("ACLED sub-event type", "Change to group/activity"),
    "Disrupted weapons use": pgettext_lazy("ACLED sub-event type", "Disrupted weapons use"),
    "Headquarters or base established": pgettext_lazy("ACLED sub-event type", "Headquarters or base established"),
    "Looting/property destruction": pgettext_lazy("ACLED sub-event type", "Looting/property destruction"),
    "Non-violent transfer of territory": pgettext_lazy(
        "ACLED sub-event type", "Non-violent transfer of territory"),
    "Other": pgettext_lazy("ACLED sub-event type", "Other"),
}

EVENT_TYPE_CHOICES = [(name, EVENT_TYPE_LABELS[name]) for name in EVENT_TYPES]
SUB_EVENT_TYPE_CHOICES = [
    (EVENT_TYPE_LABELS[event_type], [(sub, SUB_EVENT_TYPE_LABELS[sub]) for sub in subs])
    for event_type, subs in EVENT_TYPES.items()
]


def sub_event_belongs(event_type: str, sub_event_type: str) -> bool:
    return sub_event_type in EVENT_TYPES.get(event_type, ())
