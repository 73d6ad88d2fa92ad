"""Phone numbers: read in the studio's country (settings.STUDIO_COUNTRY), stored in E.164, shown nationally.

    PhoneField(...)            a form field: validates, cleans to "+79001234567" ("" when left empty)
    to_e164("8 900 123-45-67") "+79001234567"; raises InvalidPhone for what is not a number one can call
    display("+79001234567")    "8 (900) 123-45-67" in the studio's country, "+44 20 7946 0958" abroad
    validate_e164              the model fields' validator

Built on django-phonenumber-field (its phonenumbers metadata). A number from another country needs its
country code (+44 ...): without one it is read as a number of the studio's country, and refused if it
is not one.
"""

from __future__ import annotations

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

INVALID = _(
    "Please enter a phone number we can call, e.g. +7 912 345-67-89. "
    "A number from another country needs its country code, starting with +."
)


class InvalidPhone(ValueError):
    pass


def region() -> str:
    return settings.STUDIO_COUNTRY


def parse(value: str) -> PhoneNumber:
    value = (value or "").strip()
    if len(value) > 40 or "\x00" in value:
        raise InvalidPhone(value)
    number = PhoneNumber.from_string(value, region=region()) if value else None
    if number is None or not number.is_valid():
        raise InvalidPhone(value)
    return number


def to_e164(value: str) -> str:
    """Empty for nothing; the number in E.164 ("+79001234567"); InvalidPhone for anything else."""
    try:
        return parse(value).as_e164 if (value or "").strip() else ""
    except phonenumbers.NumberParseException as error:
        raise InvalidPhone(value) from error


def display(value) -> str:
    """National format in the studio's country, international otherwise; as stored if unreadable."""
    if not value:
        return ""
    try:
        number = parse(str(value))
    except (InvalidPhone, phonenumbers.NumberParseException):
        return str(value)
    if phonenumbers.region_code_for_number(number) == region():
        return number.as_national
    return number.as_international


def validate_e164(value: str) -> None:
    if value and (not value.startswith("+") or to_e164_or_none(value) != value):
        raise ValidationError(INVALID, code="invalid_phone")


def to_e164_or_none(value: str) -> str | None:
    try:
        return to_e164(value)
    except InvalidPhone:
        return None


class PhoneField(forms.CharField):
    """A phone number as people type it ("8 900 123-45-67", "+44 20 7946 0958"); cleans to E.164.

    What was typed stays in the field when it is refused (the form is bound to it)."""

    default_error_messages = {"invalid": INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("error_messages", {}).setdefault(
            "max_length", _("Please enter a shorter phone number.")
        )
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        return value

    def validate(self, value):
        super().validate(value)
        if value and to_e164_or_none(value) is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")

    def clean(self, value):
        return to_e164(super().clean(value) or "")
