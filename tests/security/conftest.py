import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Logins are what these tests repeat: a cheap hasher keeps each one in milliseconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
