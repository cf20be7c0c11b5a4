from django.apps import AppConfig


class OgcApiConfig(AppConfig):
    name = "ogcapi"
    verbose_name = "OGC API - Features"
