"""The force as a tree of units, its officers, and roles scoped to a unit and everything under it."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Provincial police")
    DEPARTMENT = "department", _("Department")
    WARD = "ward", _("Ward police")
    COMMUNE = "commune", _("Commune police")
    SPECIAL_ZONE = "special_zone", _("Special zone police")


COMMUNE_LEVEL_KINDS = (UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE)


class Unit(models.Model):
    """A police unit. `path` is the chain of codes from the root ("22/06652/"), so a subtree is
    one indexed prefix query on both SQLite and PostgreSQL."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    division_code = models.CharField(
        _("administrative division code"),
        max_length=8,
        blank=True,
        db_index=True,
        help_text=_("Official code of the province, ward, commune or special zone the unit serves."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Moving a unit goes through organisation.services.unit_save(), which also rewrites descendants.
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else ""
        return f"{prefix}{self.code}/"


class Rank(models.TextChoices):
    """Ranks of the People's Public Security (Công an nhân dân)."""

    PRIVATE = "binh_nhi", _("Private")
    PRIVATE_FIRST_CLASS = "binh_nhat", _("Private first class")
    CORPORAL = "ha_si", _("Corporal")
    SERGEANT = "trung_si", _("Sergeant")
    STAFF_SERGEANT = "thuong_si", _("Staff sergeant")
    SECOND_LIEUTENANT = "thieu_uy", _("Second lieutenant")
    FIRST_LIEUTENANT = "trung_uy", _("First lieutenant")
    SENIOR_LIEUTENANT = "thuong_uy", _("Senior lieutenant")
    CAPTAIN = "dai_uy", _("Captain")
    MAJOR = "thieu_ta", _("Major")
    LIEUTENANT_COLONEL = "trung_ta", _("Lieutenant colonel")
    SENIOR_LIEUTENANT_COLONEL = "thuong_ta", _("Senior lieutenant colonel")
    COLONEL = "dai_ta", _("Colonel")
    MAJOR_GENERAL = "thieu_tuong", _("Major general")
    LIEUTENANT_GENERAL = "trung_tuong", _("Lieutenant general")
    COLONEL_GENERAL = "thuong_tuong", _("Colonel general")
    GENERAL = "dai_tuong", _("General")


class Officer(models.Model):
    full_name = models.CharField(_("full name"), max_length=150)
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices)
    position = models.CharField(_("position"), max_length=150, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="officers")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer",
    )
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["unit__path", "full_name"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return f"{self.get_rank_display()} {self.full_name}"


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    LEADER = "leader", _("Leader")
    OFFICER = "officer", _("Officer")
    DUTY_OFFICER = "duty_officer", _("Duty officer")


class RoleAssignment(models.Model):
    """A role a user holds over a unit and everything under it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_role_per_user_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit.code}"
