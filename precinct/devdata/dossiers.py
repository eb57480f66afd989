"""Synthetic dossiers for load tests, benchmarks and demonstrations: `manage.py generate_dossiers`.
Development tooling (precinct.devdata): it writes eservices' and payments' tables in bulk, with their own
code for the dossier code (`eservices.codes`), the receiving unit and the fee billed.

Dossiers are spread over the province's commune-level units (commune procedures) and receiving
departments (provincial ones), over the catalogue's current procedure versions, over `years` years
up to yesterday (today's codes stay with the live service), with figures near the seeds': 99.92 %
submitted online, most resolved early, about 1 % late, some asked for a supplement (clock paused,
with the matching history events), some refused, returned or withdrawn, recent ones still open.
Dossiers of procedures with a fee get it billed (a payment request, as a submission bills it): paid
online before the decision for those decided, by most of the others too; the rest unpaid while
open and cancelled once closed. (Only the requests, which the statistics count: no payment attempts,
so no receipts and nothing for reconciliation to compare.)
Codes follow the live format and the day's sequences are advanced, so live submissions never
collide with them. Applicants come from a pool of synthetic citizens (valid personal identification
numbers, e-mail `…@synthetic.invalid`, no usable password).

PostgreSQL gets `COPY` (psycopg 3); SQLite gets one `executemany` per table and batch.
"""

import datetime
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from precinct.accounts.models import User, UserKind
from precinct.audit.services import audit_record
from precinct.core.calendar import LOCAL_TZ, calendar
from precinct.eservices.codes import dossier_code
from precinct.eservices.models import (
    Channel,
    Dossier,
    DossierCodeSequence,
    DossierEvent,
    DossierRating,
    DossierStatus,
    Level,
    ProcedureVersion,
)
from precinct.eservices.services import receiving_unit
from precinct.organisation.models import Unit
from precinct.organisation.selectors import commune_level_units, province_root_or_none
from precinct.payments.fees import PROCEDURE_FEE, procedure_fee_required_for
from precinct.payments.models import PaymentRequest, RequestStatus

SYNTHETIC_DOMAIN = "synthetic.invalid"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Phan", "Vương"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Xuân", "Hải", "Thu", "Bảo"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam", "Phong"]
GIVEN += ["Phương", "Quân", "Sơn", "Thảo", "Trung", "Tú", "Tuấn", "Việt", "Yến", "Hằng", "Linh", "Đạt", "Huy"]
DOSSIER_COLUMNS = (
    "id",
    "code",
    "version_id",
    "applicant_id",
    "unit_id",
    "unit_path",
    "status",
    "channel",
    "form_data",
    "submitted_at",
    "received_on",
    "due_date",
    "paused_days_left",
    "completed_at",
    "decision_note",
)
EVENT_COLUMNS = ("dossier_id", "at", "action", "from_status", "to_status", "note", "data")
RATING_COLUMNS = ("dossier_id", "score", "comment", "unit_id", "unit_path", "procedure_id", "created_at")
FEE_COLUMNS = ("dossier_id", "purpose", "amount_vnd", "required_for", "status", "created_at", "paid_at")
# How often a fee is paid online by the time the dossier is in this state (decided ones always are: the
# decision waits for the fee); the others are unpaid while open and cancelled once closed.
PAID_SHARE = {
    DossierStatus.APPROVED: 1.0,
    DossierStatus.DONE: 1.0,
    DossierStatus.REFUSED: 0.7,
    DossierStatus.IN_REVIEW: 0.8,
    DossierStatus.SUPPLEMENT_REQUESTED: 0.8,
    DossierStatus.RECEIVED: 0.6,
    DossierStatus.SUBMITTED: 0.4,
    DossierStatus.WITHDRAWN: 0.2,
    DossierStatus.RETURNED: 0.1,
}
SCORES, SCORE_WEIGHTS = [5, 4, 3, 2, 1], [62, 25, 8, 3, 2]
OPEN_STEPS = [DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.IN_REVIEW, DossierStatus.APPROVED]


class Row(NamedTuple):
    """One synthetic dossier and what goes with it, as rows of their tables."""

    dossier: tuple[Any, ...]
    events: list[tuple[Any, ...]]
    rating: tuple[Any, ...] | None
    fee: tuple[Any, ...] | None


@dataclass
class Target:
    version_id: int
    procedure_id: int
    deadline: int
    cutoff_hour: float
    units: list[tuple[int, str, str, float]]  # (id, code, path, lateness factor)
    unit_weights: list[float]
    fee_vnd: int = 0
    fee_required_for: str = "[]"  # JSON, as stored


