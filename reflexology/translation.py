"""The reference content in Russian and English (django-modeltranslation): each field below gets a
`<field>_ru` and a `<field>_en` column; reading `<field>` gives the active language's text, or the
other language's when that one is empty. The fixtures carry both (scripts/merge_translations.py)."""

from modeltranslation.translator import TranslationOptions, register

from reflexology.models import BodySystem, Claim, Technique, TechniqueStep, Zone


@register(BodySystem)
class BodySystemTranslation(TranslationOptions):
    fields = ("name", "description", "image_alt")


@register(Zone)
class ZoneTranslation(TranslationOptions):
    fields = ("name", "body_parts", "description", "origin_note")


@register(Technique)
class TechniqueTranslation(TranslationOptions):
    fields = ("name", "summary", "body", "duration_note", "suits", "image_alt")


@register(TechniqueStep)
class TechniqueStepTranslation(TranslationOptions):
    fields = ("text", "duration_note")


@register(Claim)
class ClaimTranslation(TranslationOptions):
    fields = ("text", "note")
