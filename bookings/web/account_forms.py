"""Forms of the client account: asking for a sign-in link, confirming that the data should go."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignInRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        help_text=_("The address you booked with. We send a sign-in link there; no password needed."),
        error_messages={
            "required": _("Please enter your e-mail address."),
            "invalid": _("Please enter a valid e-mail address, like anna@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "form-control form-control-lg"}),
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete my personal data. I understand this cannot be undone."),
        error_messages={"required": _("Please tick the box to confirm, or go back to your account.")},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