class Days:
    """Working days as list indexes: `number[d]` working days on or before day offset d."""

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        cal = calendar()
        self.first = first
        self.workdays: list[datetime.date] = []
        self.number: list[int] = []
        day = first
        while day <= last:
            if cal.is_working_day(day):
                self.workdays.append(day)
            self.number.append(len(self.workdays))
            day += datetime.timedelta(days=1)

    def received_on(self, day: datetime.date, hour: float, cutoff_hour: float) -> int:
        """Index (in `workdays`) of the working day a submission counts as received on."""
        n = self.number[(day - self.first).days]
        on_working_day = n and self.workdays[n - 1] == day
        return n - 1 if on_working_day and hour < cutoff_hour else n


def _citizen_pool(size: int, rng: random.Random) -> list[int]:
    pool = list(User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}").values_list("pk", flat=True)[:size])
    if len(pool) >= size:
        return pool
    taken = set(User.objects.filter(personal_id__startswith="022").values_list("personal_id", flat=True))
    unusable = make_password(None)
    new: list[User] = []
    while len(pool) + len(new) < size:
        born = datetime.date(rng.randint(1950, 2007), rng.randint(1, 12), rng.randint(1, 28))
        female = rng.random() < 0.5
        digit = (born.year // 100 - 19) * 2 + (1 if female else 0)
        number = f"022{digit}{born.year % 100:02d}{rng.randrange(10**6):06d}"
        if number in taken:
            continue
        taken.add(number)
        middle = "Thị" if female else rng.choice(MIDDLE)
        new.append(
            User(
                username=number,
                kind=UserKind.CITIZEN,
                full_name=f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN)}",
                personal_id=number,
                date_of_birth=born,
                sex="female" if female else "male",
                email=f"{number}@{SYNTHETIC_DOMAIN}",
                password=unusable,
            )
        )
    created = User.objects.bulk_create(new, batch_size=2000)
    if any(u.pk is None for u in created):  # backends that do not return ids
        numbers = [u.personal_id for u in created]
        return pool + list(User.objects.filter(personal_id__in=numbers).values_list("pk", flat=True))
    return pool + [u.pk for u in created]


def _targets(rng: random.Random) -> list[Target]:
    # Units as the live service chooses them: the province's commune-level police for commune procedures,
    # eservices' own receiving unit for the others (its department, else the province).
    root = province_root_or_none()
    if root is None:
        raise ValueError("There are no units: run `manage.py load_units` (or seed_demo) first.")
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True))
    lateness = {u.pk: math.exp(rng.gauss(0, 0.9)) for u in units}  # some units are often late, some never
    size = {u.pk: math.exp(rng.gauss(0, 0.6)) for u in units}  # and some are busier
    # By path, as before the move to devdata: a given --seed still makes the same dossiers.
    communes = list(commune_level_units().filter(path__startswith=root.path).order_by("path"))
    versions = list(
        ProcedureVersion.objects.filter(procedure__current_id=F("id"), procedure__is_active=True)
        .select_related("procedure", "workflow")
        .order_by("procedure__code")
    )
    if not versions or not communes:
        raise ValueError("There is no catalogue or no commune-level unit: run `manage.py seed_demo` first.")
    targets = []
    for version in versions:
        chosen = communes if version.level == Level.COMMUNE else [receiving_unit(version, None)]
        cutoff = version.cutoff.hour + version.cutoff.minute / 60
        targets.append(
            Target(
                version_id=version.pk,
                procedure_id=version.procedure_id,
                deadline=version.deadline_days,
                cutoff_hour=cutoff,
                units=[(u.pk, u.code, u.path, lateness.get(u.pk, 1.0)) for u in chosen],
                unit_weights=[size.get(u.pk, 1.0) for u in chosen],
                fee_vnd=version.fee_vnd,
                fee_required_for=json.dumps(procedure_fee_required_for(version.workflow.definition)),
            )
        )
    return targets


