"""Content in Russian and English (django-modeltranslation): the admin's side-by-side editing.

Every translated field gets a column per language (`name_ru`, `name_en`); either may be left empty,
since the page then shows the other language. A field the model requires must have a text in at
least one of them: `ContentTranslationAdmin` (and its inlines) say so next to the default language's
box instead of saving an empty name. Plain `TranslationAdmin` (fields side by side) is used rather
than the tabbed one, which loads jQuery UI from a CDN.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline
from modeltranslation.settings import AVAILABLE_LANGUAGES, DEFAULT_LANGUAGE
from modeltranslation.translator import NotRegistered, translator


def translated_field_names(model) -> list[str]:
    try:
        return list(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []


def required_translated_fields(model) -> list[str]:
    """The model's translated fields that must not be empty (in at least one language)."""
    return [name for name in translated_field_names(model) if not model._meta.get_field(name).blank]


def empty_in_every_language(cleaned_data: dict, name: str) -> bool:
    return all(cleaned_data.get(f"{name}_{language}") in (None, "", []) for language in AVAILABLE_LANGUAGES)


def either_language_required(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`form_class` refusing an entry whose required translated fields are empty in both languages,
    and showing the model's own errors about a translated field (e.g. ScreeningRule.clean's about
    `client_message`) next to that field's box in the active language, instead of failing."""
    model = form_class._meta.model
    translated, required = translated_field_names(model), required_translated_fields(model)
    if not translated:
        return form_class

    def box(self, name):
        if name in translated and name not in self.fields:
            for language in (get_language(), DEFAULT_LANGUAGE, *AVAILABLE_LANGUAGES):
                if f"{name}_{language}" in self.fields:
                    return f"{name}_{language}"
        return name

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            error = dict(error.error_dict)
        if field is None and isinstance(error, dict):
            remapped = {}
            for name, errors in error.items():
                remapped.setdefault(box(self, name), []).extend(errors)
            error = ValidationError(remapped)
        super(form, self).add_error(box(self, field) if field else field, error)

    def clean(self):
        cleaned_data = super(form, self).clean()
        for name in required:
            target = f"{name}_{DEFAULT_LANGUAGE}"
            if target in self.fields and empty_in_every_language(cleaned_data, name):
                self.add_error(target, _("Write this in at least one language (Russian or English)."))
        return cleaned_data

    attributes = {"clean": clean, "add_error": add_error, "__module__": form_class.__module__}
    form = type(form_class.__name__, (form_class,), attributes)
    return form


class ContentTranslationAdmin(TranslationAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        return either_language_required(super().get_form(request, obj, change=change, **kwargs))


class EitherLanguageInlineMixin:
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = either_language_required(formset.form)
        return formset


class ContentTabularInline(EitherLanguageInlineMixin, TranslationTabularInline):
    pass


class ContentStackedInline(EitherLanguageInlineMixin, TranslationStackedInline):
    pass
