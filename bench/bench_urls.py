"""The site's URLs plus `/__bench__/bare`, a view that returns a fixed string (benchmarks only)."""

from django.http import HttpResponse
from django.urls import path

from studio import urls as site_urls


def bare(request):
    """As little as a Django view can do: every middleware runs, no template, no database."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("__bench__/bare", bare, name="bench_bare"), *site_urls.urlpatterns]

handler400 = getattr(site_urls, "handler400", "django.views.defaults.bad_request")
handler403 = getattr(site_urls, "handler403", "django.views.defaults.permission_denied")
handler404 = getattr(site_urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(site_urls, "handler500", "django.views.defaults.server_error")
