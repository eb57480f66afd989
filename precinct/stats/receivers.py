"""Following dossiers: every submission and transition writes what it changed to `StatDelta`, inside
its own transaction, as new rows only (no summary row is updated there, so parallel submissions do
not queue behind one another); a worker folds them in (`folding.py`). Fees follow payments'
`payment_request_changed` the same way."""

import logging
from collections import Counter
from typing import Any

from django.db import connection
from django.utils import timezone

from precinct.core.batching import BatchedTask
from precinct.eservices.models import Dossier, DossierEvent, DossierStatus
from precinct.eservices.signals import DossierChange, TransitionCheck
from precinct.stats.contributions import (
    Contribution,
    Fees,
    Key,
    closed_on,
    contribution,
    difference,
    fee,
    fees_of,
    month_of,
    receipt_key,
)
from precinct.stats.models import COUNTERS, DeltaKind, StatDelta

logger = logging.getLogger(__name__)
SUPPLEMENT = DossierStatus.SUPPLEMENT_REQUESTED


def _fold_task() -> Any:
    from precinct.stats.tasks import stats_fold_task

    return stats_fold_task


_fold = BatchedTask(_fold_task, seconds_setting="STATS_FOLD_SECONDS")  # `fold_stats` catches up too


def _asked_for_supplement(dossier: Dossier) -> bool:
    return DossierEvent.objects.filter(dossier_id=dossier.pk, to_status=SUPPLEMENT).exists()


def remember_before(sender: Any, *, check: TransitionCheck, **kwargs: Any) -> None:
    """Before a transition: what the dossier contributes now. Whether it was ever asked for a supplement
    only matters when the move can change that or the unit it is counted under (otherwise it cancels);
    its fees only when it moves to another unit (a transfer carries them, as the rebuild does)."""
    dossier, spec = check.dossier, check.spec
    transfer = spec.get("effect") == "transfer"
    matters = transfer or spec.get("to") == SUPPLEMENT
    supplemented = matters and _asked_for_supplement(dossier)
    fees = fees_of(dossier) if transfer else None
    before = contribution(dossier, supplemented=supplemented, fees=fees)
    dossier._stats_before = (before, supplemented, matters, fees)  # type: ignore[attr-defined]


def record_change(sender: Any, *, change: DossierChange, **kwargs: Any) -> None:
    if change.is_mark:
        return  # not a move: `overdue_on` is in no summary (open dossiers are counted by due date)
    dossier, event = change.dossier, change.event
    before: Contribution
    fees: Fees | None = None
    # Fee changes payments made while this event is sent (billing on submission, cancelling on closing)
    # go into this same INSERT: the submission still writes one statement.
    pending: dict[Key, dict[str, int]] = event.__dict__.pop("_stats_fees", {})
    event._stats_recorded = True  # type: ignore[attr-defined]  # later fee changes write their own rows
    if change.is_submission and not event.from_status:
        before, supplemented = Counter(), False
    else:
        remembered = getattr(dossier, "_stats_before", None)
        if remembered is None:  # eservices always sends dossier_transition_checking first
            logger.error("stats: no state before %s of %s; run manage.py rebuild_stats", event.action, dossier.pk)
            write_deltas(pending)
            return
        before, was_supplemented, matters, fees = remembered
        del dossier._stats_before  # type: ignore[attr-defined]
        supplemented = matters and (was_supplemented or dossier.status == SUPPLEMENT)
    deltas = difference(contribution(dossier, supplemented=supplemented, fees=fees), before)
    write_deltas(_merged(deltas, pending))


def record_fee(
    sender: Any, *, request: Any, dossier: Dossier, previous: str | None, event: DossierEvent | None, **kwargs: Any
) -> None:
    """A fee was billed, cancelled or paid: change its dossier's row of the month of receipt."""
    after, before = fee(request.status, request.amount_vnd), fee(previous, request.amount_vnd)
    change = {c: v - before.columns()[c] for c, v in after.columns().items() if v != before.columns()[c]}
    if not change:
        return
    key = receipt_key(dossier)
    if event is not None and not getattr(event, "_stats_recorded", False):
        # Inside the dossier's own change, before record_change: let it write this with its own rows.
        row = event.__dict__.setdefault("_stats_fees", {}).setdefault(key, {})
        for column, value in change.items():
            row[column] = row.get(column, 0) + value
        return
    write_deltas({key: change})


def _merged(*parts: dict[Key, dict[str, int]]) -> dict[Key, dict[str, int]]:
    out: dict[Key, dict[str, int]] = {}
    for part in parts:
        for key, columns in part.items():
            row = out.setdefault(key, {})
            for column, value in columns.items():
                row[column] = row.get(column, 0) + value
    return {key: cols for key, row in out.items() if (cols := {c: v for c, v in row.items() if v})}


def record_rating(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A citizen rated a finished dossier: add the score to the month the dossier was resolved in."""
    if not created:
        return
    dossier = instance.dossier
    done_on = closed_on(dossier)
    if done_on is None:
        return
    key: Key = (
        DeltaKind.MONTHLY.value,
        month_of(done_on),
        dossier.unit_id,
        dossier.version.procedure_id,
        dossier.version.field_id,
        dossier.channel,
        False,
        0,
    )
    write_deltas({key: {"rating_count": 1, "rating_total": instance.score}})


_DELTA_COLUMNS = ("kind", "day", "unit_id", "procedure_id", "field_id", "channel", "paused", "days", "n", *COUNTERS)


def write_deltas(deltas: dict[Key, dict[str, int]]) -> None:
    """Insert the changes (one plain multi-row INSERT: no ORM objects, no RETURNING) and make sure a fold
    is coming."""
    if not deltas:
        return
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    params: list[Any] = []
    for (kind, day, unit_id, procedure_id, field_id, channel, paused, days), columns in deltas.items():
        params += [kind, ops.adapt_datefield_value(day), unit_id, procedure_id, field_id, channel, paused, days]
        params += [columns.get(c, 0) for c in ("n", *COUNTERS)]
        params.append(now)
    row = f"({', '.join(['%s'] * (len(_DELTA_COLUMNS) + 1))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {StatDelta._meta.db_table} ({', '.join(_DELTA_COLUMNS)}, created_at) "  # noqa: S608
            f"VALUES {', '.join([row] * len(deltas))}",
            params,
        )
    _fold.after_commit()
