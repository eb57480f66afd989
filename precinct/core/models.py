from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.core.formats import format_date


class ExtraDayOff(models.Model):
    """A day off the national calendar does not know: decided by the province (storms, local events)."""

    province_code = models.CharField(_("province code"), max_length=8, db_index=True)
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extra day off")
        verbose_name_plural = _("extra days off")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["province_code", "day"], name="unique_extra_day_off")]

    def __str__(self) -> str:
        return f"{format_date(self.day)} — {self.reason}"
