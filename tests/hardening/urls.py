"""The site's URLs plus a few views that only the hardening tests reach (ROOT_URLCONF override)."""

from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from studio import urls as site_urls


def boom(request):
    raise RuntimeError("a bug for the tests")


def database_gone(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("the database answered")


def with_csrf_token(request):
    return HttpResponse(
        f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}">'
    )


def with_nonce(request):
    return HttpResponse(f'<script nonce="{request._csp_nonce}" src="/static/js/studio.js"></script>')


def with_session(request):
    return HttpResponse(f"visits: {request.session.get('visits', 0)}")


urlpatterns = [
    path("__tests__/boom", boom, name="test_boom"),
    path("__tests__/database", database_gone, name="test_database"),
    path("__tests__/csrf", with_csrf_token, name="test_csrf"),
    path("__tests__/nonce", with_nonce, name="test_nonce"),
    path("__tests__/session", with_session, name="test_session"),
    *site_urls.urlpatterns,
]

handler400 = site_urls.handler400
handler500 = site_urls.handler500
