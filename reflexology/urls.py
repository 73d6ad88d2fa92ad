from django.urls import path
from django.utils.translation import gettext_lazy as _

from studio.views import placeholder

app_name = "reflexology"

urlpatterns = [
    path("techniques/", placeholder, {"title": _("Techniques")}, name="technique_list"),
    path("techniques/<slug:slug>/", placeholder, {"title": _("Technique")}, name="technique_detail"),
    path("foot-map/", placeholder, {"title": _("Foot map")}, name="foot_map"),
    path("foot-map/zones/<slug:slug>/", placeholder, {"title": _("Zone")}, name="zone_detail"),
    path(
        "reflexology-and-evidence/",
        placeholder,
        {"title": _("Reflexology and the evidence")},
        name="evidence",
    ),
    path("search/", placeholder, {"title": _("Search")}, name="search"),
]
