"""Signing in and out of the staff area (Django's auth views; django-axes throttles failures)."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from staff.permissions import StaffAccess


class StaffLoginView(auth_views.LoginView):
    """/staff/login/: the sign-in form; a signed-in member of staff goes straight to their day."""

    template_name = "staff/login.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and StaffAccess(request.user).can("access_staff_area"):
            # Not redirect(): it would take a ?next= of a single word for a URL name (a 500).
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)


class StaffLogoutView(auth_views.LogoutView):
    """POST /staff/logout/: sign out (POST only, as Django requires), then back to the sign-in page."""

    next_page = reverse_lazy("staff:login")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are signed out. See you soon."))
        return response


login = never_cache(StaffLoginView.as_view())
logout = StaffLogoutView.as_view()


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a user name has failed too often from one address (HTTP 429)."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    return render(
        request,
        "staff/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
