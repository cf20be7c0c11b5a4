"""Admin page 'Ingest bulletin': paste a bulletin, preview its incidents, create drafts."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy

from .services.bulletins.ingest import ingest_bulletin, preview_bulletin
from .services.bulletins.parse import BulletinFormatError
from .services.workflow import may_create


class BulletinForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
                           label=gettext_lazy("Bulletin text"))
    source_url = forms.URLField(required=False, label=gettext_lazy("Source URL"), assume_scheme="https", max_length=500)
    # Threat line: any user with 'add incident' sends it; a date only dates a text that writes
    # none (the form refuses anything but a valid date; it is never rendered unescaped).
    published = forms.DateField(required=False, label=gettext_lazy("Publication date"),
                                help_text=gettext_lazy("Only for a text that writes no date (YYYY-MM-DD)."),
                                widget=forms.DateInput(attrs={"type": "date"}))


def _report(request, result) -> None:
    if result.already_ingested:
        messages.warning(request, _("Already ingested as alert %(id)s; nothing created.") % {"id": result.alert.pk})
        return
    messages.success(
        request,
        _("%(count)s draft incident(s) created from alert %(id)s (%(duplicates)s already "
          "reported by an earlier update, %(unplaced)s without a place).") % {
            "count": len(result.created), "id": result.alert.pk, "duplicates": result.duplicates,
            "unplaced": result.without_location},
    )
    # One message, a bounded list: messages live in a cookie of at most 2 KB (MESSAGE_STORAGE).
    pairs = [_("#%(id)s may duplicate %(others)s") % {
                 "id": created, "others": ", ".join(f"#{i}" for i in existing[:5])}
             + (_(" and %(more)s more") % {"more": len(existing) - 5} if len(existing) > 5 else "")
             for created, existing in result.possible_duplicates.items()]
    if pairs:
        more = len(pairs) - 10
        listed = "; ".join(pairs[:10])
        if more > 0:
            listed += _("; and %(more)s more incidents") % {"more": more}
        messages.warning(request, _("Possible duplicates: %(list)s: compare them in the review "
                                    "queue.") % {"list": listed})


def ingest_bulletin_view(request):
    """GET: empty form. POST 'preview': parsed table. POST 'create': drafts, then the list."""
    if not may_create(request.user):  # the service checks again; this spares a useless form
        raise PermissionDenied(_("Creating incidents needs the 'add incident' permission."))
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
        "title": _("Ingest bulletin"),
        "form": form,
        "preview": preview,
        "error": error,
    }
    return TemplateResponse(request, "admin/incidents/ingest_bulletin.html", context)
