"""The screening questions and the rules' messages in Russian and English (django-modeltranslation):
each field below gets `<field>_ru` and `<field>_en`; reading `<field>` (or `.values("<field>")`) gives
the active language's text, falling back to the other language's when that one is empty."""

from modeltranslation.translator import TranslationOptions, register

from intake.models import Condition, FollowUp, ScreeningRule


@register(Condition)
class ConditionTranslation(TranslationOptions):
    fields = ("question", "help_text", "short_label")


@register(FollowUp)
class FollowUpTranslation(TranslationOptions):
    # The choices' labels differ by language; their values, min, max and rank are the same in both.
    fields = ("question", "help_text", "choices")


@register(ScreeningRule)
class ScreeningRuleTranslation(TranslationOptions):
    fields = ("client_message", "next_step", "therapist_note", "audience")
