"""The questionnaire form, built from the rules (a new condition is a new question, no code)."""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.phones import PhoneField
from intake.models import Answer, FollowUp, Group, Questionnaire
from intake.questionnaires import ClientDetails
from intake.rules import ConditionSpec, FollowUpSpec, RuleSet
from intake.screening import age_on

GROUP_INTROS = {
    Group.UNWELL: _("A few questions about today. If you are unwell, the kindest thing is to rest first."),
    Group.CIRCULATION: _("Massage gets the blood moving, so we ask about clots, veins and bleeding."),
    Group.HEART: _("So we can set a calm pace and the right pressure for your heart and circulation."),
    Group.NERVES: _("These help us choose the right pressure for feet that may feel less."),
    Group.PREGNANCY: _("These help us keep a pregnancy, or a hoped-for one, safe and comfortable."),
    Group.CANCER: _(
        "We welcome people during and after treatment; these answers tell us how to care for you."
    ),
    Group.SKIN: _("So we know which spots to leave alone and which products to use."),
    Group.JOINTS: _("So we know which joints to move gently, and which areas to leave out."),
    Group.WELLBEING: _("Last few: medicines, meals and how you are feeling in yourself."),
}
ANSWER_CHOICES = [(Answer.YES, _("Yes")), (Answer.NO, _("No")), (Answer.NOT_SURE, _("Not sure"))]


AUTOCOMPLETE = {
    "client_name": "name",
    "client_email": "email",
    "client_phone": "tel",
    "date_of_birth": "bday",
}


def style_widgets(form: forms.Form) -> None:
    """Bootstrap classes on the inputs; radios and check boxes are styled as large answer buttons."""
    for form_field in form.fields.values():
        widget = form_field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "answer-input")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif not widget.is_hidden:
            widget.attrs.setdefault("class", "form-control")


def condition_field(key: str) -> str:
    return f"c_{key}"


def follow_up_field(key: str) -> str:
    return f"f_{key}"


def same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass
class Question:
    condition: ConditionSpec
    name: str
    follow_ups: list[tuple[FollowUpSpec, str]] = field(default_factory=list)
    bound: object = None  # the BoundField, for the template
    bound_follow_ups: list = field(default_factory=list)  # (spec, BoundField)


@dataclass
class Section:
    group: str
    legend: str
    intro: str
    questions: list[Question] = field(default_factory=list)


