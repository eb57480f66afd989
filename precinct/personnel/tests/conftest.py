import datetime

import pytest
from django.utils import timezone

from precinct.accounts.models import User, UserKind
from precinct.organisation.models import Officer, Rank, Role, RoleAssignment, Unit, UnitKind
from precinct.personnel.models import Direction, EducationLevel, Rating
from precinct.personnel.services import career, transfers
from precinct.testing import PASSWORD


def years_ago(n: int, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today.replace(year=today.year - n, day=min(today.day, 28))


@pytest.fixture
def hr(world):
    """The province's personnel department (PX01) with one officer who works there."""
    unit = Unit.objects.create(
        code=f"{world.province.code}-PX01", name="Phòng Tổ chức cán bộ", kind=UnitKind.DEPARTMENT, parent=world.province
    )
    user = User.objects.create_user(username="hr", password=PASSWORD, kind=UserKind.OFFICER, full_name="HR Officer")
    RoleAssignment.objects.create(user=user, unit=unit, role=Role.OFFICER)
    Officer.objects.create(full_name="HR Officer", rank=Rank.MAJOR, unit=unit, user=user)
    return user


def make_officer(
    world, unit, name, *, years_at_level=6, born=35, rank=Rank.CAPTAIN, education=EducationLevel.UNIVERSITY, user=None
):
    officer = Officer.objects.create(full_name=name, rank=rank, unit=unit, position="Cán bộ", user=user)
    career.profile_save(
        actor=None, officer=officer, date_of_birth=years_ago(born), joined_on=years_ago(years_at_level + 2)
    )
    career.posting_write(
        actor=None,
        officer=officer,
        unit=world.department,
        position="Cán bộ",
        start_on=years_ago(years_at_level + 2),
        decision={},
    )
    career.posting_write(
        actor=None, officer=officer, unit=unit, position="Cán bộ", start_on=years_ago(years_at_level), decision={}
    )
    if education:
        career.career_add(
            actor=None,
            officer=officer,
            kind="education",
            values={"level": education, "field": "Luật", "institution": "Học viện CSND", "year": 2010},
        )
    today = timezone.localdate()
    for back in (1, 2):
        career.career_add(
            actor=None, officer=officer, kind="evaluation", values={"year": today.year - back, "rating": Rating.GOOD}
        )
    return officer


@pytest.fixture
def criteria(world):
    return transfers.criteria_save(
        actor=None,
        direction=Direction.TO_PROVINCE,
        values={
            "min_years_at_level": 5,
            "max_age": 45,
            "min_rank": Rank.SENIOR_LIEUTENANT,
            "min_education": EducationLevel.UNIVERSITY,
            "discipline_free_years": 2,
            "min_rating": Rating.COMPLETED,
            "rating_years": 2,
        },
    )
