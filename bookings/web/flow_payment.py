"""Paying with a course or a gift certificate on the booking flow's confirm step (step 5).

    payment_context(request, resolved, contact) -> dict
        for the summary: the form ("pay at the studio", "use my course (N of M left)", "a gift
        certificate" with its code), and what a checked certificate covers
    payment_choice(request) -> PrepaidChoice | None
        what the sent form chose, for `confirm_booking(prepaid=...)`; PrepaidRefused for a choice
        that cannot be, CodeTriedTooOften (a PrepaidRefused) for codes tried too often from here
    check_choice(request) -> None
        the same, and a certificate code looked up (PrepaidRefused if it cannot pay): "Check"

Nothing is decided here: whether a course or a certificate may pay, and how much, is
`bookings.prepaid` (inside the booking's transaction). Certificate codes are counted per client
address (`common.ratelimit.hit`, settings.CERTIFICATE_CODE_LIMIT: tries, seconds), so that they
cannot be guessed by trying; what was typed is kept on every refusal.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bookings.errors import PrepaidRefused
from bookings.prepaid import (
    PrepaidChoice,
    find_certificate,
    normalise_code,
    quote_certificate,
    usable_courses,
)
from common.ratelimit import client_address, hit


class CodeTriedTooOften(PrepaidRefused):
    """Too many certificate codes were tried from this address; nothing was looked up."""


PAY_STUDIO, PAY_CERTIFICATE, COURSE_PREFIX = "studio", "certificate", "course-"
DEFAULT_CODE_LIMIT = (10, 3600)


def course_label(course) -> str:
    """ "Use my course “Five classical” (3 of 5 sessions left)"."""
    left = ngettext(
        "%(left)s of %(total)s session left", "%(left)s of %(total)s sessions left", course.sessions_total
    ) % {"left": course.sessions_left, "total": course.sessions_total}
    return _("Use my course “%(name)s” (%(left)s)") % {"name": course.name, "left": left}


class PaymentForm(forms.Form):
    """How the client pays: at the studio, with one of their courses, or with a gift certificate."""

    pay = forms.ChoiceField(
        label=gettext_lazy("How would you like to pay?"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "That course cannot pay for this session any more. Please choose again."
            )
        },
    )
    certificate_code = forms.CharField(
        label=gettext_lazy("Gift certificate code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Twelve letters and digits, as printed on the certificate: ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg certificate-code",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = list(courses)
        self.fields["pay"].choices = [
            (PAY_STUDIO, _("Pay at the studio")),
            *((f"{COURSE_PREFIX}{course.pk}", course_label(course)) for course in self.courses),
            (PAY_CERTIFICATE, _("Use a gift certificate")),
        ]
        self.fields["pay"].initial = PAY_STUDIO

    def clean(self):
        data = super().clean()
        code = data.get("certificate_code", "")
        if code and data.get("pay") in ("", None):
            data["pay"] = PAY_CERTIFICATE  # a code typed without choosing "gift certificate" is meant
        if data.get("pay") == PAY_CERTIFICATE:
            if not code.strip():
                self.add_error("certificate_code", _("Please enter the code from your certificate."))
            elif not normalise_code(code):
                self.add_error("certificate_code", _code_format_message())
        return data


def _code_format_message() -> str:
    return _(
        "This does not look like a certificate code: it has twelve letters and digits, "
        "such as ABCD-EFGH-JKMN."
    )


def payment_context(request, resolved, contact: dict) -> dict:
    """The summary's payment part: the client's courses for this session (one query), the form
    (bound to what was sent, so nothing typed is lost), and the checked certificate's quote."""
    courses = usable_courses(email=contact["email"], service=resolved.service, on=resolved.start.date())
    form = PaymentForm(request.POST if request.method == "POST" else None, courses=courses)
    quote = None
    if form.is_bound and form.is_valid() and form.cleaned_data["pay"] == PAY_CERTIFICATE:
        try:
            certificate = find_certificate(form.cleaned_data["certificate_code"], on=resolved.start.date())
            quote = quote_certificate(certificate, service=resolved.service, price=resolved.price)
        except PrepaidRefused as refusal:
            form.add_error("certificate_code", refusal.message)
    return {"payment_form": form, "certificate_quote": quote}


def payment_choice(request) -> PrepaidChoice | None:
    """What the sent confirm form chose to pay with (None: at the studio). PrepaidRefused for a
    choice that cannot be, or when this address has tried too many certificate codes."""
    pay = request.POST.get("pay", "")
    code = request.POST.get("certificate_code", "").strip()
    if pay.startswith(COURSE_PREFIX):
        number = pay.removeprefix(COURSE_PREFIX)
        if not number.isdigit() or len(number) > 12:
            raise PrepaidRefused(_("Please choose how you would like to pay."))
        return PrepaidChoice(course_id=int(number))
    if pay == PAY_CERTIFICATE or (code and pay in ("", PAY_CERTIFICATE)):
        if not code:
            raise PrepaidRefused(_("Please enter the code from your certificate."))
        count_code_try(request)
        if not normalise_code(code):
            raise PrepaidRefused(_code_format_message())
        return PrepaidChoice(certificate_code=code)
    if pay not in ("", PAY_STUDIO):
        raise PrepaidRefused(_("Please choose how you would like to pay."))
    return None


def count_code_try(request) -> None:
    """Count one certificate code tried from this address; PrepaidRefused once over the limit."""
    if not settings.RATE_LIMIT:
        return
    limit, seconds = getattr(settings, "CERTIFICATE_CODE_LIMIT", DEFAULT_CODE_LIMIT)
    allowed, retry_after = hit(
        scope="bookings:certificate_code", address=client_address(request), limit=limit, seconds=seconds
    )
    if not allowed:
        minutes = max(1, -(-retry_after // 60))
        message = ngettext(
            "Too many certificate codes were tried from here. Please try again in %(minutes)s minute, "
            "or call us on %(phone)s.",
            "Too many certificate codes were tried from here. Please try again in %(minutes)s minutes, "
            "or call us on %(phone)s.",
            minutes,
        )
        raise CodeTriedTooOften(message % {"minutes": minutes, "phone": settings.STUDIO_PHONE})


def check_choice(request) -> None:
    """`payment_choice`, and the certificate looked up: PrepaidRefused if it cannot pay at all."""
    choice = payment_choice(request)
    if choice is not None and choice.certificate_code:
        find_certificate(choice.certificate_code)
