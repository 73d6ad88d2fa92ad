"""The desk's forms for prepaid sessions: selling a course or a gift certificate, finding a
certificate by its code, spending part of it, finding a client.

Each form only parses; `bookings.prepaid` decides (and refuses with a readable message, which the
view puts on the form). Amounts are Decimal fields: a negative, zero or non-numeric amount is the
form's own error, an amount above the balance is the domain's.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.models import CourseProduct, PaymentMethod, Service
from common.phones import PhoneField

MONEY_LIMIT = Decimal("1000000")


class AmountField(forms.DecimalField):
    """An amount as people type it at the desk: "1500", "1 500", "1500,50" or "1500.50".

    A text box with a decimal keypad, not type="number": browsers refuse a comma there, and would
    drop text they cannot read instead of sending it back to be corrected."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def widget_attrs(self, widget):
        return {}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


def amount_field(**kwargs) -> forms.DecimalField:
    return AmountField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MONEY_LIMIT,
        error_messages={
            "invalid": _("Enter an amount in numbers, like 1500 or 1500,50."),
            "min_value": _("The amount must be more than zero."),
            "max_value": _("That amount is too large."),
            "max_decimal_places": _("Use at most two digits after the decimal point."),
            "max_digits": _("That amount is too large."),
        },
        **kwargs,
    )


def payment_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Paid by"),
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how it was paid.")},
    )


class ClientSearchForm(forms.Form):
    """?q=: part of a client's e-mail, name or phone."""

    q = forms.CharField(label=_("Find a client"), max_length=150, required=False, strip=True)


class SellCourseForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Course"),
        queryset=CourseProduct.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose a course."), "invalid_choice": _("Choose a course on sale.")},
    )
    client_name = forms.CharField(label=_("Client's name"), max_length=150)
    client_email = forms.EmailField(
        label=_("Client's e-mail"), help_text=_("The course is theirs by this e-mail, online too.")
    )
    client_phone = PhoneField(label=_("Phone"), required=False)
    payment_method = payment_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        products = CourseProduct.objects.active().select_related("service", "technique")
        self.fields["product"].queryset = products


class SellCertificateForm(forms.Form):
    FOR_AMOUNT, FOR_SERVICE = "amount", "service"

    kind = forms.ChoiceField(
        label=_("The certificate is for"),
        choices=[(FOR_AMOUNT, _("an amount")), (FOR_SERVICE, _("a session"))],
        widget=forms.RadioSelect,
        initial=FOR_AMOUNT,
    )
    amount = amount_field(label=_("Amount"), required=False)
    service = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Service.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a session we offer.")},
    )
    buyer_name = forms.CharField(label=_("Buyer's name"), max_length=150)
    buyer_email = forms.EmailField(
        label=_("Buyer's e-mail"),
        required=False,
        help_text=_("Optional: we e-mail the certificate's link here."),
    )
    buyer_phone = PhoneField(label=_("Buyer's phone"), required=False)
    recipient_name = forms.CharField(label=_("For whom"), max_length=150, required=False)
    message = forms.CharField(
        label=_("A short message"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    payment_method = payment_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.bookable().select_related("technique")

    def clean(self):
        data = super().clean()
        if data.get("kind") == self.FOR_SERVICE:
            data["amount"] = None
            if not data.get("service") and "service" not in self.errors:
                self.add_error("service", _("Choose the session the certificate is for."))
        else:
            data["service"] = None
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", _("Enter the certificate's amount."))
        return data


class CertificateCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        error_messages={"required": _("Type the code printed on the certificate.")},
    )


class RedeemForm(CertificateCodeForm):
    amount = amount_field(label=_("Amount to take"))
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
