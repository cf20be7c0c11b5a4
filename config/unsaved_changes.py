"""Nothing typed into an admin form is lost when the session expires before it is saved.

Without this, a POST that arrives after the session has expired (or was ended elsewhere) is
answered by a redirect to the login page and its data is gone. `UnsavedChangesMiddleware`:

1. notices such a POST (an anonymous POST under /admin/ answered by a redirect to the admin
   login) and keeps its fields in the new, anonymous session, with a message on the login page;
2. after the login (Django keeps an anonymous session's data when a user logs in) the first
   visit of that same page shows "Your unsaved changes": every field, and a button that sends
   them again exactly as they were (with a fresh CSRF token), or one to discard them;
3. forgets them once they are sent again or discarded.

Uploaded files cannot be kept; the page names them. Data larger than UNSAVED_CHANGES_MAX_BYTES
is not kept either, and the login page says so.
"""
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.db import DatabaseError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

STASH = "unsaved_changes"
DISCARD = "_discard_unsaved_changes"
NOT_SHOWN = ("csrfmiddlewaretoken", "initial-")


class UnsavedChangesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.method == "POST" and request.path.startswith(_admin_root())
                and _is_login_redirect(response) and not request.user.is_authenticated):
            self._keep(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """After the CSRF check (an earlier middleware's process_view), before the view."""
        try:
            if not request.path.startswith(_admin_root()) or not request.user.is_authenticated:
                return None
            stash = request.session.get(STASH)
        except DatabaseError:  # the view then answers the 503 page
            return None
        if not stash or stash["path"] != request.path:
            return None
        if request.method == "GET":
            return self._offer(request, stash)
        if request.method == "POST":
            del request.session[STASH]  # sent again (or discarded): done with it
            if DISCARD in request.POST:
                messages.info(request, "Your unsaved changes were discarded.")
                return redirect(request.get_full_path())
        return None

    @staticmethod
    def _keep(request):
        fields = [[key, value] for key, values in request.POST.lists()
                  if key != "csrfmiddlewaretoken" for value in values]
        stash = {
            "path": request.path,
            "query": request.META.get("QUERY_STRING", ""),
            "fields": fields,
            "files": sorted(request.FILES),
            "at": timezone.now().isoformat(),
        }
        if len(json.dumps(stash)) > settings.UNSAVED_CHANGES_MAX_BYTES:
            messages.error(request, "Your session had expired, so your changes were not saved, "
                                    "and they are too large to keep. Log in and enter them again.")
            return
        request.session[STASH] = stash
        messages.warning(request, "Your session had expired, so your changes were not saved. "
                                  "They are kept: log in and you will be offered them again.")

    @staticmethod
    def _offer(request, stash):
        shown = [(key, value) for key, value in stash["fields"]
                 if value and not key.startswith(NOT_SHOWN) and not key.startswith("_")
                 and not key.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS"))]
        action = stash["path"] + (f"?{stash['query']}" if stash["query"] else "")
        context = {
            **admin.site.each_context(request),
            "title": "Your unsaved changes",
            "action": action,
            "fields": stash["fields"],
            "shown": shown,
            "files": stash["files"],
            "saved_at": stash["at"],
            "discard": DISCARD,
        }
        return TemplateResponse(request, "admin/unsaved_changes.html", context)


def _admin_root() -> str:
    return reverse("admin:index")


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.get("Location", "")).path == reverse("admin:login")
