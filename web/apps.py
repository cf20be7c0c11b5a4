from django.apps import AppConfig


class WebConfig(AppConfig):
    """The public pages and their folium maps, built on regions and incidents."""

    name = "web"
    verbose_name = "Public pages"
