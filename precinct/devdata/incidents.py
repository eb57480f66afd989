"""Synthetic incidents for the statistics benchmark: a province over many years (2 M rows in
bench/incidents_bench.py), through the incident register's own vocabulary — the wards from
organisation.selectors, articles and their groups from incidents.penal_code, sources, classifications and
statuses from incidents.models — written with COPY on PostgreSQL (executemany on SQLite), then the
statistics' monthly summary rebuilt (incidents.summary.summary_rebuild).

Shape: about 60 % of incidents are crimes, classified under an article drawn with weights that put most in
social order; of the crimes, most have a case opened (some solved, a few suspended), the rest are still being
verified or closed as not a crime; the others are administrative matters, accidents, fires and the like.
Each ward gets a share drawn once (some wards are busier)."""

import datetime
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from precinct.devdata.bulk import copy_rows
from precinct.incidents import penal_code
from precinct.incidents.models import Classification, Incident, Source, Status
from precinct.organisation.selectors import commune_level_units

GROUP_WEIGHTS = {
    "social_order": 60,
    "drugs": 18,
    "economic_corruption": 8,
    "environment": 3,
    "high_tech": 8,
    "other": 3,
}
COLUMNS = (
    "source",
    "occurred_at",
    "received_at",
    "unit_id",
    "unit_path",
    "address",
    "description",
    "classification",
    "article",
    "crime_group",
    "priority",
    "status",
    "case_number",
    "case_opened_on",
    "investigating_unit_id",
    "investigating_path",
    "closed_at",
)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return [x / total for x in out]


def _pick(rng: random.Random, items: list[Any], cumulative: list[float]) -> Any:
    import bisect

    return items[min(bisect.bisect_left(cumulative, rng.random()), len(items) - 1)]


def incident_rows(*, count: int, years: int, seed: int | None, now: datetime.datetime) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)  # noqa: S311 (synthetic data, repeatable)
    wards = list(commune_level_units())
    if not wards:
        raise ValueError("No ward, commune or special zone: load the units first (seed_demo or load_units).")
    ward_cum = _cumulative([rng.uniform(0.3, 3.0) for _ in wards])
    articles = penal_code.articles()
    per_group: dict[str, int] = {}
    for a in articles:
        per_group[a.group] = per_group.get(a.group, 0) + 1
    article_cum = _cumulative([GROUP_WEIGHTS.get(a.group, 1) / per_group[a.group] for a in articles])
    sources = [s for s in Source.values if s not in (Source.CAMERA_ALERT,)]
    others = [c for c in Classification.values if c != Classification.CRIME]
    span = years * 365 * 86400
    start = now - datetime.timedelta(seconds=span)
    for i in range(count):
        received = start + datetime.timedelta(seconds=rng.randrange(span))
        ward = _pick(rng, wards, ward_cum)
        status, article, group, case_number, opened, inv_id, inv_path, closed = (
            Status.RECEIVED,
            "",
            "",
            "",
            None,
            None,
            "",
            None,
        )
        if rng.random() < 0.6:
            classification: str = Classification.CRIME
            found = _pick(rng, articles, article_cum)
            article, group = found.number, found.group
            roll = rng.random()
            if roll < 0.85:
                status = Status.SOLVED if roll < 0.6 else (Status.SUSPENDED if roll < 0.65 else Status.CASE_OPENED)
                case_number, opened = f"{i + 1}/QĐ-CSĐT", timezone.localdate(received)
                inv_id, inv_path = ward.pk, ward.path
            else:
                status = Status.NOT_A_CRIME if roll < 0.95 else Status.VERIFYING
        else:
            classification = rng.choice(others)
            status = Status.ADMINISTRATIVE if classification == Classification.ADMINISTRATIVE else Status.NOT_A_CRIME
        if status in (Status.SOLVED, Status.NOT_A_CRIME, Status.ADMINISTRATIVE):
            closed = received + datetime.timedelta(days=rng.randint(1, 90))
        yield (
            rng.choice(sources),
            received - datetime.timedelta(hours=rng.randint(1, 48)),
            received,
            ward.pk,
            ward.path,
            "",
            "Vụ việc tổng hợp cho đo hiệu năng",
            classification,
            article,
            group,
            2,
            status,
            case_number,
            opened,
            inv_id,
            inv_path,
            closed,
        )


def _write(rows: list[tuple[Any, ...]]) -> None:
    copy_rows(Incident, COLUMNS, rows)


def generate_incidents(
    *,
    count: int,
    years: int = 20,
    seed: int | None = None,
    batch: int = 100_000,
    progress: Callable[[str], Any] = print,
) -> dict[str, Any]:
    """Write `count` incidents spread over `years` years up to now, in transactions of `batch` rows."""
    if count < 1 or years < 1:
        raise ValueError("count and years must be at least 1")
    started = time.monotonic()
    rows = incident_rows(count=count, years=years, seed=seed, now=timezone.now())
    written = 0
    while written < count:
        chunk = [row for _, row in zip(range(min(batch, count - written)), rows, strict=False)]
        with transaction.atomic():
            _write(chunk)
        written += len(chunk)
        progress(f"{written:,} incidents")
    return {"incidents": written, "seconds": round(time.monotonic() - started, 1)}
