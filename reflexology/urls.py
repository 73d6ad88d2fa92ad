from django.urls import path

from reflexology import map_views, views

app_name = "reflexology"

urlpatterns = [
    path("techniques/", views.technique_list, name="technique_list"),
    path("techniques/<slug:slug>/", views.technique_detail, name="technique_detail"),
    path("foot-map/", map_views.foot_map, name="foot_map"),
    path("foot-map/zones/<slug:slug>/", map_views.zone_detail, name="zone_detail"),
    path("reflexology-and-evidence/", views.evidence, name="evidence"),
    path("search/", views.search_view, name="search"),
]
