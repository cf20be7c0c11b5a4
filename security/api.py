"""The API token login (`POST /api/v1/token/`), throttled.

DRF's ObtainAuthToken turns throttling off (`throttle_classes = ()`). Threat line: a stranger
may post any username and password, as often as they like; each post costs a password hash
(tens of milliseconds of CPU on purpose) and is one guess. The login lockout (security.lockout)
bounds guesses per account and per address; this throttle bounds the requests of one client
(by `security.client`), whatever usernames it tries, at API_TOKEN_RATE (scope "token").
"""
from rest_framework.authtoken.views import ObtainAuthToken

from .throttling import ScopedRateThrottle


class ThrottledObtainAuthToken(ObtainAuthToken):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


obtain_auth_token = ThrottledObtainAuthToken.as_view()
