"""Data-quality rules as data (ADR 0038): each QualityRule row names a check of quality.py / consistency.py by its
code, its dimension, what it applies to, whether the scan runs it and its parameters. The rows are written by a
migration (0006) with the defaults below; the scans read them once per run (`RuleSet`), and a rule missing from
the table runs with its default parameters (settings still give the defaults of the old ones). Changes go
through `rule_update` only: each parameter checked against its spec, the change audited."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from precinct.accounts.actors import as_user
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.residence import permissions
from precinct.residence.models import QualityRule

FIELD_CHOICES = ("personal_id", "date_of_birth", "sex", "place_of_origin", "ethnicity", "nationality")


@dataclass(frozen=True)
class Spec:
    """One parameter: an integer in [low, high], or a list of field names."""

    kind: str  # "int" | "fields"
    low: int = 0
    high: int = 0


SPECS: dict[str, dict[str, Spec]] = {
    "personal_id": {},
    "over_age": {"years": Spec("int", 90, 130)},
    "required_fields": {"fields": Spec("fields")},
    "duplicate_person": {
        "threshold": Spec("int", 70, 100),
        "prefix_days": Spec("int", 0, 60),
        "origin_weight": Spec("int", 0, 30),
        "sex_weight": Spec("int", 0, 100),
        "slip_weight": Spec("int", 0, 30),
    },
    "verified_recently": {"months": Spec("int", 1, 240)},
    "household_head": {},
    "relation_ages": {
        "child_gap_years": Spec("int", 0, 30),
        "parent_gap_years": Spec("int", 0, 30),
        "spouse_min_age": Spec("int", 10, 25),
    },
    "permanent_two_places": {},
    "temporary_expired": {"grace_days": Spec("int", 0, 365)},
    "absence_overdue": {"grace_days": Spec("int", 0, 365)},
}


PARAMETER_LABELS = {
    "years": _("Living persons older than this are implausible (years)"),
    "fields": _("Required fields"),
    "threshold": _("Match score threshold (name similarity plus and minus the weights)"),
    "prefix_days": _("ID-prefix block: birth dates at most this many days apart"),
    "origin_weight": _("Added when both places of origin are known and the same"),
    "sex_weight": _("Taken off when both sexes are known and differ"),
    "slip_weight": _("Taken off when the birth dates differ (ID-prefix block)"),
    "months": _("Verified within (months)"),
    "child_gap_years": _("A child born at least this many years after the head"),
    "parent_gap_years": _("A parent born at least this many years before the head"),
    "spouse_min_age": _("Youngest age of a spouse"),
    "grace_days": _("Days of grace after the end"),
}


def parameter_label(name: str) -> str:
    """A parameter's label in the active language (its name when it has none)."""
    return str(PARAMETER_LABELS.get(name, name))


def defaults() -> dict[str, dict[str, Any]]:
    """The parameters a rule runs with when its row is missing (the old settings still give theirs)."""
    return {
        "personal_id": {},
        "over_age": {"years": 110},
        "required_fields": {"fields": ["personal_id", "date_of_birth", "sex", "place_of_origin", "ethnicity"]},
        "duplicate_person": {
            "threshold": int(getattr(settings, "RESIDENCE_DUPLICATE_THRESHOLD", 92)),
            "prefix_days": 3,
            # The weighted score (ADR 0041): at 1.4 M persons, records of one ID prefix born a few days apart
            # share a name by chance far more often than on one day; the slip weight asks more of their names,
            # the same place of origin gives some back. Threshold 92 (was 90): with these weights 90 gave
            # precision 0.948, 92 gives 0.968 / recall 0.974 (docs/PERFORMANCE.md).
            "origin_weight": 5,
            "sex_weight": 10,
            "slip_weight": 6,
        },
        "verified_recently": {"months": int(getattr(settings, "RESIDENCE_VERIFY_MONTHS", 24))},
        "household_head": {},
        "relation_ages": {"child_gap_years": 12, "parent_gap_years": 12, "spouse_min_age": 16},
        "permanent_two_places": {},
        "temporary_expired": {"grace_days": 0},
        "absence_overdue": {"grace_days": 0},
    }


LABELS: dict[str, tuple[str, str, str, str]] = {  # code: dimension, applies to, Vietnamese, English
    "personal_id": (
        "validity",
        "person",
        "Số định danh khớp ngày sinh, giới tính, tỉnh nơi sinh",
        "Personal ID consistent with birth date, sex, province",
    ),
    "over_age": ("validity", "person", "Người còn sống quá số tuổi không thể", "Living persons older than possible"),
    "required_fields": ("completeness", "person", "Đủ các trường bắt buộc", "Required fields filled"),
    "duplicate_person": (
        "uniqueness",
        "person",
        "Một người hai bản ghi (chặn theo ngày sinh và tiền tố số định danh)",
        "The same person twice (blocked on birth date and ID prefix)",
    ),
    "verified_recently": ("timeliness", "person", "Bản ghi được xác minh gần đây", "Record verified recently"),
    "household_head": ("consistency", "household", "Mỗi hộ đúng một chủ hộ", "Exactly one head per household"),
    "relation_ages": (
        "consistency",
        "person",
        "Tuổi khớp quan hệ với chủ hộ",
        "Ages consistent with the relation to the head",
    ),
    "permanent_two_places": (
        "consistency",
        "person",
        "Không thường trú ở hai nơi",
        "No permanent residence in two places",
    ),
    "temporary_expired": (
        "consistency",
        "record",
        "Tạm trú hết hạn nhưng còn hiệu lực",
        "Temporary residence expired but still current",
    ),
    "absence_overdue": ("consistency", "record", "Tạm vắng quá hạn", "Temporary absence past its end"),
}


