from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from studio import views

admin.site.site_header = _("Studio administration")
admin.site.site_title = _("Studio admin")

handler400 = "studio.views.bad_request"
handler500 = "studio.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("", include("reflexology.urls")),
    path("", include("intake.urls")),
    path("", include("bookings.web.urls")),
    path("staff/", include("staff.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
