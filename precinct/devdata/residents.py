"""A synthetic province's residents for the residence benchmark and the quality work queue: Vietnamese names
(family, middle and given names by rough frequency), birth dates over 0–95 years, personal IDs built by the
rules of accounts.personal_id, spread over the commune-level units, with a known share of planted flaws:
missing fields, IDs that break the rules, living persons over 110, stale verification, and duplicates (an
old record of the same person without an ID: the name without accents, with one letter mistyped, or with the
given name first; a share of them with the birth date a few days off, found only by the blocking on the ID
prefix; the original's place of origin repeated 90 % of the time, blank 5 %, another 5 %; two copies of one
original count as a duplicate pair too). Each chunk's persons with an ID are then grouped into households of
their ward (a head, members with a relation fitting their ages) with a permanent residence each, some also
registered temporarily elsewhere; and a known share of consistency errors is planted: two heads (the
household names one, its members another), a "child" too old for the head, temporary registrations expired but
still current. Written with COPY on PostgreSQL (executemany on SQLite) under explicit ids, so the planted
duplicate pairs are known exactly."""

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from precinct.accounts.personal_id import sex_century_digit
from precinct.core.text import fold
from precinct.devdata.bulk import copy_rows
from precinct.organisation.selectors import commune_level_units
from precinct.residence.models import Household, HouseholdMember, Person, ResidenceRecord

FAMILY = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 1.5),
    ("Ngô", 1.5),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 1),
    ("Trịnh", 1),
    ("Lương", 0.5),
    ("Mai", 0.5),
]
MIDDLE = {
    "male": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Xuân", "Mạnh", "Tuấn", "Trọng", "Đình"],
    "female": ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Thùy", "Hồng", "Kim", "Bích", "Diệu", "Mỹ"],
}
GIVEN = {
    "male": [
        "Hùng",
        "Dũng",
        "Cường",
        "Hải",
        "Hiếu",
        "Hoàng",
        "Huy",
        "Khánh",
        "Khoa",
        "Kiên",
        "Long",
        "Minh",
        "Nam",
        "Nghĩa",
        "Phong",
        "Phúc",
        "Quân",
        "Quang",
        "Sơn",
        "Tài",
        "Thắng",
        "Thành",
        "Thịnh",
        "Toàn",
        "Trung",
        "Tuấn",
        "Tùng",
        "Việt",
        "Vinh",
        "Vũ",
        "Bảo",
        "Đạt",
        "Đông",
        "Giang",
        "Hưng",
        "Lâm",
        "Lợi",
        "Luân",
        "Nhân",
        "Tâm",
        "Thái",
        "Tiến",
        "Trí",
        "Trường",
        "Tú",
        "Anh",
        "Bình",
        "Chiến",
        "Công",
        "Duy",
    ],
    "female": [
        "Lan",
        "Hoa",
        "Hương",
        "Huyền",
        "Hạnh",
        "Hà",
        "Hằng",
        "Hiền",
        "Linh",
        "Loan",
        "Mai",
        "My",
        "Nga",
        "Ngân",
        "Nhung",
        "Oanh",
        "Phương",
        "Quyên",
        "Quỳnh",
        "Thảo",
        "Thủy",
        "Trang",
        "Trinh",
        "Tuyết",
        "Uyên",
        "Vân",
        "Yến",
        "Xuân",
        "Anh",
        "Ánh",
        "Chi",
        "Dung",
        "Giang",
        "Hồng",
        "Khánh",
        "Liên",
        "Ly",
        "Nhi",
        "Tâm",
        "Thanh",
        "Thu",
        "Thư",
        "Tú",
        "Vy",
        "Diệp",
        "Duyên",
    ],
}
ORIGINS = ["Hạ Long", "Cẩm Phả", "Uông Bí", "Móng Cái", "Quảng Yên", "Đông Triều", "Vân Đồn", "Cô Tô", "Tiên Yên"]
ETHNICITIES = [("Kinh", 88), ("Tày", 4), ("Dao", 4), ("Sán Dìu", 2), ("Hoa", 1), ("Sán Chay", 1)]
COLUMNS = (
    "id",
    "personal_id",
    "full_name",
    "name_folded",
    "date_of_birth",
    "sex",
    "place_of_origin",
    "ethnicity",
    "nationality",
    "status",
    "unit_id",
    "unit_path",
    "verified_on",
    "created_at",
)


