"""Forms of the booking flow: reading the picker's query, the contact details, the cancel reason.

Each is lenient where a client can recover (a garbage date in the picker's query becomes a notice
and is ignored) and strict where it matters (contact details, the same rules as `book_appointment`).
"""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from common.phones import PhoneField
from intake.consents import MISSING, consent_label

ISO_DATE = ["%Y-%m-%d"]
ANY = "any"


class PickerQueryForm(forms.Form):
    """The query of the day-and-time picker: `?service=&therapist=&day=&from=&window=&current_day=`.

    `day` / `from` come from the buttons pressed, `current_day` / `window` from hidden fields that
    remember the current view. Dates that cannot be read are dropped, with a notice.
    """

    service = forms.CharField(max_length=80, required=False)
    therapist = forms.CharField(max_length=60, required=False)
    day = forms.DateField(input_formats=ISO_DATE, required=False)
    current_day = forms.DateField(input_formats=ISO_DATE, required=False)
    # "from" cannot be a class attribute name; the query string uses it, so the form does too.
    window = forms.DateField(input_formats=ISO_DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(input_formats=ISO_DATE, required=False)

    def values(self) -> dict:
        """Whatever could be read; unreadable fields are None."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "service": (self.data.get("service") or "").strip()[:80],
            "therapist": (cleaned.get("therapist") or "").strip(),
            "day": cleaned.get("day") or cleaned.get("current_day"),
            "window": cleaned.get("from") or cleaned.get("window"),
        }

    def notices(self) -> list[str]:
        self.is_valid()
        names = [name for name in ("day", "current_day", "from", "window") if name in self.errors]
        if names:
            return [
                str(
                    _(
                        "We could not read the date in the address (it should look like 2026-12-01), "
                        "so here are the nearest free days."
                    )
                )
            ]
        if "therapist" in self.errors or "service" in self.errors:
            return [str(_("Part of the address was too long to be ours, so we left it out."))]
        return []


class ContactForm(forms.Form):
    """Who is coming and how to reach them: the same limits as `bookings.booking.book_appointment`."""

    client_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        error_messages={
            "required": _("Please tell us your name."),
            "max_length": _("Please shorten your name to 150 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    client_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send your confirmation here, with a link to move or cancel your session."),
        error_messages={
            "required": _("Please enter your e-mail address, so that we can send your booking."),
            "invalid": _("Please enter a valid e-mail address, so that we can send your booking."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    client_phone = PhoneField(
        label=_("Phone (optional)"),
        required=False,
        help_text=_("Only in case we need to reach you on the day."),
    )
    # Its own tick box, not bundled with anything (152-FZ art. 9); recorded when the form is sent.
    consent_personal_data = forms.BooleanField(
        label=lazy(consent_label, str)(), error_messages={"required": MISSING}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "consent_personal_data":
                field.widget.attrs.setdefault("class", "form-control form-control-lg")

    def clean_client_name(self) -> str:
        name = " ".join(self.cleaned_data["client_name"].split())
        if not name:
            raise forms.ValidationError(_("Please tell us your name."))
        return name

    def contact(self) -> dict:
        return {
            "name": self.cleaned_data["client_name"],
            "email": self.cleaned_data["client_email"].strip(),
            "phone": self.cleaned_data["client_phone"],
            "consent": True,
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Would you like to tell us why? (optional)"),
        max_length=300,
        required=False,
        help_text=_("Please leave out anything about your health; just a few words, if you like."),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"max_length": _("Please keep it to 300 characters.")},
    )
