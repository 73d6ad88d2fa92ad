from django.urls import path
from django.utils.translation import gettext_lazy as _

from studio.views import placeholder

app_name = "bookings"

urlpatterns = [
    path("prices/", placeholder, {"title": _("Prices")}, name="prices"),
    path("therapists/", placeholder, {"title": _("Our therapists")}, name="therapist_list"),
    path("book/", placeholder, {"title": _("Book a session")}, name="book"),
]
