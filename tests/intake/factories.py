"""Test data builders for the intake tests (and the browser tests that need techniques)."""

from datetime import timedelta

from django.utils import timezone

from intake.models import Questionnaire
from intake.question_groups import NONE, build_sections, optional_field
from reflexology.models import Technique

# The brief's shared vocabulary: the studio's bookable techniques and a few reading-only ones.
STUDIO_TECHNIQUES = [
    ("classical", "Classical foot massage", Technique.Kind.CLASSICAL),
    ("relaxing", "Relaxing foot massage", Technique.Kind.RELAXING),
    ("reflexology", "Reflexology", Technique.Kind.REFLEXOLOGY),
    ("thai-sticks", "Thai foot massage with sticks", Technique.Kind.THAI_STICKS),
    ("therapeutic-flat-feet", "Therapeutic massage for flat feet", Technique.Kind.THERAPEUTIC),
    ("therapeutic-hallux-valgus", "Therapeutic massage for bunions", Technique.Kind.THERAPEUTIC),
    ("therapeutic-arthrosis", "Therapeutic massage for arthrosis", Technique.Kind.THERAPEUTIC),
    ("vacuum", "Vacuum cup massage", Technique.Kind.DEVICES),
]
HOME_TECHNIQUES = [
    ("self-massage", "Self-massage at home", Technique.Kind.CLASSICAL),
    ("mats-and-devices", "Mats and rollers at home", Technique.Kind.DEVICES),
    ("partner-massage", "Massage for a partner", Technique.Kind.RELAXING),
]


def make_technique(slug, name, kind, *, setting=Technique.Setting.STUDIO, order=0, published=True):
    technique, _ = Technique.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "setting": setting,
            "summary": f"{name}.",
            "body": f"{name}.",
            "intensity": Technique.Intensity.MODERATE,
            "suits": "Most people.",
            "order": order,
            "published": published,
        },
    )
    return technique


def make_techniques() -> list[Technique]:
    made = [make_technique(*row, order=i) for i, row in enumerate(STUDIO_TECHNIQUES)]
    made += [
        make_technique(*row, setting=Technique.Setting.HOME, order=20 + i)
        for i, row in enumerate(HOME_TECHNIQUES)
    ]
    return made


def make_questionnaire(**fields) -> Questionnaire:
    now = timezone.now()
    values = {
        "client_name": "Anna Example",
        "client_email": "anna@example.com",
        "signature": "Anna Example",
        "consent_health_data": True,
        "consent_terms": True,
        "submitted_at": now,
        "valid_until": now + timedelta(days=180),
        "answers": {"diabetes": "yes", "diabetes_insulin": "no"},
        "screening": {},
    }
    values.update(fields)
    return Questionnaire.objects.create(**values)


def form_data(rules, **overrides) -> dict:
    """A complete, valid questionnaire POST: every question answered "No", consents given, signed."""
    data = {
        "client_name": "Anna Example",
        "client_email": "anna@example.com",
        "client_phone": "+7 495 123-45-67",
        "date_of_birth": "1985-04-12",
        "pressure_preference": "medium",
        "consent_health_data": "on",
        "consent_terms": "on",
        "consent_personal_data": "on",
        "signature": "Anna Example",
    }
    return health_answers(rules, data, overrides)


def health_answers(rules, data: dict, overrides: dict) -> dict:
    """The grouped health questions: "None of these apply to me" in every group, then each
    `c_<key>="yes"` (or "not_sure") override ticks that condition in its group instead, as a client
    with the page's script would (follow-ups seen in place). Other overrides are posted as given;
    None removes a key."""
    data = {**data, "in_place": "1"}
    section_of = {}
    for section in build_sections(rules.asked_conditions()):
        if section.conditions:
            data[section.name] = [NONE]
        for condition in section.conditions:
            section_of[condition.key] = section.name
        for condition in section.optional:
            section_of[condition.key] = optional_field(section.key)
    for key, value in list(overrides.items()):
        condition = key[2:] if key.startswith("c_") else None
        if condition in section_of and value in ("yes", "not_sure", "no"):
            overrides.pop(key)
            if value == "no":
                continue
            name = section_of[condition]
            ticks = [tick for tick in data.get(name, []) if tick != NONE]
            data[name] = [*ticks, condition]
            data[key] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
