"""Forms of the staff area: each parses one request and says clearly what is wrong with it."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.availability import monday_of, studio_zone
from bookings.models import (
    AppointmentStatus,
    EventKind,
    Service,
    StudioClosure,
    Therapist,
    TimeOff,
)
from common.dates import format_day
from common.locale import language_choices
from common.phones import PhoneField
from intake.models import DESK_METHODS
from staff.notes import NOTE_MAX_LENGTH
from staff.reports import MAX_WEEKS, METRICS
from staff.scheduling import Decision

# Dates the staff area accepts: a few years either side of today. Anything else (year 9999, year 1)
# is a typing slip or a hand-made URL, and gets a message rather than a query.
YEARS_BACK, YEARS_AHEAD = 5, 3
ISO_DATE = ["%Y-%m-%d"]
LOCAL_DATETIME = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def choices_of(field) -> list[tuple[str, str]]:
    """A choice field's options as plain pairs, in one query (a for loop in a template asks a
    ModelChoiceIterator for its length first, which is a second, COUNT, query). The field keeps
    them, so rendering its widget afterwards asks the database nothing more."""
    pairs = [(str(value), str(label)) for value, label in field.choices]
    field.choices = pairs
    return pairs


def today() -> date:
    return timezone.localdate(timezone=studio_zone())


def date_bounds() -> tuple[date, date]:
    year = today().year
    return date(year - YEARS_BACK, 1, 1), date(year + YEARS_AHEAD, 12, 31)


def check_date_in_range(value: date) -> None:
    low, high = date_bounds()
    if not low <= value <= high:
        raise ValidationError(
            _("Please choose a date between %(low)s and %(high)s."),
            params={"low": format_day(low, "day_month_year"), "high": format_day(high, "day_month_year")},
            code="out_of_range",
        )


def date_field(**kwargs) -> forms.DateField:
    return forms.DateField(
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[check_date_in_range],
        error_messages={"invalid": _("Enter a date like 2027-03-01.")},
        **kwargs,
    )


class DayForm(forms.Form):
    """?date=YYYY-MM-DD for the day and week views (today when absent)."""

    date = date_field(required=False, label=_("Date"))

    def day(self) -> date:
        return self.cleaned_data.get("date") or today()


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(AppointmentStatus.COMPLETED, _("Done")), (AppointmentStatus.NO_SHOW, _("Did not come"))],
        error_messages={"required": _("Say whether the session took place.")},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "The client reads this in the cancellation e-mail, and it stays in the session's history. "
            "Please keep health details out of it."
        ),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give a reason for cancelling.")},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Practical things only (running late, prefers the window room). "
            "Health details belong in the questionnaire."
        ),
        error_messages={"required": _("Write the note first.")},
    )


class SlotChoiceField(forms.CharField):
    """A slot's start as the ISO datetime the page offered; an aware datetime once cleaned."""

    default_error_messages = {"invalid": _("Please choose one of the times offered.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if timezone.is_naive(moment):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        check_date_in_range(moment.astimezone(studio_zone()).date())
        return moment


class TherapistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SlotSearchForm(forms.Form):
    """What the free times are looked up for: a service, a therapist or anyone, a day (GET)."""

    service = forms.ModelChoiceField(
        queryset=Service.objects.active().select_related("technique"),
        to_field_name="slug",
        label=_("Service"),
        empty_label=_("Choose a service"),
        error_messages={"invalid_choice": _("That service cannot be booked.")},
    )
    therapist = TherapistChoiceField(
        queryset=Therapist.objects.active(),
        to_field_name="slug",
        required=False,
        label=_("Therapist"),
        empty_label=_("Anyone free"),
        error_messages={"invalid_choice": _("That therapist is not taking bookings.")},
    )
    date = date_field(label=_("Day"))

    def clean(self):
        cleaned = super().clean()
        service, therapist = cleaned.get("service"), cleaned.get("therapist")
        if service and therapist and not therapist.services.filter(pk=service.pk).exists():
            self.add_error(
                "therapist",
                _("%(name)s does not give %(service)s.") % {"name": therapist.name, "service": service.name},
            )
        return cleaned


class StaffBookingForm(SlotSearchForm):
    """The whole booking: the search fields again, the chosen time, the client (POST)."""

    start = SlotChoiceField(label=_("Time"), error_messages={"required": _("Please choose a time.")})
    client_name = forms.CharField(label=_("Client's name"), max_length=150)
    client_email = forms.EmailField(
        label=_("Client's e-mail"),
        help_text=_(
            "The confirmation goes here; it also finds their health questionnaire, which always applies."
        ),
    )
    client_phone = PhoneField(label=_("Phone"), required=False)
    # The client's e-mails (confirmation, reminder) are written in it; the site's default unless chosen.
    language = forms.ChoiceField(label=_("Client's language"), choices=language_choices, required=False)
    # 152-FZ: the consent to process their personal data, and how it was given (intake.consents).
    consent_method = forms.ChoiceField(
        label=_("Consent to the processing of personal data"),
        choices=[("", _("How did the client agree?")), *[(m.value, m.label) for m in DESK_METHODS]],
        help_text=_("Ask before booking; without the client's consent we cannot keep their details."),
        error_messages={
            "required": _("Please record how the client agreed to the processing of their data.")
        },
    )
    override_reason = forms.CharField(
        label=_("Reason for booking despite the screening (managers only)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", secrets.token_urlsafe(16))
            self.initial.setdefault("language", settings.LANGUAGE_CODE)


class RescheduleSearchForm(forms.Form):
    """GET: which day, and with whom (the same therapist, anyone, or a named one)."""

    date = date_field(label=_("New day"))
    therapist = forms.CharField(required=False)

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service

    def clean_therapist(self) -> Therapist | str | None:
        slug = self.cleaned_data.get("therapist") or ""
        if slug in ("", "same"):
            return "same"
        if slug == "any":
            return "any"
        therapist = Therapist.objects.active().filter(slug=slug, services=self.service).first()
        if therapist is None:
            raise ValidationError(_("That therapist does not give this service."))
        return therapist


class RescheduleForm(RescheduleSearchForm):
    start = SlotChoiceField(label=_("New time"), error_messages={"required": _("Please choose a new time.")})


class TimeOffForm(forms.ModelForm):
    class Meta:
        model = TimeOff
        fields = ["start", "end", "reason"]
        labels = {"start": _("From"), "end": _("Until")}
        widgets = {
            "start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "end": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, therapist: Therapist, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.therapist = therapist
        for name in ("start", "end"):
            self.fields[name].input_formats = LOCAL_DATETIME
            self.fields[name].error_messages["invalid"] = _("Enter a date and time like 2027-03-01 09:00.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        for name in ("start", "end"):
            value = cleaned.get(name)
            if value is not None:
                try:
                    check_date_in_range(timezone.localtime(value, studio_zone()).date())
                except ValidationError as error:
                    self.add_error(name, error)
        if start and end and end <= start:
            self.add_error("end", _("Time off must end after it starts."))
        return cleaned


class ClosureForm(forms.ModelForm):
    class Meta:
        model = StudioClosure
        fields = ["start_date", "end_date", "reason"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start_date", "end_date"):
            self.fields[name].input_formats = ISO_DATE
            self.fields[name].validators.append(check_date_in_range)
            self.fields[name].error_messages["invalid"] = _("Enter a date like 2027-03-01.")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("start_date"), cleaned.get("end_date")
        if first and last and last < first:
            self.add_error("end_date", _("The last day closed cannot be before the first."))
        elif first and last and (last - first).days > 366:
            self.add_error("end_date", _("A closure lasts at most a year; add another for longer."))
        return cleaned


class StrandedForm(forms.Form):
    """The answer to "these sessions would be left outside the new hours: what now?"."""

    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect, required=False)
    message = forms.CharField(
        label=_("Reason for cancelling (if you cancel them)"),
        help_text=_(
            "E.g. “Your therapist is unwell”. The clients read it in the cancellation e-mail, with a link "
            "to book again, and it stays in each session's history. Please keep health details out of it."
        ),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def seen_ids(self) -> list[int] | None:
        raw = self.cleaned_data.get("seen") or ""
        try:
            return [int(part) for part in raw.split(",") if part]
        except ValueError:
            return []


REPORT_PRESETS = [(4, _("Last 4 weeks")), (8, _("Last 8 weeks")), (12, _("Last 12 weeks"))]


class ReportRangeForm(forms.Form):
    """The weeks a report covers: a preset (the last 4, 8 or 12 weeks) or a date range."""

    weeks = forms.TypedChoiceField(choices=REPORT_PRESETS, coerce=int, required=False, empty_value=None)
    start = date_field(required=False, label=_("From"))
    end = date_field(required=False, label=_("Until"))
    metric = forms.ChoiceField(choices=list(METRICS.items()), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if start or end:
            if not (start and end):
                raise ValidationError(_("Give both dates, or choose one of the ranges."))
            if end < start:
                raise ValidationError(_("The end date cannot be before the start date."))
            if (monday_of(end) - monday_of(start)).days // 7 + 1 > MAX_WEEKS:
                raise ValidationError(
                    _("A report covers at most %(weeks)s weeks."), params={"weeks": MAX_WEEKS}
                )
            cleaned["first_week"], cleaned["last_week"] = monday_of(start), monday_of(end)
        else:
            weeks = cleaned.get("weeks") or 4
            cleaned["weeks"] = weeks
            last = monday_of(today())
            cleaned["first_week"], cleaned["last_week"] = last - timedelta(weeks=weeks - 1), last
        cleaned["metric"] = cleaned.get("metric") or "revenue"
        return cleaned


class AuditFilterForm(forms.Form):
    start = date_field(required=False, label=_("From"))
    end = date_field(required=False, label=_("Until"))
    therapist = TherapistChoiceField(
        queryset=Therapist.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Therapist"),
        empty_label=_("Everyone"),
    )
    kind = forms.ChoiceField(
        choices=[("", _("Every kind")), *EventKind.choices], required=False, label=_("What")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise ValidationError(_("The end date cannot be before the start date."))
        return cleaned


class QuestionnaireLookupForm(forms.Form):
    """/staff/book/questionnaire/'s query (htmx, as the desk types): the client's e-mail and the service.

    Anything a form field refuses (a NUL byte, which PostgreSQL cannot compare, an address too long)
    counts as not given: the lookup then shows nothing rather than an error.
    """

    email = forms.EmailField(required=False, max_length=254)
    service = forms.SlugField(required=False)

    @classmethod
    def from_query(cls, query) -> dict:
        form = cls(
            {
                "email": query.get("client_email") or query.get("email") or "",
                "service": query.get("service", ""),
            }
        )
        form.is_valid()
        return {"email": form.cleaned_data.get("email", ""), "service": form.cleaned_data.get("service", "")}
