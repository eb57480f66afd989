"""Demo force: ≈ 2,000 officers in the province's communes (on top of the organisation demo's), with careers,
staffing, Resolution 40 criteria and a round, the seeds' courses (3 professional courses for 314 commune officers,
18 topic courses for more than 2,060), a few discipline records, emulation movements, political activities and
dialogue sessions; and the personnel department's demo account. Written with bulk_create (seed_demo runs before
every browser test), so it adds about a second."""

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from precinct.accounts.models import User
from precinct.accounts.services import officer_account_create
from precinct.core.demo import DEMO_PASSWORD, DemoAccount
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Rank, Role
from precinct.organisation.selectors import province_root_or_none, unit_by_code
from precinct.organisation.services import officer_save, role_grant
from precinct.personnel import summary, synthetic
from precinct.personnel.models import (
    Activity,
    ActivityKind,
    Course,
    CourseKind,
    Direction,
    DisciplineKind,
    DisciplineRecord,
    EducationLevel,
    Enrolment,
    EnrolmentResult,
    MandatoryFor,
    Profile,
    Rating,
    StaffPosition,
    TransferCriteria,
    TransferRound,
)

COMMUNE_OFFICERS = 2050
YEARS = 6  # of history each: enough for Resolution 40's five years at a level, few rows to write
VIOLATIONS = ["Vi phạm quy định về giờ làm việc", "Thiếu trách nhiệm trong giải quyết hồ sơ", "Vi phạm điều lệnh CAND"]


def _account(root: Any) -> list[DemoAccount]:
    department = unit_by_code(f"{root.code}-PX01")
    if department is None:
        return []
    user = User.objects.filter(username="tochuc").first()
    if user is None:
        user = officer_account_create(actor=None, username="tochuc", full_name="Đỗ Thu Hằng", password=DEMO_PASSWORD)
        officer_save(
            actor=None,
            full_name="Đỗ Thu Hằng",
            rank=Rank.LIEUTENANT_COLONEL,
            position="Phó Trưởng phòng",
            unit=department,
            user=user,
        )
    role_grant(actor=None, user=user, unit=department, role=Role.OFFICER)
    return [DemoAccount("tochuc", DEMO_PASSWORD, f"{Role.OFFICER.label} — {department.name}")]


