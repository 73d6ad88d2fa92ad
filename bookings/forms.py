"""Forms: the availability API's query, and working hours edited as a set (admin and staff area)."""

from datetime import date, time

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from bookings.models import BookingPolicy, Service, Therapist, Weekday, WorkingHours, find_overlap

ISO_DATE = ["%Y-%m-%d"]


class AvailabilityQueryForm(forms.Form):
    """`?service=<slug>&from=YYYY-MM-DD&to=YYYY-MM-DD[&therapist=<slug>]`, resolved to objects.

    `cleaned_data`: service (Service), from / to (date), therapist (Therapist or None).
    One query for the service and one for the therapist (when asked for); the caller passes the
    booking rules in, for the longest range allowed.
    """

    service = forms.SlugField(
        max_length=80,
        error_messages={
            "required": _("Say which service, e.g. ?service=classical-60."),
            "invalid": _("That is not a service name we know."),
        },
    )
    therapist = forms.SlugField(
        max_length=60, required=False, error_messages={"invalid": _("That is not a therapist we know.")}
    )

    def __init__(self, *args, policy: BookingPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        # "from" cannot be written as a class attribute; the query string uses it, so we do too.
        for name in ("from", "to"):
            self.fields[name] = forms.DateField(
                input_formats=ISO_DATE,
                error_messages={
                    "required": _("Give '%(name)s' as a date like 2026-12-01.") % {"name": name},
                    "invalid": _("'%(name)s' must be a date like 2026-12-01.") % {"name": name},
                },
            )

    def clean_service(self) -> Service:
        slug = self.cleaned_data["service"]
        service = Service.objects.bookable().filter(slug=slug).first()
        if service is None:
            raise ValidationError(_("There is no bookable service called '%(slug)s'."), params={"slug": slug})
        return service

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        if isinstance(first, date) and isinstance(last, date):
            if first > last:
                raise ValidationError(_("'from' must not be after 'to'."))
            if (last - first).days + 1 > self.policy.max_range_days:
                raise ValidationError(
                    _("Ask for at most %(days)s days at a time."), params={"days": self.policy.max_range_days}
                )
        service, slug = cleaned.get("service"), cleaned.get("therapist")
        cleaned["therapist"] = None
        if slug and isinstance(service, Service):
            performs = Exists(
                Therapist.services.through.objects.filter(therapist_id=OuterRef("pk"), service_id=service.pk)
            )
            therapist = Therapist.objects.active().filter(slug=slug).annotate(performs=performs).first()
            if therapist is None:
                raise ValidationError(
                    _("There is no therapist called '%(slug)s' taking bookings."), params={"slug": slug}
                )
            if not therapist.performs:
                raise ValidationError(
                    _("%(name)s does not give %(service)s."),
                    params={"name": therapist.name, "service": service.name},
                )
            cleaned["therapist"] = therapist
        return cleaned

    def error_message(self) -> str:
        """All the errors as one readable sentence or two, for the JSON error."""
        messages = []
        for errors in self.errors.values():
            messages.extend(str(error) for error in errors)
        return " ".join(messages)


class WorkingHoursForm(forms.ModelForm):
    class Meta:
        model = WorkingHours
        fields = ["weekday", "start", "end"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, checked_as_a_set: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.overlap_checked_by_formset = checked_as_a_set


class BaseWorkingHoursFormSet(BaseInlineFormSet):
    """A therapist's working hours edited together: periods on the same weekday must not overlap."""

    def __init__(self, *args, **kwargs):
        kwargs["form_kwargs"] = {**(kwargs.get("form_kwargs") or {}), "checked_as_a_set": True}
        super().__init__(*args, **kwargs)

    def periods(self) -> list[tuple[int, time, time]]:
        """The (weekday, start, end) rows the set holds once saved: kept, changed and new ones.

        Not the rows marked for deletion, nor blank extra forms, nor a row too incomplete to
        compare (its own errors say why). Used by `clean()` and by the staff view, which asks which
        booked sessions the new hours would strand.
        """
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or (not form.has_changed() and form.instance.pk is None):
                continue
            start, end, weekday = data.get("start"), data.get("end"), data.get("weekday")
            if start is None or end is None or weekday is None or start >= end:
                continue
            rows.append((int(weekday), start, end))
        return rows

    def clean(self):
        super().clean()
        by_day: dict[int, list] = {}
        for weekday, start, end in self.periods():
            by_day.setdefault(weekday, []).append((start, end))
        for weekday, periods in sorted(by_day.items()):
            clash = find_overlap(periods)
            if clash:
                (a_start, a_end), (b_start, b_end) = clash
                raise ValidationError(
                    _(
                        "On %(day)s, %(first)s and %(second)s overlap. "
                        "Leave a gap or join them into one period."
                    ),
                    params={
                        "day": Weekday(weekday).label,
                        "first": f"{a_start:%H:%M}-{a_end:%H:%M}",
                        "second": f"{b_start:%H:%M}-{b_end:%H:%M}",
                    },
                    code="overlap",
                )


WorkingHoursFormSet = inlineformset_factory(
    Therapist, WorkingHours, form=WorkingHoursForm, formset=BaseWorkingHoursFormSet, extra=1, can_delete=True
)
