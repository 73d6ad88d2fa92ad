"""Questionnaires (a client's answers and their stored screening), doctor's notes, the access log."""

import datetime
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.locale import client_language, language_choices
from common.phones import validate_e164
from intake.models.choices import BOOKABLE, CLEARANCE_LIMITS, Modifier, Outcome

if TYPE_CHECKING:
    from intake.screening import Cleared

PREGNANCY = "pregnancy"
# The last week of each trimester (contraindications.md §3.1): T1 to week 13, T2 to 27, T3 to term.
TRIMESTER_LAST_WEEKS = (13, 27, 42)


def trimester_end(issued_on: datetime.date, week: int) -> datetime.date:
    """The last day of the trimester a note written in `week` belongs to.

    We do not know the day within the week, so we assume the note's date is the week's last day:
    the trimester then ends as early as it can (the careful reading).
    """
    last_week = next(last for last in TRIMESTER_LAST_WEEKS if week <= last) if week <= 42 else week
    return issued_on + datetime.timedelta(weeks=last_week - week)


# --- Questionnaires ---------------------------------------------------------------------------


class QuestionnaireQuerySet(models.QuerySet):
    def valid(self, at=None):
        at = at or timezone.now()
        return self.filter(valid_until__gt=at, anonymised_at__isnull=True, replaced_by__isnull=True)

    def latest_valid_for_email(self, email: str, at=None):
        """The client's newest questionnaire that is still valid, or None."""
        return self.valid(at).filter(client_email__iexact=email.strip()).order_by("-submitted_at").first()

    def expired_before(self, cutoff):
        """Questionnaires whose validity ended before `cutoff` and that still hold personal data."""
        return self.filter(valid_until__lt=cutoff, anonymised_at__isnull=True)


class Pressure(models.TextChoices):
    LIGHT = "light", _("light")
    MEDIUM = "medium", _("medium")
    FIRM = "firm", _("firm")
    UNSURE = "unsure", _("not sure yet")


