"""Writes for accommodation: establishments registered with a key, guests' stay notices received into the
inbox and turned into stays by the worker."""

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.personal_id import personal_id_errors
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.batching import BatchedTask
from precinct.core.countries import nationality_errors, passport_errors, passport_normalised
from precinct.core.errors import PermissionDenied
from precinct.organisation.models import Unit
from precinct.residence import permissions
from precinct.residence.models import Establishment, Stay, StayFlag, StayNotice
from precinct.residence.signals import StayRecorded, stays_recorded


def _process_task() -> Any:
    from precinct.residence.tasks import stay_notices_process_task  # tasks imports this module

    return stay_notices_process_task


# The worker is queued after commit at most once per RESIDENCE_STAYS_SECONDS per process, not once per batch;
# the scheduler's five-minute run catches up after a process that died between its commit and the queuing.
_process = BatchedTask(_process_task, seconds_setting="RESIDENCE_STAYS_SECONDS")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def establishment_register(
    *, actor: Actor, unit: Unit, name: str, kind: str, owner_name: str, address: str
) -> tuple[Establishment, str]:
    """Register a hotel or homestay to a ward; returns it and its key (shown once, only its hash is kept)."""
    if actor is not None and not permissions.can_manage_establishments(actor, unit):
        raise PermissionDenied(_("You may not register establishments in this ward."))
    key = "est_" + secrets.token_urlsafe(32)
    establishment = Establishment.objects.create(
        name=name,
        kind=kind,
        owner_name=owner_name,
        address=address,
        unit=unit,
        unit_path=unit.path,
        key_hash=key_hash(key),
    )
    audit_record(
        actor=actor,
        action="residence.establishment_register",
        target=establishment,
        unit=unit,
        after={"name": name, "kind": kind},
    )
    return establishment, key


def stay_row_errors(row: dict[str, Any]) -> dict[str, list[Any]]:
    """Why one guest row is refused (empty when it is kept)."""
    errors: dict[str, list[Any]] = {}
    if not str(row.get("stay_id") or "").strip():
        errors["stay_id"] = [_("Give the establishment's own id of the stay.")]
    if row.get("event", "arrival") not in ("arrival", "departure"):
        errors["event"] = [_("The event is “arrival” or “departure”.")]
    if row.get("event", "arrival") == "arrival":
        if not str(row.get("full_name") or "").strip():
            errors["full_name"] = [_("Give the guest's full name.")]
        dob = None
        try:
            dob = datetime.date.fromisoformat(row["date_of_birth"]) if row.get("date_of_birth") else None
        except ValueError:
            errors["date_of_birth"] = [_("The date of birth is not a date.")]
        nationality = str(row.get("nationality") or "VN")
        if wrong := nationality_errors(nationality):
            errors["nationality"] = list(wrong)
        elif nationality.strip().upper() == "VN":
            problems = personal_id_errors(str(row.get("personal_id") or ""), date_of_birth=dob, sex=row.get("sex"))
            if problems:
                errors["personal_id"] = problems
        else:
            passport = passport_normalised(str(row.get("passport_number") or ""))
            if not passport:
                errors["passport_number"] = [_("A foreign guest needs a passport number.")]
            elif wrong := passport_errors(passport):
                errors["passport_number"] = list(wrong)
            if dob is None:
                errors["date_of_birth"] = errors.get("date_of_birth") or [_("A foreign guest needs a date of birth.")]
        try:
            datetime.datetime.fromisoformat(str(row.get("arrival")))
        except ValueError:
            errors["arrival"] = [_("The arrival is not a date and time.")]
    return errors