def rules_ensure() -> list[QualityRule]:
    """The rule rows, any missing one written with its defaults first (migration 0006 writes them all; a table
    emptied since, e.g. by a test that flushes the database, is filled again rather than scanning nothing)."""
    rows = list(QualityRule.objects.all())
    missing = set(SPECS) - {r.code for r in rows}
    if missing:
        params = defaults()
        QualityRule.objects.bulk_create(
            [
                QualityRule(
                    code=code,
                    dimension=LABELS[code][0],
                    applies_to=LABELS[code][1],
                    parameters=params[code],
                    label_vi=LABELS[code][2],
                    label_en=LABELS[code][3],
                )
                for code in sorted(missing)
            ],
            ignore_conflicts=True,
        )
        rows = list(QualityRule.objects.all())
    return rows


class RuleSet:
    """The rules one scan runs: which are active and with what parameters (one query)."""

    def __init__(self, rows: list[QualityRule] | None = None) -> None:
        rows = rules_ensure() if rows is None else rows
        self.rows = {r.code: r for r in rows}
        self._defaults = defaults()

    def active(self, code: str) -> bool:
        row = self.rows.get(code)
        return row.is_active if row is not None else True

    def param(self, code: str, name: str) -> Any:
        row = self.rows.get(code)
        if row is not None and name in row.parameters:
            return row.parameters[name]
        return self._defaults[code][name]

    def rule(self, code: str) -> QualityRule | None:
        return self.rows.get(code)

    def stale_before(self, today: datetime.date) -> datetime.date:
        return today - datetime.timedelta(days=30 * int(self.param("verified_recently", "months")))


def _parsed(rule: QualityRule, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    clean: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    specs = SPECS.get(rule.code, {})
    for name in raw:
        if name not in specs:
            errors[name] = [_("This rule has no such parameter.")]
    for name, spec in specs.items():
        value = raw.get(name, rule.parameters.get(name, defaults().get(rule.code, {}).get(name)))
        if spec.kind == "int":
            try:
                number = int(str(value).strip())
            except (TypeError, ValueError):
                errors[name] = [_("%(parameter)s: give a whole number.") % {"parameter": parameter_label(name)}]
                continue
            if not spec.low <= number <= spec.high:
                errors[name] = [
                    _("%(parameter)s: give a number from %(low)d to %(high)d.")
                    % {"parameter": parameter_label(name), "low": spec.low, "high": spec.high}
                ]
                continue
            clean[name] = number
        else:
            names = value if isinstance(value, list) else [v.strip() for v in str(value or "").split(",")]
            names = [n for n in names if n]
            if not names or any(n not in FIELD_CHOICES for n in names):
                errors[name] = [
                    _("%(parameter)s: name one or more of these fields, separated by commas: %(fields)s")
                    % {"parameter": parameter_label(name), "fields": ", ".join(FIELD_CHOICES)}
                ]
                continue
            clean[name] = list(dict.fromkeys(names))
    return clean, errors


@transaction.atomic
def rule_update(
    *, actor: Actor, rule: QualityRule, is_active: bool, parameters: dict[str, Any] | None = None
) -> QualityRule:
    """Switch a rule on or off and change its parameters (all checked first: a bad one changes nothing)."""
    if not permissions.can_manage_rules(actor):
        raise PermissionDenied(_("You may not change the data-quality rules."))
    locked = QualityRule.objects.select_for_update().get(pk=rule.pk)
    clean, errors = _parsed(locked, parameters or {})
    if errors:
        raise ValidationFailed(errors)
    before = {"is_active": locked.is_active, "parameters": locked.parameters}
    locked.is_active = is_active
    locked.parameters = clean
    locked.changed_at = timezone.now()
    locked.changed_by = as_user(actor)
    locked.save(update_fields=["is_active", "parameters", "changed_at", "changed_by"])
    audit_record(
        actor=actor,
        action="residence.quality_rule_update",
        target=locked,
        before=before,
        after={"is_active": locked.is_active, "parameters": locked.parameters},
    )
    return locked


def later(message: str | Promise, **params: Any) -> str:
    """A message and its parameters, translated when it is read: a finding is written to the queue in each of the
    site's languages, whatever the language of the request whose change ran the scan. (A lazy proxy: typed as the
    string it becomes.)"""
    return lazy(lambda: str(message) % params if params else str(message), str)()


def joined(parts: list[Any], separator: str = " ") -> str:
    """Several messages as one, each translated when it is read."""
    return lazy(lambda: separator.join(str(p) for p in parts), str)()


@dataclass(frozen=True)
class Finding:
    """What one rule found wrong with one subject (or pair): the work queue's row before it is saved. `detail` is
    lazy (`later`, `joined`): the queue stores it rendered in Vietnamese and in English."""

    code: str
    key: str
    unit_id: int
    unit_path: str
    detail: str | Promise = ""
    person_id: int | None = None
    other_id: int | None = None
    household_id: int | None = None
    record_id: int | None = None