class Questionnaire(models.Model):
    """One client's answers before a session, with the screening result computed from them."""

    Pressure = Pressure  # module level, so that Meta's constraint can name its values

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    client_name = models.CharField(_("name"), max_length=150)
    client_email = models.EmailField(_("e-mail"), db_index=True)
    # The client's language: the e-mails about this questionnaire are written in it (intake/tasks.py).
    language = models.CharField(
        _("language"), max_length=8, choices=language_choices, default=client_language
    )
    # E.164 ("+79001234567"), shown in the national format (common/phones.py).
    client_phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_e164])
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    guardian_name = models.CharField(
        _("parent or guardian"), max_length=150, blank=True, help_text=_("For clients under 18.")
    )
    emergency_contact = models.CharField(_("emergency contact"), max_length=200, blank=True)
    answers = models.JSONField(_("health answers"), default=dict, blank=True)
    medicines = models.TextField(_("medicines"), blank=True)
    allergies = models.TextField(_("allergies"), blank=True)
    areas_to_avoid = models.TextField(_("areas not to touch"), blank=True)
    other_notes = models.TextField(_("anything else for the therapist"), blank=True)
    pressure_preference = models.CharField(
        _("pressure preference"), max_length=8, choices=Pressure.choices, default=Pressure.UNSURE
    )
    consent_health_data = models.BooleanField(_("consents to processing of health data"), default=False)
    consent_terms = models.BooleanField(_("accepts the session terms"), default=False)
    signature = models.CharField(_("typed signature"), max_length=150)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    confirmed_unchanged_at = models.DateTimeField(_("last confirmed unchanged"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"))
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
        help_text=_("The client updated their answers; the newer questionnaire."),
    )
    # {technique slug or kind: {"outcome": ..., "outcome_after_clearance": ..., "reasons": [...],
    #   "next_steps": [...], "areas": [...], "gentle_areas": [...], "modifiers": [...],
    #   "therapist_notes": [...], "clearance_conditions": [...], "rebook_after_hours": ...}}
    screening = models.JSONField(_("screening result"), default=dict, blank=True)
    rules_version = models.CharField(_("rules version"), max_length=40, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("health questionnaire")
        verbose_name_plural = _("health questionnaires")
        ordering = ["-submitted_at"]
        permissions = [("view_health_answers", _("Can read clients' health answers"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_health_data=True, consent_terms=True)
                | models.Q(anonymised_at__isnull=False),
                name="questionnaire_requires_consent",
            ),
            models.CheckConstraint(
                condition=~Q(signature="") | Q(anonymised_at__isnull=False),
                name="questionnaire_requires_signature",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("submitted_at")),
                name="questionnaire_valid_after_submission",
            ),
            models.CheckConstraint(
                condition=Q(pressure_preference__in=Pressure.values), name="questionnaire_pressure_valid"
            ),
        ]

    def __str__(self):
        if self.anonymised_at:
            return _("Anonymised questionnaire, %(date)s") % {
                "date": timezone.localdate(self.submitted_at).isoformat()
            }
        return _("Questionnaire of %(name)s, %(date)s") % {
            "name": self.client_name,
            "date": timezone.localdate(self.submitted_at).isoformat(),
        }

    def is_valid(self, at=None) -> bool:
        """Still current at `at` (default now; the session's start when booking, R14): not expired,
        not anonymised, not replaced by an update."""
        if self.anonymised_at is not None or self.replaced_by_id is not None:
            return False
        return self.valid_until > (at or timezone.now())

    @property
    def answered_at(self):
        """When the answers were last given or confirmed unchanged (R10): the day "today" answers describe."""
        return max(filter(None, [self.submitted_at, self.confirmed_unchanged_at]))

    def is_later_session(self, at) -> bool:
        """R14: a session so long after the answers that "today" answers (a fever) no longer refuse it."""
        if at is None:
            return False
        answered = timezone.localdate(self.answered_at)
        return (timezone.localdate(at) - answered).days > settings.INTAKE_TODAY_ANSWERS_DAYS

    def entry_for(self, technique, at=None) -> dict:
        """The stored screening of a Technique (by its slug, else its kind), a slug or a kind; {} if none.

        `at`: the session's start. For a session more than two days after the answers, the entry
        screened without the "today" answers (R14), which lists them under "checkin".
        """
        slug = getattr(technique, "slug", technique)
        entry = self.screening.get(slug)
        if entry is None and hasattr(technique, "kind"):
            # A technique published after this questionnaire was screened: its kind decides.
            entry = self.screening.get(technique.kind)
        entry = entry or {}
        if entry.get("later") and self.is_later_session(at):
            return entry["later"]
        return entry

    def outcome_for(self, technique, at=None) -> Outcome:
        """Stored outcome for a Technique (or its slug or kind). Unscreened techniques need a review."""
        entry = self.entry_for(technique, at)
        return Outcome(entry["outcome"]) if entry else Outcome.NEEDS_CLEARANCE

    def reasons_for(self, technique, at=None) -> list[str]:
        return list(self.entry_for(technique, at).get("reasons", []))

    def next_steps_for(self, technique, at=None) -> list[str]:
        return list(self.entry_for(technique, at).get("next_steps", []))

    def areas_for(self, technique, at=None) -> list[str]:
        return list(self.entry_for(technique, at).get("areas", []))

    def gentle_areas_for(self, technique, at=None) -> list[str]:
        return list(self.entry_for(technique, at).get("gentle_areas", []))

    def checkin_for(self, technique, at=None) -> list[str]:
        """Conditions answered "today" that the client confirms on the day of a later session (R14)."""
        return list(self.entry_for(technique, at).get("checkin", []))

    def absolute_conditions_for(self, technique, at=None) -> list[str]:
        """Conditions whose refusal no note or override lifts (R13). Unknown (older result): every one."""
        entry = self.entry_for(technique, at)
        if "absolute_conditions" not in entry:
            return list(entry.get("conditions", [])) if entry.get("outcome") == Outcome.DECLINE else []
        return list(entry["absolute_conditions"])

    def modifiers_for(self, technique, at=None) -> list[str]:
        """The screened modifiers, and those valid doctor's notes add (R8)."""
        cleared = self.cleared_for(technique, at)
        added = cleared.modifiers if cleared else ()
        return list(dict.fromkeys([*self.entry_for(technique, at).get("modifiers", []), *added]))

    def therapist_notes_for(self, technique, at=None) -> list[str]:
        """The screened notes for the therapist, and the clinicians' written limits (R8)."""
        cleared = self.cleared_for(technique, at)
        added = cleared.therapist_notes if cleared else ()
        return list(dict.fromkeys([*self.entry_for(technique, at).get("therapist_notes", []), *added]))

    def has_clearance_for(self, technique, at=None) -> bool:
        """Valid doctor's notes cover every condition that asked for one, and they allow a booking."""
        cleared = self.cleared_for(technique, at)
        return cleared is not None and cleared.outcome in BOOKABLE

    def effective_outcome_for(self, technique, at=None) -> Outcome:
        """The stored outcome with the doctor's notes valid on `at` applied (R8, R14): what may be booked."""
        cleared = self.cleared_for(technique, at)
        return cleared.outcome if cleared else self.outcome_for(technique, at)

    def cleared_for(self, technique, at=None) -> "Cleared | None":
        """R8 on the stored result: what the notes valid `at` make of a `needs_clearance`, else None.

        Reads `self.clearances.all()` only for a technique on hold: prefetch `clearances` for many.
        """
        from intake.screening import apply_clearances

        entry = self.entry_for(technique, at)
        needed = entry.get("clearance_conditions", [])
        if not needed or entry.get("outcome") != Outcome.NEEDS_CLEARANCE:
            return None
        return apply_clearances(entry.get("outcome_after_clearance"), needed, self._valid_clearances(at))

    def _valid_clearances(self, at=None) -> list["Clearance"]:
        day = timezone.localdate(at or timezone.now())
        return [c for c in self.clearances.all() if c.covers_day(day)]


class Clearance(models.Model):
    """A doctor's or midwife's note on file, for one condition (contraindications.md R8)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="clearances", verbose_name=_("questionnaire")
    )
    condition_key = models.CharField(_("condition"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(
        _("valid until"),
        help_text=_("Six months at most; for a pregnancy, the end of the current trimester."),
    )
    clinician_limits = models.TextField(_("clinician's limits"), blank=True)
    limit_outcome = models.CharField(
        _("the clinician allows at most"),
        max_length=20,
        choices=[(value, label) for value, label in Outcome.choices if value in CLEARANCE_LIMITS],
        blank=True,
        help_text=_("Leave empty when the note sets no stricter limit than our rules."),
    )
    limit_modifiers = models.JSONField(_("modifiers the clinician asks for"), default=list, blank=True)
    pregnancy_week = models.PositiveSmallIntegerField(
        _("week of pregnancy on the note's date"),
        null=True,
        blank=True,
        help_text=_("For a pregnancy: the note covers only the trimester it was written in (R14)."),
    )
    recorded_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("doctor's note")
        verbose_name_plural = _("doctor's notes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issued_on__lte=models.F("valid_until")),
                name="clearance_valid_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(limit_outcome="") | Q(limit_outcome__in=CLEARANCE_LIMITS),
                name="clearance_limit_outcome_valid",
            ),
            models.CheckConstraint(
                condition=~Q(condition_key=PREGNANCY) | Q(pregnancy_week__gte=1, pregnancy_week__lte=42),
                name="clearance_pregnancy_has_week",
                violation_error_message=_("A note about a pregnancy says which week it was written in."),
            ),
        ]

    def __str__(self):
        return f"{self.condition_key} ({self.issued_on:%Y-%m-%d})"

    def last_day(self) -> datetime.date:
        """The last day the note counts: its own end, for a pregnancy the end of its trimester (R8, R14)."""
        if self.condition_key != PREGNANCY or not self.pregnancy_week:
            return self.valid_until
        return min(self.valid_until, trimester_end(self.issued_on, self.pregnancy_week))

    def covers_day(self, day: datetime.date) -> bool:
        return self.issued_on <= day <= self.last_day()

    def clean(self):
        bad = [m for m in self.limit_modifiers or [] if m not in Modifier.values]
        if bad:
            raise ValidationError({"limit_modifiers": _("Unknown modifiers: %s") % ", ".join(bad)})


class AccessRoute(models.TextChoices):
    ADMIN = "admin", _("admin")
    STAFF = "staff", _("staff area")


class HealthAccessLog(models.Model):
    """One staff read of a client's health answers (DESIGN.md invariant 6)."""

    Via = AccessRoute  # module level, so that Meta's constraint can name its values

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    username = models.CharField(_("user name"), max_length=150)
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.SET_NULL,
        null=True,
        related_name="access_log",
        verbose_name=_("questionnaire"),
    )
    # Kept when the questionnaire is purged, so the log still says which record was read.
    questionnaire_ref = models.UUIDField(_("questionnaire reference"))
    via = models.CharField(_("read through"), max_length=8, choices=AccessRoute.choices)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("health data access")
        verbose_name_plural = _("health data access log")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=Q(via__in=AccessRoute.values), name="healthaccesslog_via_valid"),
        ]

    def __str__(self):
        return f"{self.username} · {self.questionnaire_ref} · {self.at:%Y-%m-%d %H:%M}"