def stay_notices_receive(*, establishment: Establishment, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The inbox's receiver: each good row stored once as a raw notice keyed by the establishment's stay id and
    the event (a repeat, in this request or an earlier one, is ignored); bad rows refused one by one with their
    reasons. Nothing else is written here: the worker (stay_notices_process) makes the stays. Two statements
    whatever the batch's size: the keys already there, then one INSERT … ON CONFLICT DO NOTHING of the rest."""
    accepted: list[str] = []
    repeated: list[str] = []
    refused: list[dict[str, Any]] = []
    good: dict[str, dict[str, Any]] = {}
    for index, row in enumerate(rows):
        if errors := stay_row_errors(row):
            refused.append(
                {
                    "index": index,
                    "stay_id": row.get("stay_id"),
                    "errors": {k: [str(m) for m in v] for k, v in errors.items()},
                }
            )
            continue
        key = f"{row['stay_id']}:{row.get('event', 'arrival')}"
        if key in good:
            repeated.append(str(row["stay_id"]))
        else:
            good[key] = row
    now = timezone.now()
    with transaction.atomic():
        known = set(
            StayNotice.objects.filter(establishment=establishment, key__in=list(good)).values_list("key", flat=True)
        )
        fresh = [
            StayNotice(establishment=establishment, key=key, payload=row, received_at=now)
            for key, row in good.items()
            if key not in known
        ]
        StayNotice.objects.bulk_create(fresh, ignore_conflicts=True)  # a concurrent repeat is stored once too
        for key, row in good.items():
            (repeated if key in known else accepted).append(str(row["stay_id"]))
        if accepted:
            audit_record(
                actor=None,
                action="residence.stay_notices_receive",
                target=establishment,
                unit=establishment.unit,
                after={"accepted": len(accepted), "refused": len(refused)},
            )
            _process.after_commit()
    return {"accepted": accepted, "repeated": repeated, "refused": refused}


def stay_notices_process(*, limit: int = 500) -> int:
    """The worker: turn waiting inbox rows into stays (arrivals, one INSERT … ON CONFLICT DO NOTHING) or close
    them (departures), oldest first. Rows are claimed with SKIP LOCKED where the database has it, so two workers
    never take the same row."""
    with transaction.atomic():
        notices = list(
            StayNotice.objects.select_for_update(skip_locked=True)
            .filter(processed_at__isnull=True)
            .select_related("establishment")
            .order_by("id")[:limit]
        )
        now = timezone.now()
        arrivals = []
        for notice in notices:
            row, est = notice.payload, notice.establishment
            if row.get("event", "arrival") == "arrival":
                arrivals.append(
                    Stay(
                        establishment=est,
                        stay_id=str(row["stay_id"]),
                        unit_path=est.unit_path,
                        guest_name=" ".join(str(row["full_name"]).split()),
                        personal_id=row.get("personal_id") or "",
                        passport_number=passport_normalised(row.get("passport_number") or ""),
                        nationality=(row.get("nationality") or "VN").strip().upper(),
                        date_of_birth=row.get("date_of_birth") or None,
                        arrival=datetime.datetime.fromisoformat(row["arrival"]),
                        expected_departure=row.get("expected_departure") or None,
                    )
                )
        # arrivals first, so a departure in the same batch finds its stay
        Stay.objects.bulk_create(arrivals, ignore_conflicts=True)
        if arrivals and stays_recorded.has_listeners(Stay):
            _tell_recorded(arrivals)
        for notice in notices:
            row, est = notice.payload, notice.establishment
            if row.get("event", "arrival") != "arrival":
                departed = row.get("departed_at")
                Stay.objects.filter(establishment=est, stay_id=str(row["stay_id"]), departed_at__isnull=True).update(
                    departed_at=datetime.datetime.fromisoformat(departed) if departed else now
                )
            notice.processed_at = now
        StayNotice.objects.filter(pk__in=[n.pk for n in notices]).update(processed_at=now)
        if notices:
            audit_record(
                actor=None,
                action="residence.stay_notices_process",
                target_label="stays",
                after={"notices": len(notices)},
            )
    return len(notices)


def _tell_recorded(arrivals: list[Stay]) -> None:
    """Send `stays_recorded` for the stays just written (their ids read back: an INSERT … ON CONFLICT DO NOTHING
    gives none). Naming the arrivals lets PostgreSQL read only their months' partitions."""
    wanted = {(s.establishment_id, s.stay_id) for s in arrivals}
    found = Stay.objects.filter(
        establishment_id__in={e for e, _ in wanted},
        stay_id__in={i for _, i in wanted},
        arrival__in={s.arrival for s in arrivals},
    )
    recorded = tuple(StayRecorded.of(s) for s in found if (s.establishment_id, s.stay_id) in wanted)
    if recorded:
        stays_recorded.send(sender=Stay, stays=recorded)


def stays_flag(*, stays: list[StayRecorded], reason: str) -> list[StayRecorded]:
    """Mark stays whose guest another app looks for (called by the incidents app's receiver, inside the
    worker's transaction). Each stay is flagged once: returns only the newly flagged ones, each audited."""
    known = set(StayFlag.objects.filter(stay_ref__in=[s.stay_pk for s in stays]).values_list("stay_ref", flat=True))
    fresh = {s.stay_pk: s for s in stays if s.stay_pk not in known}
    now = timezone.now()
    StayFlag.objects.bulk_create(
        [
            StayFlag(stay_ref=s.stay_pk, arrival=s.arrival, unit_path=s.unit_path, reason=reason[:40], flagged_at=now)
            for s in fresh.values()
        ],
        ignore_conflicts=True,
    )
    for stay in fresh.values():
        audit_record(
            actor=None,
            action="residence.stay_flag",
            target_label=f"stay {stay.stay_pk}",
            after={"reason": reason, "ward": stay.unit_path},
        )
    return list(fresh.values())
