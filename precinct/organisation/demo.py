"""Demo organisation: the province's units, and fictional officers across every unit (the demo officers
who sign in, with their roles, are the accounts app's demo: accounts sits above the unit tree)."""

import random
from typing import Any

from django.conf import settings
from django.db import transaction

from precinct.core.demo import DemoAccount
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Rank, Unit, UnitKind
from precinct.organisation.services import officer_save, province_units_load

# Units the seeds talk about, when the province is Quảng Ninh; otherwise the first three.
PREFERRED_COMMUNES = ("Phường Hà An", "Phường Hạ Long", "Đặc khu Vân Đồn")
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Xuân", "Hải"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hương",
    "Khánh",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Trung",
    "Tú",
    "Tuấn",
    "Việt",
    "Yến",
]
FIELD_RANKS = [Rank.SECOND_LIEUTENANT, Rank.FIRST_LIEUTENANT, Rank.SENIOR_LIEUTENANT, Rank.CAPTAIN, Rank.MAJOR]


def demo_communes(root: Unit) -> list[Unit]:
    """The demo's communes under `root`: the preferred ones that exist, topped up to three by code."""
    communes = list(Unit.objects.filter(parent=root, kind__in=COMMUNE_LEVEL_KINDS).order_by("code"))
    by_division = {u.name.removeprefix("Công an ").lower(): u for u in communes}
    chosen = [by_division[n.lower()] for n in PREFERRED_COMMUNES if n.lower() in by_division]
    for unit in communes:
        if len(chosen) >= 3:
            break
        if unit not in chosen:
            chosen.append(unit)
    return chosen


def fill_units_with_officers(root: Unit) -> None:
    """A few fictional officers in every unit, so lists and counts look like a real force (called by the
    accounts demo after its officers, so every row comes in the order it always did)."""
    if Officer.objects.filter(unit__path__startswith=root.path, user__isnull=True).exists():
        return
    rng = random.Random(root.code)
    for unit in Unit.objects.filter(path__startswith=root.path).order_by("path"):
        count = 6 if unit.kind in (UnitKind.PROVINCE, UnitKind.DEPARTMENT) else rng.randint(3, 6)
        for i in range(count):
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            officer_save(
                actor=None,
                full_name=name,
                rank=rng.choice(FIELD_RANKS),
                position="Trưởng Công an" if i == 0 and unit.kind in COMMUNE_LEVEL_KINDS else "Cán bộ",
                unit=unit,
                phone=f"09{rng.randrange(10**7, 10**8)}",
            )


@transaction.atomic
def seed(*, stdout: Any) -> list[DemoAccount]:
    result = province_units_load(actor=None, province_code=settings.PRECINCT_PROVINCE_CODE)
    root = result.root
    stdout.write(f"Units: {root.name} and {Unit.objects.filter(parent=root).count()} units under it.")
    return []
