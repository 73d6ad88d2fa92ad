from django.urls import path
from django.utils.translation import gettext_lazy as _

from studio.views import placeholder

app_name = "intake"

urlpatterns = [
    path("intake/", placeholder, {"title": _("Health questionnaire")}, name="questionnaire"),
]
