from django.urls import path
from django.utils.translation import gettext_lazy as _

from reflexology import views
from studio.views import placeholder

app_name = "reflexology"

urlpatterns = [
    path("techniques/", views.technique_list, name="technique_list"),
    path("techniques/<slug:slug>/", views.technique_detail, name="technique_detail"),
    path("foot-map/", placeholder, {"title": _("Foot map")}, name="foot_map"),
    path("foot-map/zones/<slug:slug>/", placeholder, {"title": _("Zone")}, name="zone_detail"),
    path("reflexology-and-evidence/", views.evidence, name="evidence"),
    path("search/", views.search_view, name="search"),
]
