"""Health questionnaires and their stored screening results.

Health answers are special-category personal data (DESIGN.md invariant 6): they are read only
through the client's signed link or by staff holding `intake.view_health_answers`, and every
staff read is logged.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """Screening outcomes, from least to most strict (contraindications.md §1.3)."""

    PROCEED = "proceed", _("Can be booked")
    PROCEED_WITH_NOTE = "proceed_with_note", _("Can be booked; the therapist will take note")
    MODIFY = "modify", _("Can be booked, adapted for you")
    AVOID_AREA = "avoid_area", _("Can be booked, leaving some areas out")
    NEEDS_CLEARANCE = "needs_clearance", _("Needs a note from your doctor first")
    DECLINE = "decline", _("Not possible at the moment")

    @property
    def severity(self) -> int:
        return SEVERITY[self.value]


SEVERITY = {
    Outcome.PROCEED: 0,
    Outcome.PROCEED_WITH_NOTE: 1,
    Outcome.MODIFY: 2,
    Outcome.AVOID_AREA: 3,
    Outcome.NEEDS_CLEARANCE: 4,
    Outcome.DECLINE: 5,
}
BOOKABLE = {Outcome.PROCEED, Outcome.PROCEED_WITH_NOTE, Outcome.MODIFY, Outcome.AVOID_AREA}


class QuestionnaireQuerySet(models.QuerySet):
    def valid(self, at=None):
        at = at or timezone.now()
        return self.filter(valid_until__gt=at, anonymised_at__isnull=True)

    def latest_valid_for_email(self, email: str, at=None):
        """The client's newest questionnaire that is still valid, or None."""
        return self.valid(at).filter(client_email__iexact=email.strip()).order_by("-submitted_at").first()


class Questionnaire(models.Model):
    """One client's answers before a session, with the screening result computed from them."""

    class Pressure(models.TextChoices):
        LIGHT = "light", _("light")
        MEDIUM = "medium", _("medium")
        FIRM = "firm", _("firm")
        UNSURE = "unsure", _("not sure yet")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    client_name = models.CharField(_("name"), max_length=150)
    client_email = models.EmailField(_("e-mail"), db_index=True)
    client_phone = models.CharField(_("phone"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    answers = models.JSONField(_("health answers"), default=dict, blank=True)
    medicines = models.TextField(_("medicines"), blank=True)
    allergies = models.TextField(_("allergies"), blank=True)
    areas_to_avoid = models.TextField(_("areas not to touch"), blank=True)
    pressure_preference = models.CharField(
        _("pressure preference"), max_length=8, choices=Pressure.choices, default=Pressure.UNSURE
    )
    consent_health_data = models.BooleanField(_("consents to processing of health data"), default=False)
    consent_terms = models.BooleanField(_("accepts the session terms"), default=False)
    signature = models.CharField(_("typed signature"), max_length=150)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    confirmed_unchanged_at = models.DateTimeField(_("last confirmed unchanged"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"))
    # {technique slug: {"outcome": ..., "reasons": [...], "areas": [...], "modifiers": [...],
    #                   "therapist_notes": [...], "clearance_conditions": [...]}}
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
        ]

    def __str__(self):
        return _("Questionnaire of %(name)s, %(date)s") % {
            "name": self.client_name,
            "date": timezone.localdate(self.submitted_at).isoformat(),
        }

    def is_valid(self, at=None) -> bool:
        return self.anonymised_at is None and self.valid_until > (at or timezone.now())

    def _entry(self, technique) -> dict:
        slug = getattr(technique, "slug", technique)
        return self.screening.get(slug, {})

    def outcome_for(self, technique) -> Outcome:
        """Stored outcome for a Technique (or its slug). Unscreened techniques need a review."""
        entry = self._entry(technique)
        return Outcome(entry["outcome"]) if entry else Outcome.NEEDS_CLEARANCE

    def reasons_for(self, technique) -> list[str]:
        return list(self._entry(technique).get("reasons", []))

    def has_clearance_for(self, technique, at=None) -> bool:
        """A valid doctor's note covers every condition that asked for one for this technique."""
        needed = set(self._entry(technique).get("clearance_conditions", []))
        if not needed:
            return False
        today = timezone.localdate(at or timezone.now())
        covered = set(
            self.clearances.filter(valid_until__gte=today).values_list("condition_key", flat=True)
        )
        return needed <= covered


class Clearance(models.Model):
    """A doctor's or midwife's note on file, for one condition (contraindications.md R8)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="clearances", verbose_name=_("questionnaire")
    )
    condition_key = models.CharField(_("condition"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    clinician_limits = models.TextField(_("clinician's limits"), blank=True)
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
        ]

    def __str__(self):
        return f"{self.condition_key} ({self.issued_on:%Y-%m-%d})"
