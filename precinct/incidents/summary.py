"""The crime statistics' monthly summary (IncidentMonthStat): what one incident contributes, the upsert the
services run in their own transaction when a contribution changes, and the rebuild from the register.

An incident counts once under (ward, local month of receipt, crime group, article): always as an incident,
as a crime while it is classified as a crime with a criminal case opened (opened, solved, suspended), as
solved when solved. Receipt time and ward never change after recording, so a change only ever moves the
incident between groups/articles or in or out of "crime"/"solved": one or two upserts (one per key touched),
each a single INSERT … ON CONFLICT DO UPDATE adding the difference (SQLite and PostgreSQL alike)."""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, DateField, Max, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from precinct.incidents.models import CASE_STATUSES, Classification, Incident, IncidentMonthStat, Status


@dataclass(frozen=True, slots=True)
class Contribution:
    unit_id: int
    unit_path: str
    month: datetime.date
    crime_group: str
    article: str
    crimes: int
    solved: int

    @property
    def key(self) -> tuple[int, datetime.date, str, str]:
        return (self.unit_id, self.month, self.crime_group, self.article)


def contribution(incident: Incident) -> Contribution:
    crime = incident.classification == Classification.CRIME and incident.status in CASE_STATUSES
    return Contribution(
        unit_id=incident.unit_id,
        unit_path=incident.unit_path,
        month=timezone.localdate(incident.received_at).replace(day=1),
        crime_group=incident.crime_group,
        article=incident.article,
        crimes=int(crime),
        solved=int(crime and incident.status == Status.SOLVED),
    )


TABLE = IncidentMonthStat._meta.db_table
UPSERT = (
    f"INSERT INTO {TABLE} (unit_id, unit_path, month, crime_group, article, incidents, crimes, solved) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (unit_id, month, crime_group, article) DO UPDATE SET "
    f"incidents = {TABLE}.incidents + excluded.incidents, crimes = {TABLE}.crimes + excluded.crimes, "
    f"solved = {TABLE}.solved + excluded.solved"
)


def _add(c: Contribution, sign: int, *, incidents: int) -> None:
    month = connection.ops.adapt_datefield_value(c.month)
    with connection.cursor() as cursor:
        cursor.execute(
            UPSERT,
            [
                c.unit_id,
                c.unit_path,
                month,
                c.crime_group,
                c.article,
                sign * incidents,
                sign * c.crimes,
                sign * c.solved,
            ],
        )


def summary_apply(before: Contribution | None, after: Contribution | None) -> None:
    """Move an incident's contribution (None: not counted before / any more). Inside the writer's
    transaction; nothing is written when nothing counted changed."""
    if before == after:
        return
    if before is not None and after is not None and before.key == after.key:
        delta = dataclasses.replace(after, crimes=after.crimes - before.crimes, solved=after.solved - before.solved)
        _add(delta, 1, incidents=0)
        return
    if before is not None:
        _add(before, -1, incidents=1)
    if after is not None:
        _add(after, 1, incidents=1)


@transaction.atomic
def summary_rebuild(*, batch: int = 20_000) -> int:
    """Recount the whole summary from the register (after a bulk load, or to check it). Returns its rows."""
    IncidentMonthStat.objects.all().delete()
    crime = Q(classification=Classification.CRIME, status__in=CASE_STATUSES)
    rows = (
        Incident.objects.annotate(month=TruncMonth("received_at", output_field=DateField()))
        .values("unit_id", "month", "crime_group", "article")
        .annotate(
            path=Max("unit_path"),
            n=Count("pk"),
            c=Count("pk", filter=crime),
            s=Count("pk", filter=crime & Q(status=Status.SOLVED)),
        )
        .order_by()
    )
    pending: list[IncidentMonthStat] = []
    written = 0
    for r in rows.iterator(chunk_size=batch):
        pending.append(
            IncidentMonthStat(
                unit_id=r["unit_id"],
                unit_path=r["path"],
                month=r["month"],
                crime_group=r["crime_group"],
                article=r["article"],
                incidents=r["n"],
                crimes=r["c"],
                solved=r["s"],
            )
        )
        if len(pending) >= batch:
            IncidentMonthStat.objects.bulk_create(pending)
            written += len(pending)
            pending = []
    IncidentMonthStat.objects.bulk_create(pending)
    return written + len(pending)
