"""The form a client joins the waitlist with (`bookings.web.waitlist_views`).

The fields a browser can check are checked here, kindly; the rules (dates not past, the range not
too long, the screening) are `bookings.waitlist.join_waitlist`'s, and its refusals come back as the
form's errors, with everything typed kept.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.models import DayPart
from bookings.web.flow_forms import ANY, ContactForm


class WaitlistForm(ContactForm):
    first_day = forms.DateField(
        label=_("First day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Please choose the first day."), "invalid": _("Please enter a date.")},
    )
    last_day = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Please choose the last day."), "invalid": _("Please enter a date.")},
    )
    parts = forms.MultipleChoiceField(
        label=_("Times of day"),
        choices=DayPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all empty for any time of day."),
        error_messages={"invalid_choice": _("Please choose the times of day from the list.")},
    )
    earliest = forms.TimeField(
        label=_("Or starting from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Please enter a time such as 10:00.")},
    )
    latest = forms.TimeField(
        label=_("Starting by"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Please enter a time such as 18:00.")},
    )
    therapist = forms.ChoiceField(label=_("With"), required=False)

    field_order = ["first_day", "last_day", "parts", "earliest", "latest", "therapist"]

    def __init__(self, *args, therapists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.therapists = {therapist.slug: therapist for therapist in therapists}
        self.fields["therapist"].choices = [(ANY, _("Any therapist"))] + [
            (therapist.slug, therapist.name) for therapist in therapists
        ]
        self.fields["client_email"].help_text = _("We write here when a time frees up.")
        self.fields["parts"].widget.attrs.pop("class", None)
        self.fields["therapist"].widget.attrs["class"] = "form-select form-select-lg"

    def chosen_therapist(self):
        return self.therapists.get(self.cleaned_data.get("therapist") or ANY)
