"""Synthetic careers in bulk, for the demo (`demo.py`, ≈ 2,000 commune officers) and the benchmark's generated
force (`precinct.devdata.personnel`): one generator, so both read like a real force. Rows are built in memory
and saved with bulk_create by the caller; nothing here is audited (demo and bench data, not decisions)."""

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils import timezone

from precinct.core.inserts import PreparedInsert
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Rank, Unit
from precinct.personnel.models import (
    Certificate,
    CertificateKind,
    Commendation,
    Education,
    EducationLevel,
    Evaluation,
    Level,
    Posting,
    Profile,
    RankRecord,
    Rating,
)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Phan"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Xuân", "Hải", "Thu", "Bảo"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam", "Phong", "Quân"]
GIVEN += ["Sơn", "Thảo", "Trung", "Tú", "Tuấn", "Việt", "Yến", "Hằng", "Linh", "Đạt", "Huy"]
RANK_LADDER = [
    Rank.SECOND_LIEUTENANT,
    Rank.FIRST_LIEUTENANT,
    Rank.SENIOR_LIEUTENANT,
    Rank.CAPTAIN,
    Rank.MAJOR,
    Rank.LIEUTENANT_COLONEL,
    Rank.SENIOR_LIEUTENANT_COLONEL,
    Rank.COLONEL,
]
FIELDS = [
    "Luật",
    "Điều tra trinh sát",
    "Cảnh sát nhân dân",
    "An ninh nhân dân",
    "Công nghệ thông tin",
    "Quản lý hành chính",
]
SCHOOLS = ["Học viện Cảnh sát nhân dân", "Học viện An ninh nhân dân", "Trường Đại học CSND", "Trường Cao đẳng CSND I"]
# ≈ 78 % college or higher, as the seeds ("over 75 %")
EDUCATION_WEIGHTS = [
    (EducationLevel.INTERMEDIATE, 22),
    (EducationLevel.COLLEGE, 18),
    (EducationLevel.UNIVERSITY, 52),
    (EducationLevel.MASTER, 7),
    (EducationLevel.DOCTORATE, 1),
]


def name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def new_officers(rng: random.Random, units: list[Unit], count: int, position: str = "Cán bộ") -> list[Officer]:
    """Unsaved officers spread over `units` (ranks by length of service come with the history)."""
    return [
        Officer(full_name=name(rng), rank=Rank.CAPTAIN, position=position, unit=units[i % len(units)], phone="")
        for i in range(count)
    ]


@dataclass
class History:
    """Rows by model, as field values (no model instances: building 50,000 of them costs more than writing them)."""

    rows: dict[type[models.Model], list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: type[models.Model], **values: Any) -> None:
        self.rows.setdefault(model, []).append(values)

    def save(self) -> int:
        """Write every row: one prepared INSERT per model (core.inserts), sent with executemany."""
        now = timezone.now()
        written = 0
        for model, rows in self.rows.items():
            insert = PreparedInsert(model)
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            defaults = {f.name: (now if getattr(f, "auto_now_add", False) else f.get_default()) for f in fields}
            with connection.cursor() as cursor:
                for first in range(0, len(rows), 5000):
                    cursor.executemany(
                        insert.statement(), [insert.params({**defaults, **row}) for row in rows[first : first + 5000]]
                    )
            written += len(rows)
        return written


def careers(
    rng: random.Random,
    officers: Iterable[Officer],
    *,
    today: datetime.date,
    years: int,
    province_units: list[Unit],
) -> History:
    """Profiles and `years` years of history for saved officers: joining, rank promotions every few years, a
    posting or two (some via a province department), a degree or two, yearly evaluations, a certificate with
    an expiry, a commendation. Sets each officer's current rank in memory (`save_ranks` writes them)."""
    history = History()
    for officer in officers:
        served = rng.randint(max(1, years // 4), years)
        joined = today - datetime.timedelta(days=365 * served + rng.randint(0, 364))
        born = joined - datetime.timedelta(days=365 * rng.randint(20, 26) + rng.randint(0, 364))
        top = rng.choices([lvl for lvl, _w in EDUCATION_WEIGHTS], [w for _l, w in EDUCATION_WEIGHTS])[0]
        history.add(
            Profile, officer=officer.pk, date_of_birth=born, joined_on=joined, sex=rng.choice("mf"), education_level=top
        )
        step, rank_on = 0, joined
        while rank_on <= today and step < len(RANK_LADDER):
            history.add(
                RankRecord,
                officer=officer.pk,
                rank=RANK_LADDER[step],
                effective_on=rank_on,
                decision_number=f"{rng.randint(1, 999)}/QĐ-CAT",
                decision_date=rank_on,
            )
            officer.rank = RANK_LADDER[step]
            step += 1
            rank_on += datetime.timedelta(days=365 * rng.randint(2, 4))
        here_since = joined
        if served > 6 and rng.random() < 0.5:  # started in a province department, then moved
            here_since = joined + datetime.timedelta(days=365 * rng.randint(2, served - 2))
            history.add(
                Posting,
                officer=officer.pk,
                unit=rng.choice(province_units).pk,
                level=Level.PROVINCE,
                position="Cán bộ",
                start_on=joined,
                decision_number=f"{rng.randint(1, 999)}/QĐ-CAT",
                decision_date=joined,
            )
        level = Level.COMMUNE if officer.unit.kind in COMMUNE_LEVEL_KINDS else Level.PROVINCE
        history.add(
            Posting,
            officer=officer.pk,
            unit=officer.unit_id,
            level=level,
            position=officer.position,
            start_on=here_since,
            decision_number=f"{rng.randint(1, 999)}/QĐ-CAT",
            decision_date=here_since,
        )
        history.add(
            Education,
            officer=officer.pk,
            level=EducationLevel.INTERMEDIATE,
            field=rng.choice(FIELDS),
            institution=SCHOOLS[3],
            year=joined.year,
        )
        if top > EducationLevel.INTERMEDIATE:
            history.add(
                Education,
                officer=officer.pk,
                level=top,
                field=rng.choice(FIELDS),
                institution=rng.choice(SCHOOLS),
                year=min(today.year, joined.year + rng.randint(2, 8)),
            )
        for year in range(max(joined.year + 1, today.year - years), today.year):
            rating = rng.choices(
                [Rating.EXCELLENT, Rating.GOOD, Rating.COMPLETED, Rating.NOT_COMPLETED], [20, 65, 14, 1]
            )[0]
            history.add(Evaluation, officer=officer.pk, year=year, rating=rating)
        issued = today - datetime.timedelta(days=rng.randint(30, 2000))
        history.add(
            Certificate,
            officer=officer.pk,
            kind=CertificateKind.LICENCE,
            title="Chứng chỉ sử dụng công cụ hỗ trợ",
            issuer="Phòng PC06",
            issued_on=issued,
            expires_on=issued + datetime.timedelta(days=5 * 365),
        )
        if rng.random() < 0.3:
            history.add(
                Commendation,
                officer=officer.pk,
                title="Giấy khen của Giám đốc",
                awarded_on=issued,
                decision_number=f"{rng.randint(1, 999)}/QĐ-CAT",
                decision_date=issued,
            )
    return history


def save_ranks(officers: Iterable[Officer]) -> None:
    """The officers' current ranks, one UPDATE per rank."""
    by_rank: dict[str, list[int]] = {}
    for officer in officers:
        by_rank.setdefault(officer.rank, []).append(officer.pk)
    for rank, ids in by_rank.items():
        for first in range(0, len(ids), 5000):
            Officer.objects.filter(pk__in=ids[first : first + 5000]).update(rank=rank)
