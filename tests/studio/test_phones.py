"""Phone numbers (common/phones.py): validated in every form that takes one, stored in E.164, shown in the
studio country's national format. Bad input gets a clear message and stays in the field."""

import pytest
from django.template import Context, Template

from bookings.web.flow_forms import ContactForm
from common.phones import PhoneField, display, to_e164
from intake.forms import QuestionnaireForm
from staff.forms import StaffBookingForm

MESSAGE = "Please enter a phone number we can call"
BAD = {
    "letters": "call me maybe",
    "too-short": "123",
    "foreign-without-country-code": "020 7946 0958",
    "nul-byte": "8 900 123-45-67\x00",
    "too-long": "8" * 41,
}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("8 900 123-45-67", "+79001234567"),
        ("+7 (900) 123 45 67", "+79001234567"),
        ("900 123 45 67", "+79001234567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("", ""),
    ],
)
def test_numbers_are_stored_in_e164(typed, stored):
    assert to_e164(typed) == stored
    assert PhoneField(required=False).clean(typed) == stored


def test_shown_nationally_at_home_and_internationally_abroad():
    assert display("+79001234567") == "8 (900) 123-45-67"
    assert display("+442079460958") == "+44 20 7946 0958"
    assert display("what the client typed in 2024") == "what the client typed in 2024"
    rendered = Template("{% load studio_tags %}{{ p|phone }} {{ p|phone_link }}").render(
        Context({"p": "+79001234567"})
    )
    assert rendered == "8 (900) 123-45-67 +79001234567"


def test_the_country_is_a_setting(settings):
    settings.STUDIO_COUNTRY = "GB"
    assert to_e164("020 7946 0958") == "+442079460958"
    assert display("+442079460958") == "020 7946 0958"


@pytest.mark.parametrize("typed", BAD.values(), ids=BAD.keys())
def test_the_booking_details_refuse_a_bad_number_and_keep_it(typed):
    form = ContactForm({"client_name": "Maria", "client_email": "maria@example.com", "client_phone": typed})

    assert not form.is_valid()
    assert any(message in form.errors["client_phone"][0] for message in (MESSAGE, "shorter phone number"))
    assert form["client_phone"].value() == typed
    assert f'value="{typed}"' in str(form["client_phone"]) or "\x00" in typed


def test_the_booking_details_store_e164():
    form = ContactForm(
        {
            "client_name": "Maria",
            "client_email": "maria@example.com",
            "client_phone": "8 900 1234567",
            "consent_personal_data": "on",
        }
    )
    assert form.is_valid(), form.errors
    assert form.contact()["phone"] == "+79001234567"


@pytest.mark.parametrize("form_class", [ContactForm, QuestionnaireForm, StaffBookingForm])
def test_every_form_that_takes_a_phone_validates_it(form_class):
    field = form_class.base_fields["client_phone"]
    assert isinstance(field, PhoneField)
    for typed in BAD.values():
        with pytest.raises(Exception, match=f"{MESSAGE}|shorter phone number"):
            field.clean(typed)
