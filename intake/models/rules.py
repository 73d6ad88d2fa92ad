"""The screening rules as rows: conditions (questions), follow-ups, rules and the managers' policy choices."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models.choices import (
    AFTER_CLEARANCE,
    REVIEWED_POLICIES,
    AnswerMatch,
    Category,
    Group,
    Outcome,
    PolicyVariant,
    RulePolicy,
)

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
    about_today = models.BooleanField(
        _("about the day it is answered"),
        default=False,
        help_text=_(
            "For questions like a fever, alcohol or a meal today (R14): they refuse sessions in the next "
            "two days only; a later session is booked and the client confirms on the day."
        ),
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
            '"min"/"max" (whole numbers) let a number answer pick the choice. "rank" (a whole number) '
            "orders the choices from mildest to most serious: a more serious answer never gives a "
            'milder outcome (R12). Offer "not_sure" wherever a client might not know.'
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
        # In Russian and English (modeltranslation's choices_ru, choices_en) only the labels differ.
        unlabelled = {
            json.dumps([{k: v for k, v in c.items() if k != "label"} for c in choices], sort_keys=True)
            for choices in (getattr(self, "choices_ru", None), getattr(self, "choices_en", None))
            if choices and isinstance(choices, list) and all(isinstance(c, dict) for c in choices)
        }
        if len(unlabelled) > 1:
            errors.append(_("Give the same choices in Russian and English: only the labels are translated."))
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
        for bound in ("min", "max", "rank"):
            if bound in choice and not isinstance(choice[bound], int):
                problems.append(
                    _("'%(bound)s' of %(value)s must be a whole number.") % {"bound": bound, "value": value}
                )
        if set(choice) - {"value", "label", "min", "max", "rank"}:
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
    absolute = models.BooleanField(
        _("absolute"),
        default=False,
        help_text=_(
            "No doctor's note and no manager override lifts this refusal (R13), e.g. the first trimester. "
            "Every refusal of a condition in the absolute category is absolute anyway."
        ),
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
