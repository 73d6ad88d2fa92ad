"""Consents to the processing of personal data (152-FZ art. 9, GDPR art. 7): one row per consent given.

Separate from the questionnaire's health-data consent on purpose: the law wants a consent that is
specific, informed and not bundled with anything else, and the studio must be able to show when and
to which wording each client agreed. The wording itself lives in `intake.consents` under its version.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentSource(models.TextChoices):
    ONLINE = "online", _("online booking")
    QUESTIONNAIRE = "questionnaire", _("health questionnaire")
    DESK = "desk", _("booked by the studio")


class ConsentMethod(models.TextChoices):
    """How the consent was obtained. Online it is always a tick box; at the desk staff say which."""

    WEBSITE = "website", _("ticked a box on the website")
    PAPER = "paper", _("in person, signed on paper")
    PHONE = "phone", _("by phone, given verbally")
    IN_PERSON = "in_person", _("in person, given verbally")
    EMAIL = "email", _("in writing, by e-mail")


DESK_METHODS = [method for method in ConsentMethod if method != ConsentMethod.WEBSITE]


class PersonalDataConsent(models.Model):
    """A client's consent to the processing of their personal data, as given: when, how, which text."""

    Source = ConsentSource
    Method = ConsentMethod

    email = models.EmailField(_("e-mail"), db_index=True)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    text_version = models.CharField(_("version of the consent text"), max_length=20)
    source = models.CharField(_("where"), max_length=16, choices=ConsentSource.choices)
    method = models.CharField(_("how"), max_length=16, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("personal data consent")
        verbose_name_plural = _("personal data consents")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ConsentSource.values), name="pdconsent_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=ConsentMethod.values), name="pdconsent_method_valid"
            ),
            # Online the client ticks the box themselves; at the desk staff record how they asked.
            models.CheckConstraint(
                condition=Q(source=ConsentSource.DESK, method__in=[m.value for m in DESK_METHODS])
                | (~Q(source=ConsentSource.DESK) & Q(method=ConsentMethod.WEBSITE)),
                name="pdconsent_method_fits_source",
            ),
            models.CheckConstraint(condition=~Q(email=""), name="pdconsent_email_not_empty"),
        ]

    def __str__(self):
        return f"{self.email} · {self.get_source_display()} · {self.given_at:%Y-%m-%d %H:%M}"
