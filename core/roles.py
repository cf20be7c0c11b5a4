"""The three editorial roles as Django groups, kept in step with this file after every migrate.

Editors create and edit drafts and submit them for review; Reviewers also publish, archive,
edit what is in review or published, merge duplicates and build advisory zones;
Administrators may do everything, users and groups included. Subscribers (accounts without
staff status) save alerts by e-mail about their own areas (alerts/), as the editorial roles
may too. Staff status (admin login) is still set per user.
"""
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

EDITORS, REVIEWERS, ADMINISTRATORS = "Editors", "Reviewers", "Administrators"
SUBSCRIBERS = "Subscribers"

# Saving alerts by e-mail (one's own only: workflow.may_manage_alert).
_SUBSCRIBER = ["alerts.add_subscription"]

_EDITOR = [
    *_SUBSCRIBER,
    "incidents.view_incident", "incidents.add_incident", "incidents.change_incident",
    "incidents.submit_incident",
    "incidents.view_actor", "incidents.add_actor", "incidents.change_actor",
    "incidents.view_source", "incidents.add_source", "incidents.change_source",
    "incidents.view_alert",
    "regions.view_adminarea", "regions.view_advisoryzone",
    "regions.view_placecorrection",  # the gazetteer's data-quality list
]
_REVIEWER = [
    *_EDITOR,
    "incidents.publish_incident", "incidents.archive_incident",
    "incidents.change_reviewed_incident", "incidents.merge_incident",
    "incidents.delete_incident",  # drafts and items in review only (see workflow.may_delete)
    "incidents.add_alert", "incidents.change_alert",
    "regions.add_advisoryzone", "regions.change_advisoryzone",
]

ROLES = {SUBSCRIBERS: _SUBSCRIBER, EDITORS: _EDITOR, REVIEWERS: _REVIEWER}


def _permissions(codes: list[str]) -> list[Permission]:
    wanted = {tuple(code.split(".")) for code in codes}
    found = [
        p for p in Permission.objects.select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"permissions not found: {sorted('.'.join(m) for m in missing)}")
    return found


def ensure_roles() -> dict[str, Group]:
    """Create or update the groups so they hold exactly the permissions listed here."""
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0)
    groups = {}
    for name, codes in ROLES.items():
        groups[name] = Group.objects.get_or_create(name=name)[0]
        groups[name].permissions.set(_permissions(codes))
    groups[ADMINISTRATORS] = Group.objects.get_or_create(name=ADMINISTRATORS)[0]
    groups[ADMINISTRATORS].permissions.set(Permission.objects.all())
    return groups


def ensure_roles_after_migrate(sender, **kwargs):
    ensure_roles()
