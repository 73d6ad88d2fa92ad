"""Admin for the screening rules (managers) and for questionnaires (staff; health answers need permission).

- Conditions carry their follow-up questions and rules inline; a manager switches a condition under
  owner review between the seed-strict and the recommended rules (actions, or Policy choices).
- Questionnaires show contact details to staff who may view them; the health answers, the screening
  and the doctor's notes only to staff holding `intake.view_health_answers`, and each such read is
  written to the health data access log through `intake.access.read_answers`.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.translation import ContentStackedInline, ContentTranslationAdmin
from intake.access import can_read_answers, read_answers
from intake.models import (
    Area,
    Category,
    Clearance,
    Condition,
    FollowUp,
    HealthAccessLog,
    Modifier,
    PersonalDataConsent,
    PolicyChoice,
    PolicyVariant,
    Questionnaire,
    ScreeningRule,
)
from intake.models.questionnaires import PREGNANCY
from intake.questionnaires import add_months
from reflexology.models import Technique

# --- Rules ------------------------------------------------------------------------------------


class ListField(forms.CharField):
    """A JSON list edited as comma-separated words."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [part.strip() for part in (value or "").split(",") if part.strip()]


class ScreeningRuleForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("technique kinds"),
        choices=Technique.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means every technique."),
    )
    modifiers = forms.MultipleChoiceField(
        label=_("modifiers"), choices=Modifier.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    areas = ListField(
        label=_("areas to leave out"),
        required=False,
        help_text=_("Comma-separated: %(keys)s, or foot-map zone slugs such as heart, heel-centre.")
        % {"keys": ", ".join(Area.values)},
    )
    gentle_areas = ListField(label=_("areas to keep light"), required=False, help_text=_("As above."))

    class Meta:
        model = ScreeningRule
        fields = [
            "condition",
            "key",
            "order",
            "policy",
            "answer",
            "when",
            "kinds",
            "outcome",
            "outcome_after_clearance",
            "absolute",
            "rebook_after_hours",
            "areas",
            "gentle_areas",
            "modifiers",
            "implies",
            "client_message",
            "next_step",
            "therapist_note",
            "audience",
        ]
        widgets = {  # in each language (modeltranslation's client_message_ru, client_message_en)
            f"{name}{language}": forms.Textarea(attrs={"rows": 2})
            for name in ("client_message", "therapist_note")
            for language in ("", "_ru", "_en")
        }


class FollowUpInline(ContentStackedInline):
    model = FollowUp
    extra = 0
    fields = [("key", "kind", "order"), "question", "help_text", "choices"]
    classes = ["collapse"]


class ScreeningRuleInline(ContentStackedInline):
    model = ScreeningRule
    fk_name = "condition"
    form = ScreeningRuleForm
    extra = 0
    classes = ["collapse"]
    fields = [
        ("key", "order", "policy"),
        ("answer", "when"),
        "kinds",
        ("outcome", "outcome_after_clearance", "rebook_after_hours"),
        "absolute",
        "areas",
        "gentle_areas",
        "modifiers",
        "implies",
        "client_message",
        "next_step",
        "therapist_note",
        "audience",
    ]


@admin.register(Condition)
class ConditionAdmin(ContentTranslationAdmin):
    list_display = ["key", "question", "group", "category", "asked", "policy_in_force", "order"]
    list_filter = ["group", "category", "asked"]
    list_select_related = ["policy_choice"]
    search_fields = ["key", "question", "short_label"]
    ordering = ["order", "key"]
    inlines = [FollowUpInline, ScreeningRuleInline]
    actions = ["use_recommended_policy", "use_seed_policy", "use_strict_policy"]
    fieldsets = [
        (None, {"fields": [("key", "order"), "question", "help_text", "short_label"]}),
        (None, {"fields": [("category", "group"), ("asked", "required", "about_today")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_reviewable()

    @admin.display(description=_("policy in force"))
    def policy_in_force(self, condition):
        if not condition.reviewable:
            return "—"
        choice = getattr(condition, "policy_choice", None)
        return choice.get_variant_display() if choice else PolicyVariant.SEED.label

    def has_policy_permission(self, request):
        return request.user.has_perm("intake.change_policychoice") and request.user.has_perm(
            "intake.add_policychoice"
        )

    @admin.action(
        description=_("Use the recommended rules for the selected conditions"), permissions=["policy"]
    )
    def use_recommended_policy(self, request, queryset):
        self._switch(request, queryset, PolicyVariant.RECOMMENDED)

    @admin.action(
        description=_("Use the seed-strict rules (the default) for the selected conditions"),
        permissions=["policy"],
    )
    def use_seed_policy(self, request, queryset):
        self._switch(request, queryset, PolicyVariant.SEED)

    @admin.action(
        description=_(
            "Use the stricter reading for the selected conditions (e.g. no session in the second trimester)"
        ),
        permissions=["policy"],
    )
    def use_strict_policy(self, request, queryset):
        self._switch(request, queryset, PolicyVariant.STRICT)

    def _switch(self, request, queryset, variant):
        reviewable = queryset.reviewable()
        for condition in reviewable:
            PolicyChoice.objects.update_or_create(
                condition=condition,
                defaults={"variant": variant, "changed_by": request.user, "changed_at": timezone.now()},
            )
        count = reviewable.count()
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext(
                "%(count)d condition now uses the “%(variant)s” rules.",
                "%(count)d conditions now use the “%(variant)s” rules.",
                count,
            )
            % {"count": count, "variant": PolicyVariant(variant).label},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d condition has no alternative rules and was left as it is.",
                    "%(count)d conditions have no alternative rules and were left as they are.",
                    skipped,
                )
                % {"count": skipped},
                messages.INFO,
            )


@admin.register(ScreeningRule)
class ScreeningRuleAdmin(ContentTranslationAdmin):
    form = ScreeningRuleForm
    list_display = ["condition", "key", "techniques", "outcome", "outcome_after_clearance", "policy"]
    list_filter = ["outcome", "policy", "condition__group"]
    list_select_related = ["condition"]
    search_fields = ["condition__key", "key", "client_message", "therapist_note"]
    ordering = ["condition__order", "order"]
    fields = ["condition", *ScreeningRuleInline.fields]

    @admin.display(description=_("techniques"))
    def techniques(self, rule):
        return ", ".join(rule.kinds) if rule.kinds else _("all")


@admin.register(PolicyChoice)
class PolicyChoiceAdmin(admin.ModelAdmin):
    list_display = ["condition", "variant", "changed_by", "changed_at"]
    list_select_related = ["condition", "changed_by"]
    list_filter = ["variant"]
    fields = ["condition", "variant"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "condition":
            kwargs["queryset"] = Condition.objects.reviewable()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        obj.changed_at = timezone.now()
        super().save_model(request, obj, form, change)


# --- Questionnaires ---------------------------------------------------------------------------


class ClearanceForm(forms.ModelForm):
    condition_key = forms.ChoiceField(label=_("condition"))
    limit_modifiers = forms.MultipleChoiceField(
        label=_("modifiers the clinician asks for"),
        choices=Modifier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Clearance
        fields = [
            "condition_key",
            "issued_on",
            "valid_until",
            "clinician_limits",
            "limit_outcome",
            "limit_modifiers",
            "pregnancy_week",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # R13: no note lifts an absolute condition, so none can be recorded for one.
        self.fields["condition_key"].choices = [
            ("", "—"),
            *Condition.objects.exclude(category=Category.ABSOLUTE).values_list("key", "short_label"),
        ]

    def clean(self):
        cleaned = super().clean()
        issued, until = cleaned.get("issued_on"), cleaned.get("valid_until")
        if issued and until:
            start = datetime.datetime.combine(issued, datetime.time())
            longest = add_months(start, settings.INTAKE_CLEARANCE_VALID_MONTHS).date()
            if until > longest:
                self.add_error(
                    "valid_until",
                    _("A doctor's note counts for %(months)d months at most (until %(date)s).")
                    % {"months": settings.INTAKE_CLEARANCE_VALID_MONTHS, "date": longest.isoformat()},
                )
        if cleaned.get("condition_key") == PREGNANCY and not cleaned.get("pregnancy_week"):
            self.add_error(
                "pregnancy_week",
                _("Say which week of pregnancy the note was written in: it covers only that trimester."),
            )
        return cleaned


class ClearanceInline(admin.StackedInline):
    model = Clearance
    form = ClearanceForm
    extra = 0
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    change_form_template = "intake/admin/questionnaire_change_form.html"
    list_display = ["client_name", "client_email", "submitted_at", "valid_until", "status"]
    search_fields = ["client_name", "client_email"]
    date_hierarchy = "submitted_at"
    # Health content is never a plain field here: it is shown (and logged) by change_view only.
    fields = [
        ("client_name", "client_email", "client_phone"),
        ("date_of_birth", "guardian_name", "emergency_contact"),
        "pressure_preference",
        ("consent_health_data", "consent_terms", "signature"),
        ("submitted_at", "confirmed_unchanged_at", "valid_until"),
        ("rules_version", "replaced_by", "anonymised_at"),
    ]
    readonly_fields = [name for row in fields for name in (row if isinstance(row, tuple) else (row,))]

    @admin.display(description=_("status"))
    def status(self, questionnaire):
        if questionnaire.anonymised_at:
            return _("anonymised")
        if questionnaire.replaced_by_id:
            return _("replaced")
        return _("valid") if questionnaire.is_valid() else _("expired")

    def has_add_permission(self, request):
        return False  # clients fill questionnaires in themselves

    def get_inlines(self, request, obj):
        return [ClearanceInline] if obj is not None and can_read_answers(request.user) else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        questionnaire = self.get_object(request, object_id)
        if questionnaire is not None and not questionnaire.anonymised_at and can_read_answers(request.user):
            extra_context["health_record"] = read_answers(
                request.user, questionnaire, via=HealthAccessLog.Via.ADMIN
            )
        extra_context["health_hidden"] = not can_read_answers(request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        for clearance in formset.save(commit=False):
            if clearance.recorded_by_id is None:
                clearance.recorded_by = request.user
            clearance.save()
        for removed in formset.deleted_objects:
            removed.delete()


@admin.register(HealthAccessLog)
class HealthAccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "questionnaire_ref", "via"]
    list_filter = ["via", "at"]
    search_fields = ["username", "questionnaire_ref"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # an audit trail is not edited, not even by a superuser


@admin.register(PersonalDataConsent)
class PersonalDataConsentAdmin(admin.ModelAdmin):
    """The record of consents (152-FZ): read-only; a client's erasure request removes theirs."""

    list_display = ["given_at", "email", "source", "method", "text_version", "recorded_by"]
    list_filter = ["source", "method", "text_version"]
    search_fields = ["email"]
    date_hierarchy = "given_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
