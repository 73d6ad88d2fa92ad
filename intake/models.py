"""Health questionnaires, the screening rules they are checked against, and their stored results.

Health answers are special-category personal data (DESIGN.md invariant 6): they are read only
through the client's signed link or by staff holding `intake.view_health_answers`, and every
staff read is logged (`intake.access.read_answers`, `HealthAccessLog`).

The rules are data (contraindications.md §2-§3), shipped in fixtures/conditions.json and
fixtures/screening_rules.json and editable in the admin: a `Condition` is one question, its
`FollowUp` questions narrow it down, and each `ScreeningRule` says what one answer means for some
technique kinds. Rows under owner review exist in two variants ("seed", the strict default, and
"recommended"); a manager picks one per condition with a `PolicyChoice`, which lives outside the
fixtures so reloading the content never resets it. The engine is `intake.screening.screen`.
"""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.phones import validate_e164

if TYPE_CHECKING:
    from intake.screening import Cleared


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
# What a doctor's note can turn a `needs_clearance` into (never into another hold or a refusal).
AFTER_CLEARANCE = [Outcome.PROCEED_WITH_NOTE.value, Outcome.MODIFY.value, Outcome.AVOID_AREA.value]
# The most a clinician's note can allow: anything but a plain `proceed`, which would be no limit at all.
CLEARANCE_LIMITS = [value for value in Outcome.values if value != Outcome.PROCEED]


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SURE = "not_sure", _("Not sure")


class Category(models.TextChoices):
    """How a condition is treated when the client is not sure (contraindications.md §1.2, R6)."""

    ABSOLUTE = "absolute", _("absolute (no session now)")
    LOCAL = "local", _("local (leave an area alone)")
    CONDITIONAL = "conditional", _("conditional (changes or a doctor's note)")
    ADVISORY = "advisory", _("advisory (the therapist should know)")


class Group(models.TextChoices):
    """The questionnaire's sections, in the order the client meets them."""

    UNWELL = "unwell", _("How you are feeling")
    CIRCULATION = "circulation", _("Blood, veins and bleeding")
    HEART = "heart", _("Heart, blood pressure and swelling")
    NERVES = "nerves", _("Sugar levels, nerves and feeling in your feet")
    PREGNANCY = "pregnancy", _("Pregnancy and your cycle")
    CANCER = "cancer", _("Cancer treatment and lumps")
    SKIN = "skin", _("Skin and nails")
    JOINTS = "joints", _("Bones, joints, injuries and operations")
    WELLBEING = "wellbeing", _("Medicines, meals and wellbeing")
    AGE = "age", _("Age (worked out from the date of birth)")


class Modifier(models.TextChoices):
    """How a session is adapted (contraindications.md §1.4); shown to therapists, never to clients."""

    GENTLE_PRESSURE = "gentle_pressure", _("gentle pressure")
    NO_POINT_PRESSURE = "no_point_pressure", _("no sustained thumb or knuckle point work")
    NO_STICKS = "no_sticks", _("no sticks")
    NO_VACUUM = "no_vacuum", _("no vacuum cups")
    NO_ELECTRIC_DEVICE = "no_electric_device", _("no electric devices")
    NO_HEAT = "no_heat", _("no heat (warming cream, hot towels, heated devices)")
    NO_FORCED_JOINT_MOVES = "no_forced_joint_moves", _("no toe pulling, forceful rotation or stretching")
    NO_DEEP_CALF_WORK = "no_deep_calf_work", _("no deep calf work")
    SHORT_SESSION = "short_session", _("a shorter session")
    DELAY_START = "delay_start", _("start later (after a meal)")
    FRAGRANCE_FREE = "fragrance_free", _("fragrance-free products")
    NUT_FREE_OIL = "nut_free_oil", _("nut-free oil")
    GLOVES = "gloves", _("gloves")
    SKIN_CHECK = "skin_check", _("look at both feet before and after")
    SLOW_RISE = "slow_rise", _("sit up slowly, offer water")
    CALM_PACE = "calm_pace", _("calm, slow strokes; nothing vigorous")


class Area(models.TextChoices):
    """Areas to leave out that are not foot-map zones (contraindications.md §1.5).

    Zones are named by their slug (`heart`, `heel-centre`, ...), as on the foot map.
    """

    AFFECTED_SITE = "affected_site", _("the spot the client described, with a margin")
    FOOT_LEFT = "foot_left", _("the whole left foot")
    FOOT_RIGHT = "foot_right", _("the whole right foot")
    PLANTAR_BOTH = "plantar_both", _("both soles")
    CALF = "calf", _("the calves")
    ANKLE_MEDIAL = "ankle_medial", _("the hollow below the inner ankle bone")
    ANKLE_LATERAL = "ankle_lateral", _("the hollow below the outer ankle bone")
    HEEL = "heel", _("the heel")
    LOWER_LEG_ABOVE_INNER_ANKLE = (
        "lower_leg_above_inner_ankle",
        _("the lower leg above the inner ankle (SP6 area)"),
    )


