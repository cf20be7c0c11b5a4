"""Pages: one's own alerts (list, new, pause/resume, delete), the links of the messages
(unsubscribe or pause without login) and the sign-in page.

Threat line: every page but the links and sign-in needs a signed-in account, and finds the
alert among the account's own only (another's answers 404, the same as one that does not
exist); changes are POST with CSRF. The links act only with a valid signature."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from incidents.services.workflow import WorkflowError, may_subscribe
from incidents.taxonomy import EVENT_TYPES
from regions.models import AdminArea

from . import services
from .forms import SubscriptionForm
from .models import Subscription

LOGIN = reverse_lazy("alerts:login")


def _own(request, pk: int) -> Subscription:
    return get_object_or_404(Subscription, pk=pk, user=request.user)


@login_required(login_url=LOGIN)
def alert_list(request):
    return render(request, "alerts/list.html", {
        "subscriptions": Subscription.objects.filter(user=request.user).select_related("region", "place"),
        "may_subscribe": may_subscribe(request.user),
    })


def _initial(request) -> dict:
    """The explorer's view (its query string) as the form's starting values."""
    initial = {"language": "en" if (get_language() or "").startswith("en") else "es"}
    region = AdminArea.objects.filter(ubigeo=request.GET.get("region", "")[:6]).first()
    if region:
        initial.update(region=region.ubigeo, area_kind=Subscription.AreaKind.REGION, name=region.name)
    types = [t for t in request.GET.getlist("event_type") if t in EVENT_TYPES]
    if types:
        initial["event_types"] = types
    if request.GET.get("min_fatalities", "").isdigit():
        initial["min_fatalities"] = int(request.GET["min_fatalities"][:6])
    return initial


@login_required(login_url=LOGIN)
def alert_new(request):
    if not may_subscribe(request.user):
        return render(request, "alerts/forbidden.html", status=403)
    form = SubscriptionForm(request.POST or None, initial=_initial(request))
    form.fields["polygon"].widget.csp_nonce = request.csp_nonce
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        center = None
        if data["longitude"] is not None and data["latitude"] is not None:
            center = Point(data["longitude"], data["latitude"], srid=4326)
        try:
            services.subscription_create(
                user=request.user, name=data["name"], area_kind=data["area_kind"],
                region=data["region"], polygon=data["polygon"], place=data["place"],
                center=center, radius_km=data["radius_km"], event_types=data["event_types"],
                min_fatalities=data["min_fatalities"], frequency=data["frequency"],
                language=data["language"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Alert saved."))
            return redirect("alerts:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "alerts/new.html", {"form": form}, status=status)


@require_POST
@login_required(login_url=LOGIN)
def alert_pause(request, pk: int):
    subscription = _own(request, pk)
    services.subscription_set_paused(user=request.user, subscription=subscription,
                                     paused=not subscription.paused)
    return redirect("alerts:list")


@require_POST
@login_required(login_url=LOGIN)
def alert_delete(request, pk: int):
    services.subscription_delete(user=request.user, subscription=_own(request, pk))
    messages.success(request, _("Alert deleted."))
    return redirect("alerts:list")


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) POSTs without a CSRF token
def alert_link(request, token: str):
    """A message's link: GET shows what it will do and one button (link scanners that fetch
    every URL in a message do not unsubscribe anyone); POST does it. The signature is the
    authority, so it works without login."""
    found = services.read_token(token)
    if found is None:
        raise Http404(_("This link is not valid, or the alert was already deleted."))
    subscription, action = found
    if request.method == "POST":
        try:
            services.apply_token(token)
        except WorkflowError:
            raise Http404 from None
        return render(request, "alerts/link_done.html", {"subscription": subscription, "action": action})
    return render(request, "alerts/link.html", {"subscription": subscription, "action": action})


class LoginView(auth_views.LoginView):
    template_name = "alerts/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("alerts:list")


