"""Two demo citizens with valid personal identification numbers (Quảng Ninh, 022)."""

import datetime
from typing import Any

from precinct.accounts.models import User
from precinct.accounts.services import CitizenInput, citizen_register
from precinct.core.demo import DEMO_PASSWORD, DemoAccount

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


def seed(*, stdout: Any) -> list[DemoAccount]:
    accounts = []
    for data in CITIZENS:
        if not User.objects.filter(username=data.personal_id).exists():
            citizen_register(data=data)
        accounts.append(DemoAccount(data.personal_id, DEMO_PASSWORD, f"Công dân — {data.full_name}"))
    return accounts