class Generator:
    def __init__(self, *, count: int, years: int, seed: int | None, ratings: bool = True, fees: bool = True) -> None:
        self.ratings = ratings
        self.fees = fees
        self.rng = random.Random(seed)  # noqa: S311  (synthetic data, not secrets)
        self.count = count
        self.today = timezone.localdate()
        self.last = self.today - datetime.timedelta(days=1)
        self.first = self.today - datetime.timedelta(days=round(365.25 * years))
        self.days = Days(self.first - datetime.timedelta(days=10), self.today + datetime.timedelta(days=400))
        self.targets = _targets(self.rng)
        # Residence, identity and vehicles dominate; each procedure gets a stable share.
        self.weights = [math.exp(self.rng.gauss(0, 1.1)) * (3 if t.deadline <= 3 else 1) for t in self.targets]
        self.applicants = _citizen_pool(min(max(count // 20, 50), 200_000), self.rng)
        self.sequences: dict[tuple[str, datetime.date], int] = {
            (agency, day): last
            for agency, day, last in DossierCodeSequence.objects.filter(day__gte=self.first, day__lte=self.last)
            .values_list("agency_code", "day", "last")
            .iterator()
        }
        self.span = (self.last - self.first).days

    def _day(self) -> datetime.date:
        # More dossiers in recent years (online services grow); fewer at weekends.
        while True:
            day = self.first + datetime.timedelta(days=int(self.span * self.rng.random() ** 0.8 + 0.5))
            if day.weekday() < 5 or self.rng.random() < 0.3:
                return day

    def rows(self, first_id: int, count: int) -> Iterator[Row]:
        rng, days = self.rng, self.days
        now = timezone.now()
        workdays, number = days.workdays, days.number
        today_index = number[(self.today - days.first).days]  # workdays[today_index] is after today
        local = LOCAL_TZ
        choices, cumulative = rng.choices, _cumulative(self.weights)
        for i in range(count):
            target = choices(self.targets, cum_weights=cumulative)[0]
            unit_id, unit_code, unit_path, lateness = choices(target.units, weights=target.unit_weights)[0]
            day = self._day()
            hour = rng.triangular(6.5, 22.5, 9.5)
            submitted = datetime.datetime.combine(day, _clock(hour), local)
            received = days.received_on(day, hour, target.cutoff_hour)
            deadline = target.deadline
            due = received + deadline
            u = rng.random()
            channel = Channel.ONLINE if u < 0.9992 else (Channel.COUNTER if u < 0.99975 else Channel.POST)
            seq_key = (unit_code, day)
            seq = self.sequences.get(seq_key, 0) + 1
            self.sequences[seq_key] = seq
            events: list[tuple[Any, ...]] = []
            pause = 0
            supplement_at = -1
            v = rng.random()
            if v < 0.012:
                status, closed = DossierStatus.RETURNED, received + rng.randint(0, 1)
                note = "Hồ sơ chưa đầy đủ giấy tờ theo quy định."
            elif v < 0.016:
                status, closed = DossierStatus.WITHDRAWN, received + rng.randint(0, max(deadline, 1))
                note = ""
            else:
                if rng.random() < 0.03:  # asked for a supplement: the clock stops for a few working days
                    supplement_at = received + rng.randint(0, max(deadline - 1, 0))
                    pause = rng.randint(1, 6)
                    due += pause
                w = rng.random() / lateness
                if w < 0.008:
                    taken = deadline + rng.randint(1, 6)
                elif w < 0.2:
                    taken = deadline
                else:
                    taken = rng.randint(0, max(deadline - 1, 0))
                closed = received + pause + taken
                refused = rng.random() < 0.01
                status = DossierStatus.REFUSED if refused else DossierStatus.DONE
                note = "Không đủ điều kiện theo quy định." if refused else ""
            closed_at = datetime.datetime.combine(workdays[closed], _clock(rng.uniform(7.5, 17)), local)
            # Not before it was submitted (closed on its day of receipt): the same day, so the same figures.
            closed_at = max(closed_at, submitted + datetime.timedelta(minutes=30))
            paused_left = None
            completed_at: datetime.datetime | None = closed_at
            if closed >= today_index or closed_at > now:  # not finished yet: somewhere along the way
                completed_at, note = None, ""
                if 0 <= supplement_at < today_index <= supplement_at + pause:
                    status, paused_left = DossierStatus.SUPPLEMENT_REQUESTED, max(due - pause - supplement_at, 0)
                    due = received + deadline  # the due date as it stood when the clock stopped
                else:
                    progress = (today_index - received) / max(closed - received, 1)
                    status = OPEN_STEPS[min(int(progress * len(OPEN_STEPS)), len(OPEN_STEPS) - 1)]
                    if received >= today_index:
                        status = DossierStatus.SUBMITTED
            if supplement_at >= 0 and supplement_at < today_index:
                asked = datetime.datetime.combine(workdays[supplement_at], _clock(rng.uniform(8, 16)), local)
                asked = max(asked, submitted + datetime.timedelta(hours=1))
                events.append((asked, "request_supplement", "in_review", "supplement_requested", "Bổ sung giấy tờ."))
                if paused_left is None:
                    back = datetime.datetime.combine(workdays[supplement_at + pause], _clock(9.0), local)
                    events.append((back, "supplement", "supplement_requested", "in_review", "Đã bổ sung."))
            dossier_id = first_id + i
            rating = None
            if self.ratings and status == DossierStatus.DONE and completed_at is not None and rng.random() < 0.3:
                rated_at = min(completed_at + datetime.timedelta(hours=rng.uniform(1, 96)), now)
                score = choices(SCORES, weights=SCORE_WEIGHTS)[0]
                rating = (dossier_id, score, "", unit_id, unit_path, target.procedure_id, rated_at)
            fee = None
            if self.fees and target.fee_vnd > 0:
                paid_at = None
                if rng.random() < PAID_SHARE.get(status, 0.5):  # paid within minutes to two days
                    paid_at = submitted + datetime.timedelta(hours=rng.uniform(0.05, 48) ** 2 / 48)
                    paid_at = min(paid_at, completed_at or now, now)
                state = RequestStatus.PAID if paid_at else RequestStatus.UNPAID
                if paid_at is None and completed_at is not None:
                    state = RequestStatus.CANCELLED
                fee = (dossier_id, PROCEDURE_FEE, target.fee_vnd, target.fee_required_for, state, submitted, paid_at)
            yield Row(
                (
                    dossier_id,
                    dossier_code(unit_code, day, seq),
                    target.version_id,
                    choices(self.applicants)[0],
                    unit_id,
                    unit_path,
                    status,
                    channel,
                    "{}",
                    submitted,
                    workdays[received],
                    workdays[due],
                    paused_left,
                    completed_at,
                    note,
                ),
                [(dossier_id, at, action, src, dst, text, "{}") for at, action, src, dst, text in events],
                rating,
                fee,
            )


def _clock(hour: float) -> datetime.time:
    minutes = int(hour * 60)
    return datetime.time(min(minutes // 60, 23), minutes % 60, int((hour * 3600) % 60))


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


Tables = list[tuple[Any, tuple[str, ...], list[tuple[Any, ...]]]]  # (model, columns, rows)


def _write_postgres(tables: Tables) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for model, columns, rows in tables:
            if rows:
                with raw.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)


def _write_sqlite(tables: Tables) -> None:
    """Bulk inserts through `executemany` (the ORM's bulk_create spends most of its time building SQL);
    values adapted the way Django stores them on SQLite."""
    ops = connection.ops

    def adapt(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return ops.adapt_datefield_value(value)
        return value

    with connection.cursor() as cursor:
        for model, columns, rows in tables:
            if rows:
                cursor.executemany(
                    f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    [tuple(adapt(v) for v in row) for row in rows],
                )


def _advance_sequences(sequences: dict[tuple[str, datetime.date], int]) -> None:
    table = DossierCodeSequence._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (agency_code, day, last) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (agency_code, day) DO UPDATE SET last = {greatest}({table}.last, excluded.last)",
            [(agency, day, last) for (agency, day), last in sequences.items()],
        )


def generate_dossiers(
    *,
    count: int,
    years: int,
    seed: int | None = None,
    batch: int = 100_000,
    ratings: bool = True,
    fees: bool = True,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Insert `count` synthetic dossiers; returns what was done. The summaries are not touched: rebuild them."""
    if count < 1 or not 1 <= years <= 20:
        raise ValueError("count must be at least 1 and years between 1 and 20")
    started = time.monotonic()
    with transaction.atomic():
        generator = Generator(count=count, years=years, seed=seed, ratings=ratings, fees=fees)
    postgres = connection.vendor == "postgresql"
    table = Dossier._meta.db_table
    written = events_written = fees_written = 0
    while written < count:
        size = min(batch, count - written)
        with transaction.atomic():
            if postgres:  # ids are ours for this batch: no live insert may take one meanwhile
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            first_id = (Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            dossiers, events, rating_rows, fee_rows = [], [], [], []
            for row in generator.rows(first_id, size):
                dossiers.append(row.dossier)
                events += row.events
                if row.rating is not None:
                    rating_rows.append(row.rating)
                if row.fee is not None:
                    fee_rows.append(row.fee)
            (_write_postgres if postgres else _write_sqlite)(
                [
                    (Dossier, DOSSIER_COLUMNS, dossiers),
                    (DossierEvent, EVENT_COLUMNS, events),
                    (DossierRating, RATING_COLUMNS, rating_rows),
                    (PaymentRequest, FEE_COLUMNS, fee_rows),
                ]
            )
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [first_id + size - 1])
        written += size
        events_written += len(events)
        fees_written += len(fee_rows)
        progress(f"{written:,} dossiers written ({time.monotonic() - started:.0f} s)")
    if postgres:  # fresh planner statistics: the tables just grew by `count` rows
        with connection.cursor() as cursor:
            tables = (table, DossierEvent._meta.db_table, PaymentRequest._meta.db_table, User._meta.db_table)
            cursor.execute(f"ANALYZE {', '.join(tables)}")
    with transaction.atomic():
        _advance_sequences(generator.sequences)
        result = {
            "dossiers": written,
            "events": events_written,
            "fees": fees_written,
            "years": years,
            "from": generator.first.isoformat(),
            "to": generator.last.isoformat(),
        }
        # The action keeps the name it had when this lived in stats: earlier runs and later ones read alike.
        audit_record(actor=None, action="stats.generate_dossiers", target=None, after=result)
    result["seconds"] = round(time.monotonic() - started, 1)
    return result
