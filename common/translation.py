"""Content in Russian and English (django-modeltranslation): the admin's side-by-side editing.

Every translated field gets a column per language (`name_ru`, `name_en`). In the admin, a field the
model requires is required in Russian (the site's default language; modeltranslation's rule) and
optional in English: an empty English text shows the Russian under /en/. `ContentTranslationAdmin`
(and its inlines) also show the model's own errors about a translated field (e.g. ScreeningRule.clean's
about `client_message`) next to that field's box, instead of failing. Plain `TranslationAdmin` (fields
side by side) is used rather than the tabbed one, which loads jQuery UI from a CDN.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline
from modeltranslation.settings import AVAILABLE_LANGUAGES, DEFAULT_LANGUAGE
from modeltranslation.translator import NotRegistered, translator


def translated_field_names(model) -> list[str]:
    try:
        return list(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []


def errors_shown_by_language(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`form_class` showing the model's errors about a translated field (`client_message`) next to that
    field's box in the active language (`client_message_ru`): Django would fail on a field the form
    does not have."""
    translated = translated_field_names(form_class._meta.model)
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

    attributes = {"add_error": add_error, "__module__": form_class.__module__}
    form = type(form_class.__name__, (form_class,), attributes)
    return form


class ContentTranslationAdmin(TranslationAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        return errors_shown_by_language(super().get_form(request, obj, change=change, **kwargs))


class ErrorsShownByLanguageInlineMixin:
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = errors_shown_by_language(formset.form)
        return formset


class ContentTabularInline(ErrorsShownByLanguageInlineMixin, TranslationTabularInline):
    pass


class ContentStackedInline(ErrorsShownByLanguageInlineMixin, TranslationStackedInline):
    pass
