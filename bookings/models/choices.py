"""Values the bookings models share: money fields, therapist levels, weekdays."""

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 10, "decimal_places": 2}


class Level(models.TextChoices):
    """A therapist's level; a service may cost more with a more experienced therapist."""

    THERAPIST = "therapist", _("Therapist")
    SENIOR = "senior", _("Senior therapist")
    MASTER = "master", _("Master therapist")


LEVEL_RANK = {Level.THERAPIST: 0, Level.SENIOR: 1, Level.MASTER: 2}


class Weekday(models.IntegerChoices):
    """Python's date.weekday() numbering."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
