from django.urls import path
from django.utils.translation import gettext_lazy as _

from studio.views import placeholder

app_name = "staff"

urlpatterns = [
    path("", placeholder, {"title": _("Staff area")}, name="dashboard"),
    path("login/", placeholder, {"title": _("Staff sign-in")}, name="login"),
]
