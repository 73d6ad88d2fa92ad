from django.urls import path
from django.utils.translation import gettext_lazy as _

from bookings import views
from studio.views import placeholder

app_name = "bookings"

urlpatterns = [
    path("prices/", views.prices, name="prices"),
    path("therapists/", views.therapist_list, name="therapist_list"),
    path("therapists/<slug:slug>/", views.therapist_detail, name="therapist_detail"),
    path("api/availability/", views.availability_api, name="availability_api"),
    # The booking flow (/book/, /appointments/<token>/...) is built on bookings.booking separately.
    path("book/", placeholder, {"title": _("Book a session")}, name="book"),
]
