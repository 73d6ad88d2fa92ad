"""The health questions as a few groups the client answers in one go each.

Each section lists its conditions in plain words. The client ticks what applies, or ticks
"None of these apply to me": one active answer per section, so nothing is skipped by accident.
A tick opens the condition's follow-up questions (in place with the page's script; without it,
on a second page). What reaches the screening engine is unchanged: one answer per condition key
("yes", "not_sure" or "no") and the follow-up answers, as `QuestionnaireForm.answers()` returns.

Sections come from the conditions' `group` (data): a new condition lands in the section of its
group, with no code. Rendering is plain data (no widget templates), so the page renders in a few
milliseconds whatever the number of questions.
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.models import Answer, Condition, FollowUp, Group
from intake.rules import ConditionSpec, FollowUpSpec, RuleSet, build_rules

NONE = "none"


@dataclass(frozen=True)
class SectionSpec:
    key: str
    legend: str
    intro: str
    groups: tuple[str, ...]


SECTIONS = (
    SectionSpec(
        "today",
        _("Today"),
        _("How you are on the day. If you are unwell, the kindest thing is to rest first."),
        (Group.UNWELL, Group.WELLBEING),
    ),
    SectionSpec(
        "circulation",
        _("Heart, blood and circulation"),
        _("Massage gets the blood moving, so we ask about clots, veins, bleeding and your heart."),
        (Group.CIRCULATION, Group.HEART),
    ),
    SectionSpec(
        "skin",
        _("Skin and feet"),
        _("So we know which spots to leave alone and which products to use."),
        (Group.SKIN,),
    ),
    SectionSpec(
        "joints",
        _("Bones and joints"),
        _("So we know which joints to move gently, and which areas to leave out."),
        (Group.JOINTS,),
    ),
    SectionSpec(
        "pregnancy",
        _("Pregnancy and hormones"),
        _("These help us keep a pregnancy, or a hoped-for one, safe and comfortable."),
        (Group.PREGNANCY,),
    ),
    SectionSpec(
        "long_term",
        _("Long-term conditions and medicines"),
        _("We welcome people living with these; your answers tell us how to care for you."),
        (Group.NERVES, Group.CANCER, Group.AGE),
    ),
)
SECTION_OF_GROUP = {group: spec for spec in SECTIONS for group in spec.groups}
SURE_CHOICES = [(Answer.YES, _("Yes, this applies to me")), (Answer.NOT_SURE, _("I am not sure"))]
MESSAGES = {
    "empty": _("Please tick what applies to you, or “None of these apply to me”."),
    "none_and_ticks": _(
        "You ticked “None of these apply to me” and also %(ticked)s. Please untick one of them."
    ),
    "multi": _("Please tick at least one option."),
    "single": _("Please choose an answer (“Not sure” is fine)."),
}


def load_questions() -> RuleSet:
    """The questions and follow-ups without the screening rules, in two queries: all a page that
    only shows the questionnaire needs (taking answers in uses `intake.rules.load_rules`)."""
    conditions = Condition.objects.values(
        "key", "question", "help_text", "short_label", "category", "group", "order", "asked", "required"
    )
    follow_ups = FollowUp.objects.values(
        "key", "condition__key", "question", "help_text", "kind", "choices", "order"
    )
    rows = [{**row, "condition": row.pop("condition__key")} for row in follow_ups]
    return build_rules(conditions=list(conditions), follow_ups=rows, rules=[])


def group_field(section: str) -> str:
    return f"g_{section}"


def optional_field(section: str) -> str:
    return f"o_{section}"


def condition_field(key: str) -> str:
    return f"c_{key}"


def follow_up_field(key: str) -> str:
    return f"f_{key}"


def capfirst_label(condition: ConditionSpec) -> str:
    label = condition.short_label or condition.question
    return label[:1].upper() + label[1:]


@dataclass
class Section:
    """One group of the form: its required conditions (one active answer) and optional ones."""

    spec: SectionSpec
    conditions: list[ConditionSpec] = field(default_factory=list)
    optional: list[ConditionSpec] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def name(self) -> str:
        return group_field(self.key)


def build_sections(conditions: list[ConditionSpec]) -> list[Section]:
    by_key: dict[str, Section] = {}
    for condition in conditions:
        spec = SECTION_OF_GROUP.get(condition.group, SECTIONS[-1])
        section = by_key.setdefault(spec.key, Section(spec=spec))
        (section.conditions if condition.required else section.optional).append(condition)
    return [by_key[spec.key] for spec in SECTIONS if spec.key in by_key]


def section_fields(section: Section) -> dict[str, forms.Field]:
    """The form fields of one section: its ticks, its optional ticks, and per condition its
    "how sure" answer and follow-ups. Required-ness is checked in `clean_section`."""
    fields: dict[str, forms.Field] = {}
    choices = [(c.key, capfirst_label(c)) for c in section.conditions]
    fields[section.name] = forms.MultipleChoiceField(
        label=section.spec.legend, choices=[*choices, (NONE, _("None of these apply to me"))], required=False
    )
    if section.optional:
        fields[optional_field(section.key)] = forms.MultipleChoiceField(
            label=section.spec.legend,
            choices=[(c.key, capfirst_label(c)) for c in section.optional],
            required=False,
        )
    for condition in [*section.conditions, *section.optional]:
        fields[condition_field(condition.key)] = forms.ChoiceField(
            label=condition.question, choices=SURE_CHOICES, required=False
        )
        for spec in condition.follow_ups:
            fields[follow_up_field(spec.key)] = follow_up_form_field(spec)
    return fields


def follow_up_form_field(spec: FollowUpSpec) -> forms.Field:
    if spec.kind == FollowUp.Kind.TEXT:
        return forms.CharField(label=spec.question, required=False, max_length=500)
    choices = [(choice["value"], choice["label"]) for choice in spec.choices]
    if spec.kind == FollowUp.Kind.MULTI:
        return forms.MultipleChoiceField(label=spec.question, choices=choices, required=False)
    return forms.ChoiceField(label=spec.question, choices=choices, required=False)


def ticked(cleaned: dict, section: Section) -> list[str]:
    """The condition keys ticked in a section (required and optional), without "none"."""
    keys = [key for key in cleaned.get(section.name) or [] if key != NONE]
    return keys + list(cleaned.get(optional_field(section.key)) or [])


def clean_section(form: forms.Form, section: Section, cleaned: dict) -> None:
    """One active answer per section: some ticks, or "none", never both and never neither."""
    if section.name in form.errors:
        return
    given = cleaned.get(section.name) or []
    if not given:
        form.add_error(section.name, MESSAGES["empty"])
    elif NONE in given and len(given) > 1:
        labels = dict(form.fields[section.name].choices)
        names = ", ".join(f"“{labels[key]}”" for key in given if key != NONE)
        form.add_error(section.name, MESSAGES["none_and_ticks"] % {"ticked": names})


def clean_follow_ups(form: forms.Form, condition: ConditionSpec, cleaned: dict, *, asked: bool) -> None:
    """The follow-ups of a ticked condition, once the client has seen them: a single choice needs
    an answer ("Not sure" is one), a multiple choice at least one tick; text is optional."""
    if not asked:
        return
    for spec in condition.follow_ups:
        name = follow_up_field(spec.key)
        if cleaned.get(name) or name in form.errors or spec.kind == FollowUp.Kind.TEXT:
            continue
        form.add_error(name, MESSAGES["multi" if spec.kind == FollowUp.Kind.MULTI else "single"])


def answers_for(sections: list[Section], cleaned: dict) -> dict[str, object]:
    """One answer per condition key, and the follow-up answers of the ticked conditions only."""
    answers: dict[str, object] = {}
    for section in sections:
        ticks = set(ticked(cleaned, section))
        for condition in [*section.conditions, *section.optional]:
            if condition.key not in ticks:
                answers[condition.key] = Answer.NO
                continue
            answers[condition.key] = cleaned.get(condition_field(condition.key)) or Answer.YES
            for spec in condition.follow_ups:
                given = cleaned.get(follow_up_field(spec.key))
                if given:
                    answers[spec.key] = given
    return answers


def initial_ticks(sections: list[Section], answers: dict) -> dict[str, object]:
    """Initial values for the ticks from stored answers (updating a questionnaire)."""
    initial: dict[str, object] = {}
    for section in sections:
        keys = [c.key for c in section.conditions if answers.get(c.key) in (Answer.YES, Answer.NOT_SURE)]
        initial[section.name] = keys or ([NONE] if section.conditions else [])
        initial[optional_field(section.key)] = [
            c.key for c in section.optional if answers.get(c.key) in (Answer.YES, Answer.NOT_SURE)
        ]
    return initial


# --- What the template shows: plain values, no widget rendering ---------------------------------


@dataclass
class Option:
    value: str
    label: str
    checked: bool
    id: str


@dataclass
class FollowUpView:
    spec: FollowUpSpec
    name: str
    id: str
    error: str
    options: list[Option]
    text: str = ""
    optional: bool = False


@dataclass
class ConditionView:
    condition: ConditionSpec
    name: str  # the tick's field (the section's, or its optional ticks')
    id: str
    checked: bool
    sure: list[Option]
    follow_ups: list[FollowUpView]
    error: str = ""

    @property
    def key(self) -> str:
        return self.condition.key

    @property
    def label(self) -> str:
        return capfirst_label(self.condition)


@dataclass
class SectionView:
    section: Section
    conditions: list[ConditionView]
    optional: list[ConditionView]
    none_checked: bool
    error: str

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def spec(self) -> SectionSpec:
        return self.section.spec


def _values(form: forms.Form, name: str) -> list[str]:
    value = form[name].value()
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def options_for(form: forms.Form, name: str, choices) -> list[Option]:
    chosen = set(_values(form, name))
    return [
        Option(value=str(value), label=str(label), checked=str(value) in chosen, id=f"id_{name}_{index}")
        for index, (value, label) in enumerate(choices)
    ]


def _error(form: forms.Form, name: str) -> str:
    errors = form.errors.get(name) if form.is_bound else None
    return str(errors[0]) if errors else ""


def _follow_up_view(form: forms.Form, spec: FollowUpSpec) -> FollowUpView:
    name = follow_up_field(spec.key)
    choices = [(c["value"], c["label"]) for c in spec.choices]
    view = FollowUpView(
        spec=spec,
        name=name,
        id=f"id_{name}",
        error=_error(form, name),
        options=options_for(form, name, choices),
    )
    if spec.kind == FollowUp.Kind.TEXT:
        view.text = (_values(form, name) or [""])[0]
        view.optional = True
    return view


def _condition_view(form: forms.Form, condition: ConditionSpec, ticks: set[str], index: int, name: str):
    sure_name = condition_field(condition.key)
    sure = options_for(form, sure_name, SURE_CHOICES)
    if not any(option.checked for option in sure):
        sure[0].checked = True  # "Yes, this applies" unless the client says they are not sure
    return ConditionView(
        condition=condition,
        name=name,
        id=f"id_{name}_{index}",
        checked=condition.key in ticks,
        sure=sure,
        follow_ups=[_follow_up_view(form, spec) for spec in condition.follow_ups],
        error=_error(form, sure_name),
    )


def section_views(form: forms.Form, sections: list[Section]) -> list[SectionView]:
    views = []
    for section in sections:
        ticks = set(_values(form, section.name))
        optional_name = optional_field(section.key)
        optional_ticks = set(_values(form, optional_name)) if section.optional else set()
        conditions = [
            _condition_view(form, c, ticks, i, section.name) for i, c in enumerate(section.conditions)
        ]
        optional = [
            _condition_view(form, c, optional_ticks, i, optional_name) for i, c in enumerate(section.optional)
        ]
        views.append(
            SectionView(
                section=section,
                conditions=conditions,
                optional=optional,
                none_checked=NONE in ticks,
                error=_error(form, section.name),
            )
        )
    return views