@transaction.atomic
def seed(*, stdout: Any) -> list[DemoAccount]:
    root = province_root_or_none()
    if root is None:
        return []
    accounts = _account(root)
    if Profile.objects.filter(officer__unit__path__startswith=root.path).exists():
        return accounts
    rng = random.Random(f"personnel-{root.code}")
    today = timezone.localdate()
    units = list(root.children.filter(is_active=True).order_by("code")) if hasattr(root, "children") else []
    communes = [u for u in units if u.kind in COMMUNE_LEVEL_KINDS]
    departments = [u for u in units if u.kind not in COMMUNE_LEVEL_KINDS]
    if not communes:
        return accounts
    existing = list(Officer.objects.filter(unit__path__startswith=root.path).select_related("unit").order_by("pk"))
    fresh = synthetic.new_officers(rng, communes, max(0, COMMUNE_OFFICERS - sum(o.unit in communes for o in existing)))
    Officer.objects.bulk_create(fresh, batch_size=2000)
    officers = existing + fresh
    history = synthetic.careers(rng, officers, today=today, years=YEARS, province_units=departments or [root])
    history.save()
    synthetic.save_ranks(officers)

    by_unit: dict[int, int] = {}
    for officer in officers:
        by_unit[officer.unit_id] = by_unit.get(officer.unit_id, 0) + (officer.position == "Cán bộ")
    StaffPosition.objects.bulk_create(
        [StaffPosition(unit=u, title="Trưởng Công an", count=1) for u in communes]
        + [StaffPosition(unit=u, title="Phó Trưởng Công an", count=3) for u in communes]
        + [StaffPosition(unit=u, title="Cán bộ", count=by_unit.get(u.pk, 0) + rng.randint(0, 3)) for u in communes]
    )
    TransferCriteria.objects.bulk_create(
        [
            TransferCriteria(
                direction=Direction.TO_PROVINCE,
                min_years_at_level=5,
                max_age=45,
                min_rank=Rank.SENIOR_LIEUTENANT,
                min_education=EducationLevel.UNIVERSITY,
                discipline_free_years=2,
                min_rating=Rating.COMPLETED,
                rating_years=2,
            ),
            TransferCriteria(
                direction=Direction.TO_COMMUNE,
                min_years_at_level=3,
                max_age=50,
                min_rank=Rank.FIRST_LIEUTENANT,
                min_education=EducationLevel.COLLEGE,
                discipline_free_years=1,
            ),
        ]
    )
    TransferRound.objects.create(
        title=f"Điều động Công an xã lên tỉnh năm {today.year}", direction=Direction.TO_PROVINCE, unit=root, as_of=today
    )

    commune_officers = [o for o in officers if o.unit.kind in COMMUNE_LEVEL_KINDS]
    organiser = unit_by_code(f"{root.code}-PX01") or root
    year_start = today.replace(month=1, day=1)
    courses = []
    for i in range(3):
        day = year_start + datetime.timedelta(days=20 + 60 * i)
        courses.append(
            Course(
                title=f"Bồi dưỡng nghiệp vụ Công an xã, khóa {i + 1}",
                programme="Nghiệp vụ cơ bản",
                kind=CourseKind.PROFESSIONAL,
                organiser=organiser,
                unit_path=organiser.path,
                starts_on=day,
                ends_on=day + datetime.timedelta(days=10),
                capacity=120,
                mandatory_for=MandatoryFor.COMMUNE,
            )
        )
    for i in range(18):
        day = year_start + datetime.timedelta(days=5 + 15 * i)
        courses.append(
            Course(
                title=f"Tập huấn chuyên đề {i + 1}",
                programme="Chuyên đề",
                kind=CourseKind.TOPIC,
                organiser=organiser,
                unit_path=organiser.path,
                starts_on=day,
                ends_on=day + datetime.timedelta(days=2),
                capacity=150,
            )
        )
    Course.objects.bulk_create(courses)
    shuffled = commune_officers[:]
    rng.shuffle(shuffled)
    enrolments = [
        Enrolment(
            course=courses[i % 3],
            officer=o,
            result=EnrolmentResult.PASSED,
            sessions_attended=10,
            certificate_number=f"NV-{i + 1:04d}",
        )
        for i, o in enumerate(shuffled[:314])
    ]
    enrolments += [
        Enrolment(
            course=courses[3 + i % 18],
            officer=o,
            result=EnrolmentResult.PASSED,
            sessions_attended=2,
            certificate_number=f"CD-{i + 1:04d}",
        )
        for i, o in enumerate(rng.sample(officers, min(len(officers), 2065)))
    ]
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    DisciplineRecord.objects.bulk_create(
        DisciplineRecord(
            officer=o,
            unit_path=o.unit.path,
            kind=rng.choice([DisciplineKind.REPRIMAND, DisciplineKind.WARNING]),
            violation=rng.choice(VIOLATIONS),
            decided_on=min(today, year_start + datetime.timedelta(days=10 * n + 3)),
            starts_on=min(today, year_start + datetime.timedelta(days=10 * n + 3)),
            decision_number=f"{100 + n}/QĐ-CAT",
        )
        for n, o in enumerate(rng.sample(commune_officers, 7))
    )
    activities = [
        Activity(
            kind=ActivityKind.POLITICAL,
            title=f"Sinh hoạt chính trị {i + 1}",
            unit=root,
            unit_path=root.path,
            held_on=year_start + datetime.timedelta(days=25 * i),
            participants=rng.randint(200, 900),
        )
        for i in range(10)
    ]
    activities += [
        Activity(
            kind=ActivityKind.EMULATION,
            title=f"Phong trào thi đua cao điểm {i + 1}",
            unit=root,
            unit_path=root.path,
            held_on=year_start + datetime.timedelta(days=30 * i + 7),
            participants=rng.randint(500, 2000),
            awards=rng.randint(5, 40),
        )
        for i in range(7)
    ]
    activities += [
        Activity(
            kind=ActivityKind.DIALOGUE,
            title=f"Đối thoại trực tiếp với cán bộ {u.name}",
            unit=u,
            unit_path=u.path,
            held_on=year_start + datetime.timedelta(days=rng.randint(0, 200)),
            participants=14,
            issues_raised=3,
            issues_resolved=rng.randint(1, 3),
        )
        for u in communes[:52]
    ]
    Activity.objects.bulk_create(activities)
    summary.rebuild()  # the officers and enrolments above were written in bulk, past the receivers
    stdout.write(f"Personnel: {len(commune_officers)} officers at commune level, {len(officers)} in all, with careers.")
    return accounts
