"""ACLED event taxonomy, so data can be exchanged with the field's reference dataset."""

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

EVENT_TYPE_CHOICES = [(name, name) for name in EVENT_TYPES]
SUB_EVENT_TYPE_CHOICES = [
    (event_type, [(sub, sub) for sub in subs]) for event_type, subs in EVENT_TYPES.items()
]


def sub_event_belongs(event_type: str, sub_event_type: str) -> bool:
    return sub_event_type in EVENT_TYPES.get(event_type, ())
