"""Demo organisation: the province's units, an administrator, leaders, officers and duty officers
in three commune-level units, a department officer, and fictional officers across every unit."""

import random
import unicodedata
from typing import Any

from django.conf import settings
from django.db import transaction

from precinct.accounts.models import User
from precinct.accounts.services import officer_account_create
from precinct.core.demo import DEMO_PASSWORD, DemoAccount
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Rank, Role, Unit, UnitKind
from precinct.organisation.services import officer_save, province_units_load, role_grant

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


def _slug(unit: Unit) -> str:
    """'Công an phường Hà An' -> 'haan': short usernames people can type."""
    name = unit.name.removeprefix("Công an ")
    for division in ("phường ", "xã ", "đặc khu "):
        name = name.removeprefix(division)
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if c.isascii() and c.isalnum()).lower()


def _account(
    *, username: str, full_name: str, unit: Unit, role: str, rank: str, position: str, superuser: bool = False
) -> DemoAccount:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = officer_account_create(
            actor=None,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=superuser,
        )
        officer_save(
            actor=None,
            full_name=full_name,
            rank=rank,
            position=position,
            unit=unit,
            user=user,
            phone=f"09{random.Random(username).randrange(10**7, 10**8)}",
        )
    role_grant(actor=None, user=user, unit=unit, role=role)
    return DemoAccount(username, DEMO_PASSWORD, f"{Role(role).label} — {unit.name}")


def _fill_units_with_officers(root: Unit) -> None:
    """A few fictional officers in every unit, so lists and counts look like a real force."""
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
    province_code = settings.PRECINCT_PROVINCE_CODE
    result = province_units_load(actor=None, province_code=province_code)
    root = result.root
    stdout.write(f"Units: {root.name} and {Unit.objects.filter(parent=root).count()} units under it.")

    accounts = [
        _account(
            username="admin",
            full_name="Quản trị hệ thống",
            unit=root,
            role=Role.ADMINISTRATOR,
            rank=Rank.MAJOR,
            position="Quản trị hệ thống",
            superuser=True,
        ),
        _account(
            username="lanhdao.tinh",
            full_name="Nguyễn Thành Trung",
            unit=root,
            role=Role.LEADER,
            rank=Rank.COLONEL,
            position="Phó Giám đốc",
        ),
    ]
    pc06 = Unit.objects.filter(code=f"{root.code}-PC06").first()
    if pc06:
        accounts.append(
            _account(
                username="canbo.pc06",
                full_name="Bùi Thị Phương",
                unit=pc06,
                role=Role.OFFICER,
                rank=Rank.CAPTAIN,
                position="Cán bộ tiếp nhận hồ sơ",
            )
        )
    for n, unit in enumerate(demo_communes(root)):
        slug = _slug(unit)
        accounts += [
            _account(
                username=f"lanhdao.{slug}",
                full_name=f"Phạm Quang {GIVEN[n]}",
                unit=unit,
                role=Role.LEADER,
                rank=Rank.LIEUTENANT_COLONEL,
                position="Trưởng Công an",
            ),
            _account(
                username=f"canbo.{slug}",
                full_name=f"Lê Minh {GIVEN[n + 5]}",
                unit=unit,
                role=Role.OFFICER,
                rank=Rank.SENIOR_LIEUTENANT,
                position="Cán bộ",
            ),
            _account(
                username=f"truc.{slug}",
                full_name=f"Đỗ Văn {GIVEN[n + 10]}",
                unit=unit,
                role=Role.DUTY_OFFICER,
                rank=Rank.FIRST_LIEUTENANT,
                position="Cán bộ trực ban",
            ),
        ]
    _fill_units_with_officers(root)
    return accounts
