from django import forms
from django.contrib.gis import forms as gis_forms
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget

from incidents.taxonomy import EVENT_TYPES

from .models import LANGUAGES, Subscription


class MapWidget(LeafletWidget):
    include_media = True  # the page has no other map: the widget brings Leaflet and its draw tools


class SubscriptionForm(forms.Form):
    """What a signed-in user sends to save an alert; services.subscription_create checks the
    area itself (validity, size, bounds) and the per-account cap."""

    name = forms.CharField(label=_("Name"), max_length=100)
    area_kind = forms.ChoiceField(label=_("Area"), choices=Subscription.AreaKind.choices,
                                  widget=forms.RadioSelect, initial=Subscription.AreaKind.REGION)
    region = forms.CharField(label=_("Region code (ubigeo)"), max_length=6, required=False,
                             help_text=_("2 digits: a department, 4: a province, 6: a district."))
    polygon = gis_forms.PolygonField(label=_("Polygon"), srid=4326, required=False,
                                     widget=MapWidget(attrs={"geom_type": "Polygon"}),
                                     help_text=_("Draw the area on the map."))
    place = forms.CharField(label=_("Place from the gazetteer"), max_length=200, required=False,
                            help_text=_("A name and, after a comma, its district: “Natividad, Pichari”."))
    longitude = forms.FloatField(label=_("or longitude"), required=False, min_value=-180, max_value=180)
    latitude = forms.FloatField(label=_("and latitude"), required=False, min_value=-90, max_value=90)
    radius_km = forms.FloatField(label=_("Radius (km)"), required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Event types"), choices=[(t, t) for t in EVENT_TYPES], required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every event type."))
    min_fatalities = forms.IntegerField(label=_("At least this many fatalities"), required=False,
                                        min_value=0, max_value=100000)
    frequency = forms.ChoiceField(label=_("Send"), choices=Subscription.Frequency.choices,
                                  widget=forms.RadioSelect, initial=Subscription.Frequency.IMMEDIATE)
    language = forms.ChoiceField(label=_("Language of the messages"), choices=LANGUAGES)
