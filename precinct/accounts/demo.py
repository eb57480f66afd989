"""Demo accounts: an administrator, leaders, officers and duty officers in three commune-level units and a
department officer (each with an officer record and a role), and two citizens with valid personal
identification numbers (Quảng Ninh, 022). Runs after the organisation's demo, which loads the units."""

import base64
import datetime
import random
import unicodedata
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from precinct.accounts.models import User
from precinct.accounts.second_factor import second_factor_required
from precinct.accounts.services import CitizenInput, citizen_register, officer_account_create
from precinct.core.demo import DEMO_PASSWORD, DemoAccount
from precinct.organisation.demo import GIVEN, demo_communes, fill_units_with_officers
from precinct.organisation.models import Rank, Role, Unit
from precinct.organisation.selectors import province_root
from precinct.organisation.services import officer_save, role_grant

# The demo's leaders and administrators share this authenticator key (base32, as apps take it), so one entry in
# an authenticator app (or `oathtool --totp -b KEY`) signs any of them in; printed by seed_demo, in the README.
DEMO_TOTP_SECRET = "PRECINCTDEMOKEYQUANGNINHPOLICE23"  # noqa: S105 (demo data, like DEMO_PASSWORD)

CITIZENS = [
    CitizenInput(
        personal_id="022090012345",
        full_name="Nguyễn Văn Minh",
        date_of_birth=datetime.date(1990, 5, 17),
        sex="male",
        phone="0912345678",
        email="minh@example.vn",
        password=DEMO_PASSWORD,
    ),
    CitizenInput(
        personal_id="022195004321",
        full_name="Trần Thị Hoa",
        date_of_birth=datetime.date(1995, 11, 2),
        sex="female",
        phone="0987654321",
        email="hoa@example.vn",
        password=DEMO_PASSWORD,
    ),
]


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
    if second_factor_required(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        key = base64.b32decode(DEMO_TOTP_SECRET).hex()
        TOTPDevice.objects.create(user=user, name="demo authenticator", key=key, confirmed=True)
    return DemoAccount(username, DEMO_PASSWORD, f"{Role(role).label} — {unit.name}")


@transaction.atomic
def _officers() -> list[DemoAccount]:
    root = province_root()
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
    # The fictional officers come after the demo officers, as they always did (same ids, same order).
    fill_units_with_officers(root)
    return accounts


def seed(*, stdout: Any) -> list[DemoAccount]:
    accounts = _officers()
    stdout.write(
        "\nLeaders and administrators confirm each sign-in with a code from an authenticator app. Demo key "
        f"(time-based, 6 digits, 30 s): {DEMO_TOTP_SECRET}\n  e.g. `oathtool --totp -b {DEMO_TOTP_SECRET}`, or scan "
        f"otpauth://totp/Precinct:demo?secret={DEMO_TOTP_SECRET}&issuer=Precinct\n"
    )
    for data in CITIZENS:
        if not User.objects.filter(username=data.personal_id).exists():
            citizen_register(data=data)
        accounts.append(DemoAccount(data.personal_id, DEMO_PASSWORD, f"Công dân — {data.full_name}"))
    return accounts
