"""The intake's fixed vocabularies: outcomes and their severity, answers, categories, areas, policies."""

from django.db import models
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
    """The reading of a condition under owner review (contraindications.md R5, §3.1 item 4).

    "strict" is the seed-strict reading plus the stricter rules some rows add (e.g. the second
    trimester declined too); for a condition without such rules it is the same as "seed".
    """

    SEED = "seed", _("Seed-strict (our source articles; the default)")
    RECOMMENDED = "recommended", _("Recommended (current professional practice)")
    STRICT = "strict", _("Stricter reading (seed-strict, and the stricter rules where there are any)")


class RulePolicy(models.TextChoices):
    ALWAYS = "always", _("Always")
    SEED = "seed", _("Only under the seed-strict policy (and the stricter reading)")
    RECOMMENDED = "recommended", _("Only under the recommended policy")
    STRICT = "strict", _("Only under the stricter reading")


# Rules that exist in several variants: the conditions they belong to are under owner review.
REVIEWED_POLICIES = [RulePolicy.SEED.value, RulePolicy.RECOMMENDED.value, RulePolicy.STRICT.value]

# The rule policies each variant puts in force, besides "always".
POLICIES_IN_FORCE = {
    PolicyVariant.SEED.value: frozenset({RulePolicy.SEED.value}),
    PolicyVariant.RECOMMENDED.value: frozenset({RulePolicy.RECOMMENDED.value}),
    PolicyVariant.STRICT.value: frozenset({RulePolicy.SEED.value, RulePolicy.STRICT.value}),
}


class AnswerMatch(models.TextChoices):
    """Which answers to the condition's own question make a rule apply."""

    YES_OR_NOT_SURE = "yes_or_not_sure", _("Yes or not sure")
    YES = "yes", _("Yes only")
    NOT_SURE = "not_sure", _("Not sure only")
