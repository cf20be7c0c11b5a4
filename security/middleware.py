"""Answers a locked login with 429 and says why, on the admin login and the API token login."""
from django.contrib import admin
from django.db import DatabaseError
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .client import client_ip
from .lockout import Lock, current_lock, lockout_message


class LoginLockoutMiddleware:
    """Before a login POST: refuse a locked login (security.lockout's rules). After a failed one
    that has just locked it: say so at once, instead of the usual 'wrong password' form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = self._login_kind(request)
        if kind is None:
            return self.get_response(request)
        username, address = request.POST.get("username", ""), client_ip(request)
        try:
            lock = current_lock(username, address) if username else None
        except DatabaseError:  # the login view then answers the 503 page
            return self.get_response(request)
        if lock is None:
            response = self.get_response(request)
            if response.status_code in (200, 400) and username:  # the login failed
                lock = current_lock(username, address)
            if lock is None:
                return response
        return self._locked(request, kind, lock)

    @staticmethod
    def _login_kind(request) -> str | None:
        if request.method != "POST":
            return None
        if request.path == reverse("admin:login"):
            return "admin"
        if request.path == reverse("api:token"):
            return "api"
        return None

    @staticmethod
    def _locked(request, kind, lock: Lock):
        message = lockout_message(lock)
        retry_after = max(1, int((lock.until - timezone.now()).total_seconds()))
        if kind == "api":
            response = JsonResponse({"detail": message}, status=429)
        else:
            response = TemplateResponse(
                request, "security/locked_out.html",
                {**admin.site.each_context(request), "title": _("Login locked"), "message": message},
                status=429,
            )
            response.render()
        response["Retry-After"] = str(retry_after)
        return response
