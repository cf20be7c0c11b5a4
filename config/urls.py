from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView
from django.templatetags.static import static

from incidents import views as incident_views

urlpatterns = [
    path("", incident_views.incident_map, name="map"),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]
