"""Services' names and descriptions in Russian and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from bookings.models import Service


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description")