@dataclass
class Shares:
    duplicates: float = 0.01
    missing: float = 0.02
    bad_id: float = 0.01
    over_110: float = 0.0005
    stale: float = 0.05
    birth_slip: float = 0.2  # of the duplicates: the birth date 1-3 days off (same year)
    origin_kept: float = 0.9  # of the duplicates: the original's place of origin repeated (ADR 0041)
    origin_blank: float = 0.05  # of the duplicates: no place of origin (the rest: another one)
    two_heads: float = 0.01  # of the households of two or more
    child_older: float = 0.01  # of the households of two or more
    temporary: float = 0.04  # of the persons in households: also registered temporarily in another ward
    expired: float = 0.25  # of those temporary registrations: ended in the past, still current


@dataclass
class Generated:
    persons: int = 0
    first_id: int = 0
    duplicate_pairs: set[tuple[int, int]] = field(default_factory=set)
    planted: dict[str, int] = field(default_factory=dict)
    households: int = 0
    records: int = 0
    seconds: float = 0.0


def _typo(rng: random.Random, name: str) -> str:
    """One letter of the given name replaced (the last word), as a clerk's slip."""
    words = name.split()
    given = words[-1]
    if len(given) < 3:
        return name
    i = rng.randrange(1, len(given))
    letter = rng.choice("aeiouy" if given[i].lower() in "aeiouy" else "nmtdhgc")
    words[-1] = given[:i] + letter + given[i + 1 :]
    return " ".join(words)


def _variant(rng: random.Random, name: str) -> str:
    kind = rng.random()
    if kind < 0.5:
        return fold(name).title()  # typed without accents
    if kind < 0.8:
        return _typo(rng, name)
    words = name.split()
    return " ".join([words[-1], *words[:-1]])  # the given name first


