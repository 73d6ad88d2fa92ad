"""The desk's prepaid sessions: sell a course or a gift certificate, find a certificate by its code
and take part of it, find a client's courses, print a certificate.

Selling and taking need `sell_prepaid` (reception, managers). Each POST parses a form and calls
one `bookings.prepaid` function; its refusal (`PrepaidRefused`) goes onto the form, which keeps what
was typed, and nothing is sold or spent. A sale redirects (post/redirect/get).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.certificate_links import certificate_path
from bookings.errors import BookingError
from bookings.models import Actor
from bookings.money import format_money
from bookings.prepaid import redeem_certificate, sell_course
from bookings.web.certificate_views import certificate_context
from staff.forms import choices_of
from staff.permissions import staff_view
from staff.prepaid_desk import certificate_by_code, find_clients, find_courses, sell_gift_certificate
from staff.prepaid_forms import (
    CertificateCodeForm,
    ClientSearchForm,
    RedeemForm,
    SellCertificateForm,
    SellCourseForm,
)

GET_POST = ("GET", "HEAD", "POST")
PREFILL = ("client_name", "client_email", "client_phone")


def _courses_url(query: str) -> str:
    return reverse("staff:prepaid_courses") + "?" + urlencode({"q": query})


def _lookup_url(code: str) -> str:
    return reverse("staff:prepaid_certificates") + "?" + urlencode({"code": code})


@staff_view("sell_prepaid", methods=GET_POST)
def sell_course_page(request):
    """/staff/prepaid/course/: find the client, choose the course and how it was paid; sell."""
    search = ClientSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    if request.method == "POST":
        form = SellCourseForm(request.POST)
        if form.is_valid():
            try:
                course = sell_course(**form.cleaned_data, user=request.user)
            except BookingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Sold: %(course)s for %(name)s.") % {"course": course.name, "name": course.client_name},
                )
                return redirect(_courses_url(course.client_email))
    else:
        form = SellCourseForm(initial={key: request.GET[key] for key in PREFILL if key in request.GET})
    context = {
        "form": form,
        "products": choices_of(form.fields["product"]),  # asked once, then rendered from the list
        "search": search,
        "clients": find_clients(query, request.staff),
        "query": query,
    }
    return render(request, "staff/prepaid_sell_course.html", context, status=400 if form.errors else 200)


@staff_view("sell_prepaid", methods=GET_POST)
def sell_certificate_page(request):
    """/staff/prepaid/certificate/: an amount or a session, buyer, recipient, message, payment; sell."""
    form = SellCertificateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "kind"}
        try:
            certificate = sell_gift_certificate(**data, user=request.user)
        except BookingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Sold. Print the certificate or send its link."))
            return redirect(_lookup_url(certificate.code))
    status = 400 if form.errors else 200
    return render(request, "staff/prepaid_sell_certificate.html", {"form": form}, status=status)


def _certificate_page(request, code_form, *, redeem_form=None, status=200):
    certificate = code_form.certificate if code_form.is_bound and code_form.is_valid() else None
    if certificate is not None and redeem_form is None:
        redeem_form = RedeemForm(initial={"code": certificate.code})
    context = {
        "code_form": code_form,
        "certificate": certificate,
        "redeem_form": redeem_form,
        "link": certificate_path(certificate) if certificate else "",
        **(certificate_context(certificate) if certificate else {}),
    }
    return render(request, "staff/prepaid_certificates.html", context, status=status)


class _CodeLookup(CertificateCodeForm):
    """The code form that also finds the certificate (an unknown code is its error)."""

    certificate = None

    def clean_code(self):
        typed = self.cleaned_data["code"]
        self.certificate = certificate_by_code(typed)
        if self.certificate is None:
            raise _unknown_code()
        return typed


def _unknown_code() -> ValidationError:
    return ValidationError(_("We do not know this certificate code. Please check it and try again."))


@staff_view("sell_prepaid")
def certificates(request):
    """/staff/prepaid/certificates/?code=: a certificate's value, balance, expiry and entries."""
    code_form = _CodeLookup(request.GET if "code" in request.GET else None)
    status = 400 if code_form.is_bound and not code_form.is_valid() else 200
    return _certificate_page(request, code_form, status=status)


@staff_view("sell_prepaid", methods=("POST",))
def redeem(request):
    """POST: take an amount off a certificate at the desk (part or all of what is left)."""
    form = RedeemForm(request.POST)
    code_form = _CodeLookup({"code": request.POST.get("code", "")})
    if not code_form.is_valid():
        return _certificate_page(request, code_form, status=400)
    if form.is_valid():
        try:
            entry = redeem_certificate(
                code=form.cleaned_data["code"],
                amount=form.cleaned_data["amount"],
                by=Actor.STAFF,
                user=request.user,
            )
        except BookingError as error:
            form.add_error("amount", str(error))
        else:
            left = entry.certificate.balance + entry.amount  # the balance before, and a negative entry
            messages.success(
                request,
                _("Taken off the certificate. It has %(left)s left.")
                % {"left": format_money(left, entry.certificate.currency)},
            )
            return redirect(_lookup_url(code_form.certificate.code))
    return _certificate_page(request, code_form, redeem_form=form, status=400)


@staff_view("sell_prepaid")
def courses(request):
    """/staff/prepaid/courses/?q=: a client's courses (by e-mail, name or phone): sessions left, expiry."""
    search = ClientSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    context = {"search": search, "query": query, "courses": find_courses(query)}
    return render(request, "staff/prepaid_courses.html", context)


@staff_view("sell_prepaid")
def certificate_print(request, code):
    """/staff/prepaid/certificates/<code>/print/: the printable certificate, as the buyer's link shows it."""
    certificate = certificate_by_code(code)
    if certificate is None:
        raise Http404("No such certificate.")
    context = certificate_context(certificate, paper=request.GET.get("paper", ""))
    context["back_url"] = _lookup_url(certificate.code)
    return render(request, "bookings/certificate.html", context)
