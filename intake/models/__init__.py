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

from intake.models.choices import (
    AFTER_CLEARANCE,
    BOOKABLE,
    CLEARANCE_LIMITS,
    POLICIES_IN_FORCE,
    REVIEWED_POLICIES,
    SEVERITY,
    Answer,
    AnswerMatch,
    Area,
    Category,
    Group,
    Modifier,
    Outcome,
    PolicyVariant,
    RulePolicy,
)
from intake.models.consents import (
    DESK_METHODS,
    ConsentMethod,
    ConsentSource,
    PersonalDataConsent,
)
from intake.models.questionnaires import (
    AccessRoute,
    Clearance,
    HealthAccessLog,
    Pressure,
    Questionnaire,
    QuestionnaireQuerySet,
)
from intake.models.rules import (
    Condition,
    ConditionQuerySet,
    FollowUp,
    FollowUpKind,
    KeyManager,
    PolicyChoice,
    RuleManager,
    ScreeningRule,
    validate_follow_up_choices,
)

__all__ = [
    "AFTER_CLEARANCE",
    "BOOKABLE",
    "CLEARANCE_LIMITS",
    "DESK_METHODS",
    "POLICIES_IN_FORCE",
    "REVIEWED_POLICIES",
    "SEVERITY",
    "AccessRoute",
    "Answer",
    "AnswerMatch",
    "Area",
    "Category",
    "Clearance",
    "Condition",
    "ConditionQuerySet",
    "ConsentMethod",
    "ConsentSource",
    "FollowUp",
    "FollowUpKind",
    "Group",
    "HealthAccessLog",
    "KeyManager",
    "Modifier",
    "Outcome",
    "PersonalDataConsent",
    "PolicyChoice",
    "PolicyVariant",
    "Pressure",
    "Questionnaire",
    "QuestionnaireQuerySet",
    "RuleManager",
    "RulePolicy",
    "ScreeningRule",
    "validate_follow_up_choices",
]
