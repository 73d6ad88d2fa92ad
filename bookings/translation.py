"""Content in Russian and English (django-modeltranslation): services' names and descriptions, therapists'
headlines and introductions, the names of courses of sessions."""

from modeltranslation.translator import TranslationOptions, register

from bookings.models import CourseProduct, Service, Therapist


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Therapist)
class TherapistTranslation(TranslationOptions):
    fields = ("headline", "bio")


@register(CourseProduct)
class CourseProductTranslation(TranslationOptions):
    fields = ("name",)
