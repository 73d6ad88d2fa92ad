"""The questionnaire form, built from the rules (a new condition is a new question, no code)."""

import datetime
import hashlib
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.functional import cached_property, lazy
from django.utils.translation import gettext_lazy as _

from common.phones import PhoneField
from intake import question_groups as groups
from intake.consents import MISSING, consent_label
from intake.models import Answer, Questionnaire
from intake.questionnaires import ClientDetails
from intake.rules import RuleSet
from intake.screening import age_on

ABOUT_YOU = (
    "client_name",
    "date_of_birth",
    "client_email",
    "client_phone",
    "guardian_name",
    "emergency_contact",
)
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


def same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


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
        # Typed on the number pad (8 digits), not picked from a calendar: far fewer taps on a phone.
        widget=forms.DateInput(
            attrs={"inputmode": "numeric", "placeholder": _("DD.MM.YYYY"), "maxlength": 10}, format="%d.%m.%Y"
        ),
        input_formats=["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d%m%Y"],
        help_text=_("Of the person who will have the massage, for example 14.03.1990."),
        error_messages={"invalid": _("Please type the date as day, month and year, for example 14.03.1990.")},
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
    consent_personal_data = forms.BooleanField(
        label=lazy(consent_label, str)(),
        error_messages={"required": MISSING},
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

    in_place = forms.CharField(required=False, widget=forms.HiddenInput)
    shown = forms.CharField(required=False, widget=forms.HiddenInput, max_length=4000)

    def __init__(self, *args, rules: RuleSet, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.today = today or timezone.localdate()
        self.sections = groups.build_sections(rules.asked_conditions())
        self.wording = hashlib.sha256(repr(self.sections).encode()).hexdigest()
        self.fields.update(_health_fields(self.wording, self.sections))
        self.pending_follow_ups: list[str] = []
        style_widgets(self)
        for name, hint in AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = hint

    def __getitem__(self, name: str):
        # Templates look `form.anything` up as form["anything"] first; Django's KeyError message
        # lists every field (about 200 here), which made each such lookup slow.
        if name not in self.fields:
            raise KeyError(name)
        return super().__getitem__(name)

    @cached_property
    def plain(self) -> "PlainFields":
        """The contact, preference and consent fields as plain values (`form.plain.client_name`)."""
        return PlainFields(self)

    def pressure_options(self) -> list[groups.Option]:
        return groups.options_for(self, "pressure_preference", self.fields["pressure_preference"].choices)

    @cached_property
    def section_views(self) -> list[groups.SectionView]:
        """The health sections as plain values for the template (ticks, follow-ups, errors)."""
        return groups.section_views(self, self.sections)

    def has_ticks(self) -> bool:
        """Whether any condition is ticked (a blank questionnaire has none): cheap, no rendering data."""
        if self.is_bound:
            return any(
                self.data.getlist(s.name) or self.data.getlist(groups.optional_field(s.key))
                for s in self.sections
            )
        return any(
            tick != groups.NONE
            for s in self.sections
            for name in (s.name, groups.optional_field(s.key))
            for tick in self.initial.get(name) or ()
        )

    def ticked_views(self) -> list[groups.ConditionView]:
        return [view for s in self.section_views for view in s.conditions + s.optional if view.checked]

    def carried_fields(self) -> list:
        """What the follow-up page (no script) carries as hidden inputs: everything but the
        follow-ups it asks and the markers it writes itself."""
        asked = {"shown", "in_place"}
        for view in self.ticked_views():
            asked.add(groups.condition_field(view.key))
            asked.update(follow_up.name for follow_up in view.follow_ups)
        return [self[name] for name in self.fields if name not in asked]

    def shown_keys(self) -> str:
        """The conditions whose follow-ups this page shows (ticked ones): carried in `shown`."""
        return " ".join(view.key for view in self.ticked_views()) if self.has_ticks() else ""

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
        self._clean_health(cleaned)
        return cleaned

    def _clean_health(self, cleaned: dict) -> None:
        """One answer per section; the follow-ups of what was ticked, once the client has seen them.

        A tick whose follow-ups the client has not seen yet (no script, first page) is not an error:
        `pending_follow_ups` lists it and the view shows the follow-up page.
        """
        seen = set(cleaned.get("shown", "").split())
        in_place = cleaned.get("in_place") == "1"
        self.pending_follow_ups = []
        for section in self.sections:
            groups.clean_section(self, section, cleaned)
            ticks = set(groups.ticked(cleaned, section))
            for condition in [*section.conditions, *section.optional]:
                if condition.key not in ticks:
                    continue
                asked = in_place or condition.key in seen
                if not asked:
                    self.pending_follow_ups.append(condition.key)
                groups.clean_follow_ups(self, condition, cleaned, asked=asked)

    # --- What the view hands to the domain -------------------------------------------------------

    def answers(self) -> dict[str, object]:
        """One answer per condition key plus follow-ups: the shape `screen()` and the model expect."""
        return groups.answers_for(self.sections, self.cleaned_data)

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
            consent_personal_data=data["consent_personal_data"],
            signature=data["signature"],
        )

    # --- For the template --------------------------------------------------------------------------

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the list at the top: one line per problem, in the order of the form."""
        sections = {section.name: section for section in self.sections}
        owners = {
            groups.follow_up_field(spec.key): condition
            for section in self.sections
            for condition in [*section.conditions, *section.optional]
            for spec in condition.follow_ups
        }
        summary = [("questionnaire-form", str(message)) for message in self.non_field_errors()]
        for name in sorted(self.errors, key=self._page_order):
            if name not in self.fields:
                continue
            message = self.errors[name][0]
            if name in sections:
                message = f"{sections[name].spec.legend}: {message}"
            elif name in owners:
                line = _("A follow-up question about %(topic)s: %(message)s")
                message = line % {"topic": owners[name].short_label, "message": message}
            else:
                message = f"{_shorten(str(self.fields[name].label))}: {message}"
            summary.append((self._anchor(name), message))
        return summary

    def _page_order(self, name: str) -> tuple[int, int]:
        """Where a field sits on the page: about you, the health groups, then the rest."""
        names = list(self.fields)
        position = names.index(name) if name in names else len(names)
        if name in ABOUT_YOU:
            return (0, position)
        return (1 if name[:2] in ("g_", "o_", "c_", "f_") else 2, position)

    def _anchor(self, name: str) -> str:
        """The id to jump to: the field, or the first option of a group of options."""
        if isinstance(self.fields[name], forms.ChoiceField):  # ticks, radios (multiple choice too)
            return f"id_{name}_0"
        return self[name].auto_id

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
        answers = questionnaire.answers
        initial.update(groups.initial_ticks(groups.build_sections(rules.asked_conditions()), answers))
        for key, value in answers.items():
            if key in rules.conditions and value in (Answer.YES, Answer.NOT_SURE):
                initial[groups.condition_field(key)] = value
            elif key in rules.follow_ups:
                initial[groups.follow_up_field(key)] = value
        return initial


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


_HEALTH_FIELDS: dict[str, dict[str, forms.Field]] = {}


def _health_fields(wording: str, sections: list[groups.Section]) -> dict[str, forms.Field]:
    """The ~200 health fields, built once per wording of the questions. They are shared between
    forms: nothing changes a field after it is built (values and errors live on the form)."""
    if wording not in _HEALTH_FIELDS:
        if len(_HEALTH_FIELDS) >= 16:
            _HEALTH_FIELDS.clear()
        fields: dict[str, forms.Field] = {}
        for section in sections:
            fields.update(groups.section_fields(section))
        _HEALTH_FIELDS[wording] = fields
    return _HEALTH_FIELDS[wording]


@dataclass
class PlainField:
    """One ordinary field for the template: written out there, not rendered by its widget."""

    name: str
    id: str
    label: str
    value: object
    error: str
    help: str
    attrs: str
    type: str


class PlainFields:
    def __init__(self, form: forms.Form):
        self.form = form

    def __getitem__(self, name: str) -> PlainField:
        bound = self.form[name]
        widget = bound.field.widget
        error = str(bound.errors[0]) if bound.errors else ""
        help_id, error_id = f"{bound.auto_id}_helptext", f"{bound.auto_id}_error"
        attrs = {key: value for key, value in widget.attrs.items() if key != "rows"}
        attrs["required"] = bound.field.required
        described = " ".join(i for i, on in ((error_id, error), (help_id, bound.help_text)) if on)
        attrs.update({"aria-describedby": described or None, "aria-invalid": "true" if error else None})
        attrs = {key: value for key, value in attrs.items() if value not in (None, False)}
        kind = "textarea" if isinstance(widget, forms.Textarea) else getattr(widget, "input_type", "text")
        value = bound.value()
        return PlainField(
            name=bound.html_name,
            id=bound.auto_id,
            label=str(bound.label),
            value=value if kind == "checkbox" else (widget.format_value(value) or ""),
            error=error,
            help=str(bound.help_text or ""),
            attrs=flatatt(attrs | ({"rows": widget.attrs["rows"]} if kind == "textarea" else {})),
            type=kind,
        )


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
