"""Users in the editorial groups, for admin and API tests."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from incidents.roles import ADMINISTRATORS, EDITORS, REVIEWERS

ROLES = {"editor": EDITORS, "reviewer": REVIEWERS, "administrator": ADMINISTRATORS}
PASSWORD = "pw-for-tests-only"


def member(role: str):
    """A staff user in the role's group ('staff': staff status and no group), named after the
    role (then role-2, role-3… when there are several)."""
    users = get_user_model().objects
    taken = users.filter(username__startswith=role).count()
    username = role if not taken else f"{role}-{taken + 1}"
    user = users.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    if role in ROLES:
        user.groups.add(Group.objects.get(name=ROLES[role]))
    return user