class PolicyVariant(models.TextChoices):
    SEED = "seed", _("Seed-strict (our source articles; the default)")
    RECOMMENDED = "recommended", _("Recommended (current professional practice)")


class RulePolicy(models.TextChoices):
    ALWAYS = "always", _("Always")
    SEED = "seed", _("Only under the seed-strict policy")
    RECOMMENDED = "recommended", _("Only under the recommended policy")


# Rules that exist in two variants: the conditions they belong to are under owner review.
REVIEWED_POLICIES = [RulePolicy.SEED.value, RulePolicy.RECOMMENDED.value]


class AnswerMatch(models.TextChoices):
    """Which answers to the condition's own question make a rule apply."""

    YES_OR_NOT_SURE = "yes_or_not_sure", _("Yes or not sure")
    YES = "yes", _("Yes only")
    NOT_SURE = "not_sure", _("Not sure only")


# --- Rules ------------------------------------------------------------------------------------


class KeyManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class ConditionQuerySet(models.QuerySet):
    def reviewable(self):
        """Conditions under owner review: some of their rules exist in a seed and a recommended variant."""
        return self.filter(_has_reviewed_rules())

    def with_reviewable(self):
        """Every condition, each with `reviewable` (True when it is under owner review)."""
        return self.annotate(reviewable=_has_reviewed_rules())


def _has_reviewed_rules() -> models.Exists:
    return models.Exists(
        ScreeningRule.objects.filter(condition=models.OuterRef("pk"), policy__in=REVIEWED_POLICIES)
    )


class Condition(models.Model):
    """One screening question (a row of contraindications.md §2), or a condition derived from age."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    question = models.CharField(_("question for the client"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    short_label = models.CharField(
        _("short label"),
        max_length=120,
        help_text=_("Kind words for the technique pages, e.g. 'a raised temperature'."),
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    group = models.CharField(_("section of the form"), max_length=12, choices=Group.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    asked = models.BooleanField(
        _("asked on the form"),
        default=True,
        help_text=_("Off for conditions worked out from the date of birth."),
    )
    required = models.BooleanField(
        _("answer required"), default=True, help_text=_("Off for questions a client may choose to skip.")
    )

    objects = KeyManager.from_queryset(ConditionQuerySet)()

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["order", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="condition_category_valid"
            ),
            models.CheckConstraint(condition=Q(group__in=Group.values), name="condition_group_valid"),
        ]

    def __str__(self):
        return self.key

    def natural_key(self):
        return (self.key,)


class FollowUpKind(models.TextChoices):
    SINGLE = "single", _("one choice")
    MULTI = "multi", _("several choices")
    TEXT = "text", _("free text (for the therapist only)")


class FollowUp(models.Model):
    """A narrower question shown when the client answers yes (or not sure) to its condition."""

    Kind = FollowUpKind  # module level, so that Meta's constraint can name its values

    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("condition")
    )
    key = models.SlugField(_("key"), max_length=60, unique=True)
    question = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.SINGLE)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_(
            'A list like [{"value": "t1", "label": "Up to 13 weeks", "min": 0, "max": 13}, ...]. '
            '"min"/"max" (whole numbers) let a number answer pick the choice. Offer "not_sure" '
            "wherever a client might not know."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = KeyManager()

    class Meta:
        verbose_name = _("follow-up question")
        verbose_name_plural = _("follow-up questions")
        ordering = ["condition__order", "order", "key"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FollowUpKind.values), name="followup_kind_valid"),
        ]

    def __str__(self):
        return self.key

    def natural_key(self):
        return (self.key,)

    natural_key.dependencies = ["intake.condition"]

    @property
    def values(self) -> list[str]:
        return [choice["value"] for choice in self.choices]

    def clean(self):
        errors = validate_follow_up_choices(self.kind, self.choices)
        if errors:
            raise ValidationError({"choices": errors})


def validate_follow_up_choices(kind: str, choices) -> list[str]:
    """Problems with a follow-up's choices, as readable sentences (empty when fine)."""
    if kind == FollowUp.Kind.TEXT:
        return [] if not choices else [_("A free-text question has no choices.")]
    if not isinstance(choices, list) or len(choices) < 2:
        return [_("Give at least two choices.")]
    problems, seen = [], set()
    for choice in choices:
        if not isinstance(choice, dict) or not choice.get("value") or not choice.get("label"):
            problems.append(_("Every choice needs a value and a label."))
            continue
        value = choice["value"]
        if not isinstance(value, str) or not value.replace("_", "").isalnum() or value != value.lower():
            problems.append(_("Choice values are lower-case words joined by underscores: %s") % value)
        if value in seen:
            problems.append(_("The value %s is used twice.") % value)
        seen.add(value)
        for bound in ("min", "max"):
            if bound in choice and not isinstance(choice[bound], int):
                problems.append(
                    _("'%(bound)s' of %(value)s must be a whole number.") % {"bound": bound, "value": value}
                )
        if set(choice) - {"value", "label", "min", "max"}:
            problems.append(_("Unknown keys in the choice %s.") % value)
    return problems