def resident_rows(
    *, count: int, first_id: int, seed: int | None, shares: Shares, result: Generated
) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)  # noqa: S311 (synthetic data, repeatable)
    wards = [(u.pk, u.path) for u in commune_level_units()]
    if not wards:
        raise ValueError("no commune-level units: run load_units (or seed_demo) first")
    today = timezone.localdate()
    now = timezone.now()
    families, family_weights = zip(*FAMILY, strict=True)
    ethnicities, ethnicity_weights = zip(*ETHNICITIES, strict=True)
    used_ids: set[str] = set()
    recent: list[tuple[int, str, datetime.date, str, int, str, str]] = []  # candidates to duplicate
    copies: dict[int, list[int]] = {}  # original: its planted copies so far
    planted = result.planted
    for n in range(count):
        pk = first_id + n
        if recent and rng.random() < shares.duplicates:
            orig_pk, name, dob, sex, unit_id, unit_path, orig_origin = rng.choice(recent)
            dup_name = _variant(rng, name)
            # A second registration usually repeats the place of origin (ADR 0041): kept, blank, or another.
            roll = rng.random()
            if roll < shares.origin_kept:
                dup_origin = orig_origin
            elif roll < shares.origin_kept + shares.origin_blank:
                dup_origin = ""
            else:
                dup_origin = rng.choice([o for o in ORIGINS if o != orig_origin])
            if rng.random() < shares.birth_slip:
                slipped = dob + datetime.timedelta(days=rng.choice((-3, -2, -1, 1, 2, 3)))
                if slipped.year == dob.year and slipped <= today:
                    dob = slipped
                    planted["birth_slip"] = planted.get("birth_slip", 0) + 1
            # Two copies of one original are the same person too: every pair among them is a true duplicate.
            for earlier in [orig_pk, *copies.get(orig_pk, [])]:
                result.duplicate_pairs.add((earlier, pk))
            copies.setdefault(orig_pk, []).append(pk)
            planted["duplicates"] = planted.get("duplicates", 0) + 1
            yield (
                pk,
                "",
                dup_name,
                fold(dup_name),
                dob,
                sex,
                dup_origin,
                "",
                "VN",
                "living",
                unit_id,
                unit_path,
                today - datetime.timedelta(days=rng.randrange(800, 4000)),
                now,
            )
            continue
        sex = "male" if rng.random() < 0.5 else "female"
        parts = [rng.choices(families, family_weights)[0], rng.choice(MIDDLE[sex])]
        if rng.random() < 0.35:
            parts.append(rng.choice(MIDDLE[sex]))
        parts.append(rng.choice(GIVEN[sex]))
        name = " ".join(dict.fromkeys(parts))
        dob = today - datetime.timedelta(days=rng.randrange(0, 95 * 365))
        status = "living"
        if rng.random() < shares.over_110:
            dob = today - datetime.timedelta(days=rng.randrange(111 * 365, 120 * 365))
            planted["over_110"] = planted.get("over_110", 0) + 1
        unit_id, unit_path = rng.choice(wards)
        province = "022" if rng.random() < 0.85 else rng.choice(["001", "031", "033", "024", "036", "079"])
        digit = sex_century_digit(sex=sex, birth_year=dob.year)
        while True:
            personal_id = f"{province}{digit}{dob.year % 100:02d}{rng.randrange(1_000_000):06d}"
            if personal_id not in used_ids:
                used_ids.add(personal_id)
                break
        if rng.random() < shares.bad_id:
            wrong = (digit + 1) % 10  # the sex/century digit wrong
            personal_id = f"{province}{wrong}{personal_id[4:]}"
            while personal_id in used_ids:
                personal_id = f"{province}{wrong}{dob.year % 100:02d}{rng.randrange(1_000_000):06d}"
            used_ids.add(personal_id)
            planted["bad_id"] = planted.get("bad_id", 0) + 1
        origin, ethnicity = rng.choice(ORIGINS), rng.choices(ethnicities, ethnicity_weights)[0]
        if rng.random() < shares.missing:
            planted["missing"] = planted.get("missing", 0) + 1
            origin, ethnicity = ("", ethnicity) if rng.random() < 0.5 else (origin, "")
        verified = today - datetime.timedelta(days=rng.randrange(0, 700))
        if rng.random() < shares.stale:
            verified = today - datetime.timedelta(days=rng.randrange(760, 4000))
            planted["stale"] = planted.get("stale", 0) + 1
        if len(recent) < 5000:
            recent.append((pk, name, dob, sex, unit_id, unit_path, origin))
        else:
            recent[rng.randrange(5000)] = (pk, name, dob, sex, unit_id, unit_path, origin)
        yield (
            pk,
            personal_id,
            name,
            fold(name),
            dob,
            sex,
            origin,
            ethnicity,
            "VN",
            status,
            unit_id,
            unit_path,
            verified,
            now,
        )


STREETS = ["Tổ 1, Khu 2", "Tổ 3, Khu 5", "Đường Trần Hưng Đạo", "Đường Lê Thánh Tông", "Tổ 7, Khu 4", "Thôn 2"]
SIZES = [(1, 15), (2, 20), (3, 25), (4, 25), (5, 15)]
HOUSEHOLD_COLUMNS = ("id", "unit_id", "unit_path", "street", "number", "head_id", "created_at")
MEMBER_COLUMNS = ("household_id", "person_id", "relation")
RECORD_COLUMNS = (
    "person_id",
    "kind",
    "unit_id",
    "unit_path",
    "household_id",
    "address",
    "start",
    "end",
    "is_current",
    "basis",
    "created_at",
)


def _relation(head: tuple[Any, ...], other: tuple[Any, ...], has_spouse: bool, today: datetime.date) -> str:
    """A relation to the head that fits the ages (rows: pk, birth date, sex, …)."""
    gap = (other[1] - head[1]).days / 365.25
    adults = (today - other[1]).days >= 18 * 365 and (today - head[1]).days >= 18 * 365
    if not has_spouse and adults and abs(gap) <= 10 and other[2] != head[2]:
        return "spouse"
    if gap >= 18:
        return "child"
    if gap <= -18:
        return "parent"
    return "sibling" if abs(gap) <= 12 else "other"


