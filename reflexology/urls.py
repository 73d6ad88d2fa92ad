from django.urls import path

from reflexology import map_views, views

app_name = "reflexology"

urlpatterns = [
    path("foot-map/", map_views.foot_map, name="foot_map"),
    path("foot-map/zones/<slug:slug>/", map_views.zone_detail, name="zone_detail"),
    path("reflexology-and-evidence/", views.evidence, name="evidence"),
    path("search/", views.search_view, name="search"),
]