class RuleManager(models.Manager):
    def get_by_natural_key(self, condition_key, key):
        return self.get(condition__key=condition_key, key=key)


class ScreeningRule(models.Model):
    """What one answer means for some technique kinds (one clause of a §2 row)."""

    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="rules", verbose_name=_("condition")
    )
    key = models.SlugField(_("key"), max_length=60, help_text=_("Unique within the condition."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    policy = models.CharField(
        _("policy"), max_length=12, choices=RulePolicy.choices, default=RulePolicy.ALWAYS
    )
    answer = models.CharField(
        _("applies when the answer is"),
        max_length=16,
        choices=AnswerMatch.choices,
        default=AnswerMatch.YES_OR_NOT_SURE,
    )
    when = models.JSONField(
        _("and the follow-up answers are"),
        default=dict,
        blank=True,
        help_text=_(
            'Follow-up key to the answers that match, e.g. {"pregnancy_weeks": ["t1", "not_sure"]}. '
            "Every key must match. A follow-up left unanswered counts as not_sure."
        ),
    )
    kinds = models.JSONField(
        _("technique kinds"), default=list, blank=True, help_text=_("Empty means every technique.")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    outcome_after_clearance = models.CharField(
        _("outcome once a doctor's note is on file"),
        max_length=20,
        choices=[(value, label) for value, label in Outcome.choices if value in AFTER_CLEARANCE],
        blank=True,
    )
    areas = models.JSONField(_("areas to leave out"), default=list, blank=True)
    gentle_areas = models.JSONField(
        _("areas to keep light"),
        default=list,
        blank=True,
        help_text=_("No intense or prolonged work here (e.g. the heart zone for a heart condition)."),
    )
    modifiers = models.JSONField(_("modifiers"), default=list, blank=True)
    implies = models.ForeignKey(
        Condition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("also counts as"),
        help_text=_("Treat this answer as a yes to another condition too (e.g. one-sided painful swelling)."),
    )
    rebook_after_hours = models.PositiveSmallIntegerField(
        _("rebook after (hours)"), null=True, blank=True, help_text=_("For temporary reasons (R9).")
    )
    client_message = models.TextField(
        _("message for the client"),
        blank=True,
        help_text=_("Kind words, no medical codes, never 'contraindicated'."),
    )
    next_step = models.CharField(_("what to do next (client)"), max_length=300, blank=True)
    therapist_note = models.TextField(_("note for the therapist"), blank=True)
    audience = models.CharField(
        _("who this concerns"),
        max_length=160,
        blank=True,
        help_text=_(
            "For the technique pages, when narrower than the condition, e.g. 'pregnancy up to week 13'."
        ),
    )

    objects = RuleManager()

    class Meta:
        verbose_name = _("screening rule")
        verbose_name_plural = _("screening rules")
        ordering = ["condition__order", "condition__key", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "key"], name="screeningrule_key_unique"),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="screeningrule_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(policy__in=RulePolicy.values), name="screeningrule_policy_valid"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=AnswerMatch.values), name="screeningrule_answer_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="needs_clearance", outcome_after_clearance__in=AFTER_CLEARANCE)
                | (~Q(outcome="needs_clearance") & Q(outcome_after_clearance="")),
                name="screeningrule_clearance_outcome",
                violation_error_message=_(
                    "A rule that needs a doctor's note says what happens once the note is on file; "
                    "other rules leave that empty."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(outcome="proceed") | Q(implies__isnull=False),
                name="screeningrule_does_something",
                violation_error_message=_(
                    "A rule that changes nothing must at least count as another condition."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.condition.key} · {self.key}"

    def natural_key(self):
        return (self.condition.key, self.key)

    natural_key.dependencies = ["intake.condition", "intake.followup"]

    def clean(self):
        from intake.rules import rule_problems  # the same checks the fixtures are tested with

        if self.condition_id is None:
            return
        errors = rule_problems(
            kinds=self.kinds,
            areas=self.areas,
            gentle_areas=self.gentle_areas,
            modifiers=self.modifiers,
            when=self.when,
            outcome=self.outcome,
            client_message=self.client_message,
            follow_ups={f.key: f for f in self.condition.follow_ups.all()},
            zone_slugs=_zone_slugs(),
        )
        if errors:
            raise ValidationError(errors)


def _zone_slugs() -> set[str] | None:
    from reflexology.models import Zone

    slugs = set(Zone.objects.values_list("slug", flat=True))
    return slugs or None  # no zones loaded yet: do not refuse zone names


class PolicyChoice(models.Model):
    """A manager's choice between the seed-strict and the recommended rules for one condition.

    Kept out of the fixtures, so reloading the content never undoes a manager's decision. No row
    means the seed-strict default.
    """

    condition = models.OneToOneField(
        Condition, on_delete=models.CASCADE, related_name="policy_choice", verbose_name=_("condition")
    )
    variant = models.CharField(
        _("policy in use"), max_length=12, choices=PolicyVariant.choices, default=PolicyVariant.SEED
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("policy choice")
        verbose_name_plural = _("policy choices")
        ordering = ["condition__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(variant__in=PolicyVariant.values), name="policychoice_variant_valid"
            ),
        ]

    def __str__(self):
        return f"{self.condition.key}: {self.get_variant_display()}"


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
        """Still current: not expired, not anonymised, not replaced by an update."""
        if self.anonymised_at is not None or self.replaced_by_id is not None:
            return False
        return self.valid_until > (at or timezone.now())

    def entry_for(self, technique) -> dict:
        """The stored screening of a Technique (by its slug, else its kind), a slug or a kind; {} if none."""
        slug = getattr(technique, "slug", technique)
        entry = self.screening.get(slug)
        if entry is None and hasattr(technique, "kind"):
            # A technique published after this questionnaire was screened: its kind decides.
            entry = self.screening.get(technique.kind)
        return entry or {}

    def outcome_for(self, technique) -> Outcome:
        """Stored outcome for a Technique (or its slug or kind). Unscreened techniques need a review."""
        entry = self.entry_for(technique)
        return Outcome(entry["outcome"]) if entry else Outcome.NEEDS_CLEARANCE

    def reasons_for(self, technique) -> list[str]:
        return list(self.entry_for(technique).get("reasons", []))

    def next_steps_for(self, technique) -> list[str]:
        return list(self.entry_for(technique).get("next_steps", []))

    def areas_for(self, technique) -> list[str]:
        return list(self.entry_for(technique).get("areas", []))

    def gentle_areas_for(self, technique) -> list[str]:
        return list(self.entry_for(technique).get("gentle_areas", []))

    def modifiers_for(self, technique, at=None) -> list[str]:
        """The screened modifiers, and those valid doctor's notes add (R8)."""
        cleared = self.cleared_for(technique, at)
        added = cleared.modifiers if cleared else ()
        return list(dict.fromkeys([*self.entry_for(technique).get("modifiers", []), *added]))

    def therapist_notes_for(self, technique, at=None) -> list[str]:
        """The screened notes for the therapist, and the clinicians' written limits (R8)."""
        cleared = self.cleared_for(technique, at)
        added = cleared.therapist_notes if cleared else ()
        return list(dict.fromkeys([*self.entry_for(technique).get("therapist_notes", []), *added]))

    def has_clearance_for(self, technique, at=None) -> bool:
        """Valid doctor's notes cover every condition that asked for one, and they allow a booking."""
        cleared = self.cleared_for(technique, at)
        return cleared is not None and cleared.outcome in BOOKABLE

    def effective_outcome_for(self, technique, at=None) -> Outcome:
        """The stored outcome with valid doctor's notes applied (R8): what may be booked now."""
        cleared = self.cleared_for(technique, at)
        return cleared.outcome if cleared else self.outcome_for(technique)

    def cleared_for(self, technique, at=None) -> "Cleared | None":
        """R8 on the stored result: what the notes valid `at` make of a `needs_clearance`, else None.

        Reads `self.clearances.all()` only for a technique on hold: prefetch `clearances` for many.
        """
        from intake.screening import apply_clearances

        entry = self.entry_for(technique)
        needed = entry.get("clearance_conditions", [])
        if not needed or entry.get("outcome") != Outcome.NEEDS_CLEARANCE:
            return None
        return apply_clearances(entry.get("outcome_after_clearance"), needed, self._valid_clearances(at))

    def _valid_clearances(self, at=None) -> list["Clearance"]:
        today = timezone.localdate(at or timezone.now())
        return [c for c in self.clearances.all() if c.issued_on <= today <= c.valid_until]


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
        ]

    def __str__(self):
        return f"{self.condition_key} ({self.issued_on:%Y-%m-%d})"

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
