"""Admin page 'Ingest bulletin': paste a bulletin, preview its incidents, create drafts."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .services.bulletins.ingest import ingest_bulletin, preview_bulletin
from .services.bulletins.parse import BulletinFormatError
from .services.workflow import may_create


class BulletinForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
                           label="Bulletin text")
    source_url = forms.URLField(required=False, label="Source URL", assume_scheme="https", max_length=500)
    # Threat line: any user with 'add incident' sends it; a date only dates a text that writes
    # none (the form refuses anything but a valid date; it is never rendered unescaped).
    published = forms.DateField(required=False, label="Publication date",
                                help_text="Only for a text that writes no date (YYYY-MM-DD).",
                                widget=forms.DateInput(attrs={"type": "date"}))


def _report(request, result) -> None:
    if result.already_ingested:
        messages.warning(request, f"Already ingested as alert {result.alert.pk}; nothing created.")
        return
    messages.success(
        request,
        f"{len(result.created)} draft incident(s) created from alert {result.alert.pk} "
        f"({result.duplicates} already reported by an earlier update, "
        f"{result.without_location} without a place).",
    )
    # One message, a bounded list: messages live in a cookie of at most 2 KB (MESSAGE_STORAGE).
    pairs = [f"#{created} may duplicate {', '.join(f'#{i}' for i in existing[:5])}"
             + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
             for created, existing in result.possible_duplicates.items()]
    if pairs:
        more = len(pairs) - 10
        messages.warning(request, f"Possible duplicates: {'; '.join(pairs[:10])}"
                         f"{f'; and {more} more incidents' if more > 0 else ''}: "
                         "compare them in the review queue.")


def ingest_bulletin_view(request):
    """GET: empty form. POST 'preview': parsed table. POST 'create': drafts, then the list."""
    if not may_create(request.user):  # the service checks again; this spares a useless form
        raise PermissionDenied("Creating incidents needs the 'add incident' permission.")
    form = BulletinForm(request.POST or None)
    preview = error = None
    if request.method == "POST" and form.is_valid():
        text, url = form.cleaned_data["text"], form.cleaned_data["source_url"]
        published = form.cleaned_data["published"]
        try:
            if "create" in request.POST:
                result = ingest_bulletin(user=request.user, text=text, source_url=url,
                                         published=published)
                _report(request, result)
                changelist = reverse("admin:incidents_incident_changelist")
                return redirect(f"{changelist}?alert__id__exact={result.alert.pk}")
            preview = preview_bulletin(text, published=published)
        except BulletinFormatError as exc:
            error = str(exc)
        except ValidationError as exc:  # a value the parser let through but the model refuses
            error = "; ".join(exc.messages)
    context = {
        **admin.site.each_context(request),
        "title": "Ingest bulletin",
        "form": form,
        "preview": preview,
        "error": error,
    }
    return TemplateResponse(request, "admin/incidents/ingest_bulletin.html", context)
