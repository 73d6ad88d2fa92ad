"""The availability API: one address for every language (outside i18n_patterns, studio/urls.py).

Its data is the same in every language; its error messages follow the language cookie or the
browser's Accept-Language (common/locale.py).
"""

from django.urls import path

from bookings.web import views

app_name = "api"

urlpatterns = [
    path("availability/", views.availability_api, name="availability"),
]
