"""Signed links in alert messages (unsubscribe, pause): they work without login and name one
alert and one action; a forged or altered token reads as None. Used by the messages (mail.py)
and the link view (through services)."""
from django.core import signing

from .models import Subscription

TOKEN_SALT = "alerts.link"
TOKEN_ACTIONS = ("unsubscribe", "pause")


def make_token(subscription: Subscription, action: str) -> str:
    assert action in TOKEN_ACTIONS
    # No timestamp (the link never expires): the same alert and action always give the same link.
    return signing.Signer(salt=TOKEN_SALT).sign_object([subscription.pk, action], compress=True)


def read_token(token: str) -> tuple[Subscription, str] | None:
    """The alert and action a link stands for, or None (forged, altered or already deleted)."""
    try:
        pk, action = signing.Signer(salt=TOKEN_SALT).unsign_object(token[:200])
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if action not in TOKEN_ACTIONS or not isinstance(pk, int):
        return None
    subscription = Subscription.objects.filter(pk=pk).first()
    return (subscription, action) if subscription else None