class QuestionnaireForm(forms.Form):
    """Contact details, the screening questions with their follow-ups, consents and a signature."""

    client_name = forms.CharField(label=_("Your full name"), max_length=150)
    client_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send your result here, and a link if you want to update your answers later."),
    )
    client_phone = PhoneField(label=_("Phone (optional)"), required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"],
        help_text=_("Of the person who will have the massage."),
    )
    guardian_name = forms.CharField(
        label=_("Parent or guardian's full name"),
        max_length=150,
        required=False,
        help_text=_(
            "Only for a session for someone under 18: the parent or guardian fills in and signs this form."
        ),
    )
    emergency_contact = forms.CharField(
        label=_("Emergency contact (optional)"),
        max_length=200,
        required=False,
        help_text=_("A name and phone number, just in case."),
    )
    medicines = forms.CharField(
        label=_("Medicines you take (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Names, and what they are for if you like. Tablets, injections, creams and supplements all count."
        ),
    )
    allergies = forms.CharField(
        label=_("Allergies or sensitivities (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    areas_to_avoid = forms.CharField(
        label=_("Anywhere you would rather we did not touch (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ticklish spots count too."),
    )
    other_notes = forms.CharField(
        label=_("Anything else you would like your therapist to know (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example what you hope the session will do for you, or how you like to be looked after."
        ),
    )
    pressure_preference = forms.ChoiceField(
        label=_("What pressure do you usually like?"),
        choices=Questionnaire.Pressure.choices,
        initial=Questionnaire.Pressure.UNSURE,
        widget=forms.RadioSelect,
    )
    consent_health_data = forms.BooleanField(
        label=_(
            "I agree that the studio keeps my answers about my health, so that my therapist can plan a safe "
            "session. Only I (through my own link) and staff allowed to read them can see them."
        ),
        error_messages={
            "required": _("Please agree to us keeping your health answers, or we cannot book you.")
        },
    )
    consent_terms = forms.BooleanField(
        label=_(
            "I understand that a foot massage does not replace medical care, that I will tell my therapist "
            "if anything changes, and that I can stop the session at any time."
        ),
        error_messages={"required": _("Please confirm the session terms.")},
    )
    signature = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=150,
        help_text=_("The same name as above (or the parent or guardian's name, for someone under 18)."),
    )

    @property
    def adult_age(self) -> int:
        """Under this age a parent or guardian signs (the page's script reads it too)."""
        return settings.INTAKE_ADULT_AGE

    def __init__(self, *args, rules: RuleSet, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.today = today or timezone.localdate()
        self.sections: list[Section] = []
        by_group: dict[str, Section] = {}
        for condition in rules.asked_conditions():
            name = condition_field(condition.key)
            self.fields[name] = forms.ChoiceField(
                label=condition.question,
                choices=ANSWER_CHOICES,
                required=condition.required,
                widget=forms.RadioSelect,
                help_text=condition.help_text,
                error_messages={"required": _("Please choose yes, no or not sure.")},
            )
            question = Question(condition=condition, name=name)
            for spec in condition.follow_ups:
                self.fields[follow_up_field(spec.key)] = self._follow_up_field(spec)
                question.follow_ups.append((spec, follow_up_field(spec.key)))
            if condition.group not in by_group:
                by_group[condition.group] = Section(
                    group=condition.group,
                    legend=Group(condition.group).label,
                    intro=GROUP_INTROS.get(condition.group, ""),
                )
                self.sections.append(by_group[condition.group])
            by_group[condition.group].questions.append(question)
        style_widgets(self)
        for name, hint in AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = hint
        for section in self.sections:
            for question in section.questions:
                question.bound = self[question.name]
                question.bound_follow_ups = [(spec, self[name]) for spec, name in question.follow_ups]

    @staticmethod
    def _follow_up_field(spec: FollowUpSpec) -> forms.Field:
        if spec.kind == FollowUp.Kind.TEXT:
            return forms.CharField(
                label=spec.question, required=False, max_length=500, help_text=spec.help_text
            )
        choices = [(choice["value"], choice["label"]) for choice in spec.choices]
        if spec.kind == FollowUp.Kind.MULTI:
            return forms.MultipleChoiceField(
                label=spec.question,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=spec.help_text,
            )
        return forms.ChoiceField(
            label=spec.question,
            choices=choices,
            required=False,
            widget=forms.RadioSelect,
            help_text=spec.help_text,
        )

    # --- Field checks ----------------------------------------------------------------------------

    def clean_client_name(self):
        name = " ".join(self.cleaned_data["client_name"].split())
        if not name:
            raise forms.ValidationError(_("Please tell us your name."))
        return name

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if age_on(born, self.today)[0] > settings.INTAKE_OLDEST_AGE:
            raise forms.ValidationError(
                _("Please check the year: that would be more than %(years)s years ago.")
                % {"years": settings.INTAKE_OLDEST_AGE}
            )
        return born

    def is_minor(self) -> bool:
        born = self.cleaned_data.get("date_of_birth")
        return bool(born) and age_on(born, self.today)[0] < self.adult_age

    def clean(self):
        cleaned = super().clean()
        guardian = " ".join(cleaned.get("guardian_name", "").split())
        cleaned["guardian_name"] = guardian
        if self.is_minor() and not guardian:
            self.add_error(
                "guardian_name", _("For someone under 18, please give the parent or guardian's full name.")
            )
        signature = cleaned.get("signature", "")
        expected = guardian if self.is_minor() and guardian else cleaned.get("client_name", "")
        if signature and expected and not same_name(signature, expected):
            self.add_error(
                "signature",
                _("Please type exactly the name given above (%(name)s) to sign.") % {"name": expected},
            )
        for section in self.sections:
            for question in section.questions:
                self._clean_follow_ups(question, cleaned)
        return cleaned

    def _clean_follow_ups(self, question: Question, cleaned: dict) -> None:
        answer = cleaned.get(question.name)
        for spec, name in question.follow_ups:
            if answer not in (Answer.YES, Answer.NOT_SURE):
                cleaned[name] = [] if spec.kind == FollowUp.Kind.MULTI else ""  # not asked: never kept
            elif spec.kind == FollowUp.Kind.MULTI and not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Please tick at least one option."))
            elif spec.kind == FollowUp.Kind.SINGLE and not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Please choose an answer (“Not sure” is fine)."))

    # --- What the view hands to the domain -------------------------------------------------------

    def answers(self) -> dict[str, object]:
        answers: dict[str, object] = {}
        for section in self.sections:
            for question in section.questions:
                value = self.cleaned_data.get(question.name) or Answer.NO
                answers[question.condition.key] = value
                if value == Answer.NO:
                    continue
                for spec, name in question.follow_ups:
                    given = self.cleaned_data.get(name)
                    if given:
                        answers[spec.key] = given
        return answers

    def details(self) -> ClientDetails:
        data = self.cleaned_data
        return ClientDetails(
            name=data["client_name"],
            email=data["client_email"],
            phone=data["client_phone"],
            date_of_birth=data["date_of_birth"],
            guardian_name=data["guardian_name"] if self.is_minor() else "",
            emergency_contact=data["emergency_contact"],
            medicines=data["medicines"],
            allergies=data["allergies"],
            areas_to_avoid=data["areas_to_avoid"],
            other_notes=data["other_notes"],
            pressure_preference=data["pressure_preference"],
            consent_health_data=data["consent_health_data"],
            consent_terms=data["consent_terms"],
            signature=data["signature"],
        )

    # --- For the template --------------------------------------------------------------------------

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the list at the top: one line per problem, in the order of the form.

        Unanswered health questions are summed up in one line when there are many, so the list
        stays short enough to read.
        """
        questions = {q.name: q for section in self.sections for q in section.questions}
        owners = {name: q for q in questions.values() for _spec, name in q.follow_ups}
        unanswered = [name for name in questions if name in self.errors]
        summary = [("questionnaire-form", str(message)) for message in self.non_field_errors()]
        summed_up = False
        for name in self.fields:
            if name not in self.errors:
                continue
            message = self.errors[name][0]
            if name in questions and len(unanswered) > 3:
                if not summed_up:
                    summary.append((self._anchor(name), _many_unanswered(len(unanswered))))
                    summed_up = True
                continue
            if name in questions:
                line = _("The question about %(topic)s: %(message)s")
                message = line % {"topic": questions[name].condition.short_label, "message": message}
            elif name in owners:
                line = _("A follow-up question about %(topic)s: %(message)s")
                message = line % {"topic": owners[name].condition.short_label, "message": message}
            else:
                message = f"{_shorten(str(self.fields[name].label))}: {message}"
            summary.append((self._anchor(name), message))
        return summary

    def _anchor(self, name: str) -> str:
        """The id to jump to: the field, or the first option of a group of options."""
        bound = self[name]
        if isinstance(self.fields[name].widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{bound.auto_id}_0"
        return bound.auto_id

    @staticmethod
    def initial_from(questionnaire: Questionnaire, rules: RuleSet) -> dict[str, object]:
        """Initial values to update a questionnaire: what the client said last time."""
        initial = {
            "client_name": questionnaire.client_name,
            "client_email": questionnaire.client_email,
            "client_phone": questionnaire.client_phone,
            "date_of_birth": questionnaire.date_of_birth,
            "guardian_name": questionnaire.guardian_name,
            "emergency_contact": questionnaire.emergency_contact,
            "medicines": questionnaire.medicines,
            "allergies": questionnaire.allergies,
            "areas_to_avoid": questionnaire.areas_to_avoid,
            "other_notes": questionnaire.other_notes,
            "pressure_preference": questionnaire.pressure_preference,
        }
        for key, value in questionnaire.answers.items():
            if key in rules.conditions:
                initial[condition_field(key)] = value
            elif key in rules.follow_ups:
                initial[follow_up_field(key)] = value
        return initial


def _many_unanswered(count: int) -> str:
    return _("%(count)d health questions still need an answer (yes, no or not sure); the first is here.") % {
        "count": count
    }


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


class ReturningClientForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Please enter your e-mail address.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ConfirmUnchangedForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Nothing has changed since I last filled this in"),
        error_messages={"required": _("Please tick the box to confirm, or choose to update your answers.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
