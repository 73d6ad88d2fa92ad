from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog

from studio import views

admin.site.site_header = _("Studio administration")
admin.site.site_title = _("Studio admin")

handler400 = "studio.views.bad_request"
handler500 = "studio.views.server_error"

# The JavaScript strings of static/js/ (djangojs catalog), one URL per language that browsers cache for
# an hour and then revalidate: the catalog only changes with a deployment, which restarts the process.
_STARTED = timezone.now()
javascript_catalog = cache_control(public=True, max_age=60 * 60)(
    last_modified(lambda request, **kwargs: _STARTED)(JavaScriptCatalog.as_view(domain="djangojs"))
)

# One address in every language: the API, health check, staff area and admin (common/locale.py
# gives them the visitor's chosen or browser language), and the language switcher's view.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/", include("bookings.web.api_urls")),
    path("i18n/language/<str:language>/", views.choose_language, name="choose_language"),
    path("staff/", include("staff.urls")),
    path("admin/", admin.site.urls),
]
# The public site: Russian unprefixed (the clients' first language; every link already given out keeps
# working), English under /en/ (DESIGN.md).
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("jsi18n/", javascript_catalog, name="javascript_catalog"),
    path("", include("reflexology.urls")),
    path("", include("intake.urls")),
    path("", include("bookings.web.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
