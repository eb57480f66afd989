"""Which residence procedure changes the register how: one table, procedure code → plan. A plan is computed
from the dossier's form (nothing written), so the officer sees before → after while reviewing, and the same plan
is applied when the result is issued (services.dossier_apply)."""

import datetime
from dataclasses import dataclass
from typing import Any

from precinct.residence.models import ResidenceKind

REGISTER = "register"  # a new record (a permanent one ends the person's current permanent residence)
EXTEND = "extend"  # the current temporary residence in the dossier's ward runs to a later date
END_PERMANENT = "end_permanent"  # the current permanent residence ends


@dataclass(frozen=True, slots=True)
class Plan:
    operation: str
    kind: str
    address: str
    start: datetime.date
    end: datetime.date | None


def _date(form: dict[str, Any], key: str, default: datetime.date | None = None) -> datetime.date | None:
    value = form.get(key)
    return datetime.date.fromisoformat(value) if value else default


def _permanent(form: dict[str, Any], today: datetime.date) -> Plan:
    return Plan(REGISTER, ResidenceKind.PERMANENT, form.get("dia_chi", ""), today, None)


def _temporary(form: dict[str, Any], today: datetime.date) -> Plan:
    return Plan(
        REGISTER,
        ResidenceKind.TEMPORARY,
        form.get("dia_chi", ""),
        _date(form, "tu_ngay", today) or today,
        _date(form, "den_ngay"),
    )


def _extension(form: dict[str, Any], today: datetime.date) -> Plan:
    return Plan(EXTEND, ResidenceKind.TEMPORARY, form.get("dia_chi", ""), today, _date(form, "den_ngay"))


def _absence(form: dict[str, Any], today: datetime.date) -> Plan:
    return Plan(
        REGISTER,
        ResidenceKind.ABSENCE,
        form.get("noi_den", ""),
        _date(form, "tu_ngay", today) or today,
        _date(form, "den_ngay"),
    )


def _removal(form: dict[str, Any], today: datetime.date) -> Plan:
    return Plan(END_PERMANENT, ResidenceKind.PERMANENT, form.get("dia_chi", ""), today, None)


# Procedure code (the catalogue's) → how its result changes the register. A procedure not here changes nothing.
CHANGES = {
    "CT-01": _permanent,  # Đăng ký thường trú
    "CT-02": _temporary,  # Đăng ký tạm trú
    "CT-03": _extension,  # Gia hạn tạm trú
    "CT-04": _absence,  # Khai báo tạm vắng
    "CT-05": _removal,  # Xóa đăng ký thường trú
}

# The workflow action whose result changes the register: the result is issued (issue_result → result_issued).
# `complete` only closes the file afterwards, and refuse / withdraw never reach it.
RESULT_ACTION = "issue_result"


def plan_for(code: str, form: dict[str, Any], today: datetime.date) -> Plan | None:
    planner = CHANGES.get(code)
    return planner(form, today) if planner else None
