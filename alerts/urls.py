from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_new, name="new"),
    path("<int:pk>/pause/", views.alert_pause, name="pause"),
    path("<int:pk>/delete/", views.alert_delete, name="delete"),
    path("link/<str:token>/", views.alert_link, name="link"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("map")), name="logout"),
]
