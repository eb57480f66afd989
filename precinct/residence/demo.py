"""Demo register for the demo wards: households with their members and permanent residences, a few temporary
residents, guests staying at a Hạ Long hotel, and a few planted flaws (a duplicate written without accents, an
incomplete record, a "child" too old for the head, an expired temporary registration) so the quality page and
the work queue (filled by the incremental scan as the demo is written) have something to show."""

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from precinct.accounts.personal_id import sex_century_digit
from precinct.core.demo import DemoAccount
from precinct.organisation.demo import demo_communes
from precinct.organisation.selectors import province_root
from precinct.residence.models import Person, ResidenceKind
from precinct.residence.services import (
    establishment_register,
    household_create,
    person_create,
    residence_register,
    stay_notices_process,
    stay_notices_receive,
)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = {"male": ["Văn", "Đức", "Minh", "Quang"], "female": ["Thị", "Ngọc", "Thu", "Thanh"]}
GIVEN = {"male": ["Hùng", "Dũng", "Tuấn", "Long", "Nam", "Hải"], "female": ["Lan", "Hoa", "Hương", "Mai", "Yến"]}
STREETS = ["Tổ 1, Khu 2", "Tổ 3, Khu 5", "Đường Trần Hưng Đạo", "Đường Lê Thánh Tông", "Tổ 7, Khu 4"]
ORIGINS = ["Hạ Long, Quảng Ninh", "Cẩm Phả, Quảng Ninh", "Uông Bí, Quảng Ninh", "Thái Bình", "Hải Phòng"]


def _pid(rng: random.Random, sex: str, dob: datetime.date) -> str:
    return f"022{sex_century_digit(sex=sex, birth_year=dob.year)}{dob.year % 100:02d}{rng.randrange(10**6):06d}"


def _person(rng: random.Random, unit: Any, sex: str, born: int, surname: str) -> Person:
    dob = datetime.date(born, rng.randint(1, 12), rng.randint(1, 28))
    name = f"{surname} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    while True:
        pid = _pid(rng, sex, dob)
        if not Person.objects.filter(personal_id=pid).exists():
            break
    return person_create(
        actor=None,
        unit=unit,
        full_name=name,
        personal_id=pid,
        date_of_birth=dob,
        sex=sex,
        place_of_origin=rng.choice(ORIGINS),
        ethnicity="Kinh",
    )


@transaction.atomic
def _ward(unit: Any, rng: random.Random) -> int:
    made = 0
    today = timezone.localdate()
    for h in range(6):
        surname = rng.choice(SURNAMES)
        head = _person(rng, unit, "male", rng.randint(1955, 1985), surname)
        born = head.date_of_birth.year if head.date_of_birth else 1970
        wife = _person(rng, unit, "female", born + rng.randint(0, 4), rng.choice(SURNAMES))
        child = _person(rng, unit, rng.choice(["male", "female"]), rng.randint(2000, 2015), surname)
        street, number = rng.choice(STREETS), str(10 + 3 * h)
        household = household_create(
            actor=None, unit=unit, street=street, number=number, head=head, members=[(wife, "spouse"), (child, "child")]
        )
        for p in (head, wife, child):
            residence_register(
                actor=None,
                person=p,
                kind=ResidenceKind.PERMANENT,
                unit=unit,
                address=f"Số {number}, {street}",
                start=datetime.date(rng.randint(1995, 2020), 1, 1),
                household=household,
            )
        made += 3
    for _t in range(3):  # workers and students registered temporarily
        p = _person(rng, unit, rng.choice(["male", "female"]), rng.randint(1990, 2004), rng.choice(SURNAMES))
        residence_register(
            actor=None,
            person=p,
            kind=ResidenceKind.TEMPORARY,
            unit=unit,
            address=f"Phòng trọ số {rng.randint(1, 20)}, {rng.choice(STREETS)}",
            start=today - datetime.timedelta(days=rng.randint(30, 200)),
            end=today + datetime.timedelta(days=rng.randint(-20, 300)),
        )
        made += 1
    first = Person.objects.filter(unit=unit).order_by("pk").first()
    if first is not None:  # planted: the same person again, typed without accents and without an ID
        from precinct.core.text import fold

        person_create(
            actor=None,
            unit=unit,
            full_name=fold(first.full_name).title(),
            date_of_birth=first.date_of_birth,
            sex=first.sex,
        )
        person_create(actor=None, unit=unit, full_name="Đỗ Thị Thiếu")  # planted: incomplete
        made += 2
    made += _planted_inconsistencies(unit, rng, today)
    return made


def _planted_inconsistencies(unit: Any, rng: random.Random, today: datetime.date) -> int:
    """A "child" only five years younger than the head, and a temporary registration ended a month ago but
    still current: the consistency findings of the demo's work queue."""
    from precinct.residence.models import Household, HouseholdMember

    household = Household.objects.filter(unit=unit).select_related("head").order_by("pk").first()
    if household is None or household.head is None or household.head.date_of_birth is None:
        return 0
    born = household.head.date_of_birth.year + 5
    child = _person(rng, unit, "male", born, household.head.full_name.split()[0])
    HouseholdMember.objects.create(household=household, person=child, relation="child")  # as an old import left it
    lodger = _person(rng, unit, "female", rng.randint(1995, 2004), rng.choice(SURNAMES))
    residence_register(
        actor=None,
        person=lodger,
        kind=ResidenceKind.TEMPORARY,
        unit=unit,
        address=f"Phòng trọ số {rng.randint(21, 40)}, {rng.choice(STREETS)}",
        start=today - datetime.timedelta(days=400),
        end=today - datetime.timedelta(days=30),
    )
    return 2


def _hotel(unit: Any) -> int:
    establishment, _key = establishment_register(
        actor=None,
        unit=unit,
        name="Khách sạn Vịnh Hạ Long",
        kind="hotel",
        owner_name="Vũ Thị Hoa",
        address="Số 9 Đường Hạ Long, Bãi Cháy",
    )
    now = timezone.localtime()
    rows = [
        {
            "stay_id": "HL-2041",
            "full_name": "Phạm Minh Tuấn",
            "personal_id": "001088012345",
            "date_of_birth": "1988-04-05",
            "sex": "male",
            "arrival": (now - datetime.timedelta(days=1)).isoformat(),
            "expected_departure": str(now.date() + datetime.timedelta(days=2)),
        },
        {
            "stay_id": "HL-2042",
            "full_name": "Anna Schmidt",
            "nationality": "DE",
            "passport_number": "C01X00T47",
            "date_of_birth": "1990-02-03",
            "arrival": now.isoformat(),
            "expected_departure": str(now.date() + datetime.timedelta(days=3)),
        },
        {
            "stay_id": "HL-2043",
            "full_name": "Kim Min-jun",
            "nationality": "KR",
            "passport_number": "M12345678",
            "date_of_birth": "1985-11-20",
            "arrival": now.isoformat(),
            "expected_departure": str(now.date() + datetime.timedelta(days=1)),
        },
    ]
    result = stay_notices_receive(establishment=establishment, rows=rows)
    stay_notices_process()
    return len(result["accepted"])


def seed(*, stdout: Any) -> list[DemoAccount]:
    if Person.objects.exists():
        stdout.write("Residence: the register is already seeded.")
        return []
    communes = demo_communes(province_root())
    rng = random.Random(22)
    made = sum(_ward(unit, rng) for unit in communes)
    guests = _hotel(communes[0]) if communes else 0
    stdout.write(f"Residence: {made} residents in {len(communes)} wards, {guests} hotel guests.")
    return []
