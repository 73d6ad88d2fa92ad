"""The client account's used sign-in links: a link's nonce is stored when it is used, so it works once."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsedSignInLink(models.Model):
    """One e-mailed sign-in link that has been used. The unique nonce is what makes a link single-use:
    two tabs opening the same link race on the insert, and the database lets exactly one win.
    Rows older than the links' lifetime are of no use and may be deleted (`forget_used_links`)."""

    nonce = models.CharField(_("nonce"), max_length=64)
    used_at = models.DateTimeField(_("used"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("used sign-in link")
        verbose_name_plural = _("used sign-in links")
        constraints = [models.UniqueConstraint(fields=["nonce"], name="used_sign_in_link_nonce_unique")]

    def __str__(self):
        return f"{self.nonce[:8]}… · {self.used_at:%Y-%m-%d %H:%M}"
