"""Walk the audit chain and report the first row that was altered or removed, checking it against the signed
anchors kept outside the database (precinct/audit/anchor.py), so removing the newest rows shows too. Months
archived from the partitioned table (ADR 0030) are read back from their files and walked in id order with the
live rows: one chain, whatever has been archived. The chain's head (`audit_chainhead`, ADR 0045), kept by every
append, is read before the walk and checked like an anchor: its row must be there with its hash, so the newest
rows removed, or rewritten and re-hashed, show even without the anchors."""

import heapq
from dataclasses import dataclass, field

from precinct.audit.anchor import Anchor, anchors_read
from precinct.audit.archive import archived_events
from precinct.audit.models import GENESIS_HASH, AuditEvent, ChainHead


@dataclass(frozen=True)
class ChainBreak:
    row_id: int
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    rows_checked: int
    first_break: ChainBreak | None
    anchors_checked: int = 0
    anchor_problems: list[str] = field(default_factory=list)
    archive_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_break is None and not self.anchor_problems and not self.archive_problems


def audit_chain_verify(*, chunk_size: int = 5000, anchors: bool = True) -> VerifyResult:
    anchored: dict[int, Anchor] = {}
    problems: list[str] = []
    if anchors:
        found = anchors_read()
        problems = found.problems
        anchored = {anchor.row_id: anchor for anchor in found.anchors}
    expected_prev = GENESIS_HASH
    previous_id: int | None = None
    checked = 0
    seen: set[int] = set()
    # Read before the walk: rows appended while it runs come after the head's row and are walked too.
    head = ChainHead.objects.filter(pk=1).values_list("last_id", "hash").first()
    head_seen = False
    archived, archive_problems = archived_events()
    live = AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size)
    for event in heapq.merge(*archived, live, key=lambda e: e.pk):
        if event.compute_hash() != event.hash:
            return VerifyResult(
                checked,
                ChainBreak(event.pk, "altered: its content does not match its hash"),
                0,
                problems,
                archive_problems,
            )
        if event.prev_hash != expected_prev:
            if previous_id is None:
                reason = "the rows before it were removed"
            else:
                reason = (
                    f"does not follow row {previous_id}: row {previous_id} was altered "
                    "(and re-hashed) or rows between them were removed"
                )
            return VerifyResult(checked, ChainBreak(event.pk, reason), 0, problems, archive_problems)
        if (anchor := anchored.get(event.pk)) is not None:
            if anchor.hash != event.hash:
                reason = f"differs from its anchor of {anchor.at}: the chain was rewritten up to here"
                return VerifyResult(checked, ChainBreak(event.pk, reason), len(seen), problems, archive_problems)
            seen.add(event.pk)
        if head is not None and event.pk == head[0]:
            if event.hash != head[1]:
                reason = "differs from the chain's head: the newest rows were rewritten up to here"
                return VerifyResult(checked, ChainBreak(event.pk, reason), len(seen), problems, archive_problems)
            head_seen = True
        expected_prev = event.hash
        previous_id = event.pk
        checked += 1
    ends = f"the log ends at row {previous_id}" if previous_id is not None else "the log is empty"
    if head is not None and not head_seen:
        reason = f"rows up to {head[0]} (the chain's head) were removed: {ends}"
        return VerifyResult(checked, ChainBreak(head[0], reason), len(seen), problems, archive_problems)
    if head is None and previous_id is not None:
        reason = "the chain's head (audit_chainhead, kept by every append) was removed"
        return VerifyResult(checked, ChainBreak(previous_id, reason), len(seen), problems, archive_problems)
    if missing := sorted(set(anchored) - seen):
        newest = anchored[missing[-1]]
        reason = f"rows up to {newest.row_id} (anchored at {newest.at}) were removed: {ends}"
        return VerifyResult(checked, ChainBreak(missing[0], reason), len(seen), problems, archive_problems)
    return VerifyResult(checked, None, len(seen), problems, archive_problems)