def household_rows(
    persons: list[tuple[Any, ...]], *, first_id: int, rng: random.Random, shares: Shares, result: Generated
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Households, memberships and residence records for persons (pk, birth date, sex, unit id, unit path),
    grouped ward by ward in their order; the head is the oldest. Plants the consistency errors of `shares`."""
    today, now = timezone.localdate(), timezone.now()
    planted = result.planted
    wards: dict[int, list[tuple[Any, ...]]] = {}
    for row in persons:
        wards.setdefault(row[3], []).append(row)
    others = sorted({(r[3], r[4]) for r in persons})
    sizes, weights = zip(*SIZES, strict=True)
    households: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    pk = first_id
    for group in wards.values():
        i = 0
        while i < len(group):
            size = rng.choices(sizes, weights)[0]
            people = sorted(group[i : i + size], key=lambda r: r[1])
            i += size
            head = people[0]
            street, number = rng.choice(STREETS), str(rng.randrange(1, 300))
            address = f"Số {number}, {street}"
            relations = [(head, "head")]
            for other in people[1:]:
                relations.append((other, _relation(head, other, any(r == "spouse" for _p, r in relations), today)))
            head_id = head[0]
            if len(people) > 1 and rng.random() < shares.two_heads:
                head_id = people[1][0]  # the household names the second, its members still list the first
                planted["two_heads"] = planted.get("two_heads", 0) + 1
            elif len(people) > 1 and rng.random() < shares.child_older:
                person, _r = relations[1]
                if (person[1] - head[1]).days < 12 * 365:  # born less than 12 years after the head: too old
                    relations[1] = (person, "child")
                    planted["child_older"] = planted.get("child_older", 0) + 1
            households.append((pk, head[3], head[4], street, number, head_id, now))
            for person, relation in relations:
                members.append((pk, person[0], relation))
                start = max(person[1], today - datetime.timedelta(days=rng.randrange(30, 9000)))
                records.append(
                    (person[0], "permanent", person[3], person[4], pk, address, start, None, True, "import", now)
                )
                if rng.random() < shares.temporary:
                    unit_id, unit_path = rng.choice(others)
                    begun = today - datetime.timedelta(days=rng.randrange(60, 700))
                    end = today + datetime.timedelta(days=rng.randrange(1, 700))
                    if rng.random() < shares.expired:
                        end = today - datetime.timedelta(days=rng.randrange(1, 50))
                        planted["expired_temporary"] = planted.get("expired_temporary", 0) + 1
                    where = f"Phòng trọ {rng.randrange(1, 40)}, {rng.choice(STREETS)}"
                    records.append(
                        (person[0], "temporary", unit_id, unit_path, None, where, begun, end, True, "import", now)
                    )
            pk += 1
    return households, members, records


def _write(rows: list[tuple[Any, ...]]) -> None:
    copy_rows(Person, COLUMNS, rows)


def _reset_sequence() -> None:
    if connection.vendor == "postgresql":
        for model in (Person, Household):
            table = model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608 (our own table name)
                )


def generate_residents(
    *,
    count: int,
    seed: int | None = None,
    shares: Shares | None = None,
    batch: int = 50_000,
    progress: Callable[[str], Any] = print,
) -> Generated:
    """Write `count` persons after the register's highest id, in transactions of `batch` rows; the result
    names the planted duplicate pairs (original id, duplicate id) and counts each planted flaw."""
    if count < 1:
        raise ValueError("count must be at least 1")
    started = time.monotonic()
    first_id = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    household_id = (Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    result = Generated(first_id=first_id)
    shares = shares or Shares()
    rows = resident_rows(count=count, first_id=first_id, seed=seed, shares=shares, result=result)
    rng = random.Random(None if seed is None else seed + 1)  # noqa: S311 (synthetic data, repeatable)
    written = 0
    while written < count:
        chunk = [row for _, row in zip(range(min(batch, count - written)), rows, strict=False)]
        with_id = [(r[0], r[4], r[5], r[10], r[11]) for r in chunk if r[1]]  # the planted duplicates stay out
        households, members, records = household_rows(
            with_id, first_id=household_id, rng=rng, shares=shares, result=result
        )
        with transaction.atomic():
            _write(chunk)
            copy_rows(Household, HOUSEHOLD_COLUMNS, households)
            copy_rows(HouseholdMember, MEMBER_COLUMNS, members)
            copy_rows(ResidenceRecord, RECORD_COLUMNS, records)
        household_id += len(households)
        result.households += len(households)
        result.records += len(records)
        written += len(chunk)
        progress(f"{written:,} residents")
    _reset_sequence()
    result.persons = written
    result.seconds = round(time.monotonic() - started, 1)
    return result
