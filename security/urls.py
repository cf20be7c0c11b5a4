"""The security app's API route (under /api/v1/, in the "api" namespace)."""
from django.urls import path

from .api import obtain_auth_token

api_urlpatterns = [
    path("token/", obtain_auth_token, name="token"),
]
