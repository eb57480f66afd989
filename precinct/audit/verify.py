"""Walk the audit chain and report the first row that was altered or removed."""

from dataclasses import dataclass

from precinct.audit.models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    row_id: int
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    rows_checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def audit_chain_verify(*, chunk_size: int = 5000) -> VerifyResult:
    expected_prev = GENESIS_HASH
    previous_id: int | None = None
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.compute_hash() != event.hash:
            return VerifyResult(checked, ChainBreak(event.pk, "altered: its content does not match its hash"))
        if event.prev_hash != expected_prev:
            if previous_id is None:
                reason = "the rows before it were removed"
            else:
                reason = (
                    f"does not follow row {previous_id}: row {previous_id} was altered "
                    "(and re-hashed) or rows between them were removed"
                )
            return VerifyResult(checked, ChainBreak(event.pk, reason))
        expected_prev = event.hash
        previous_id = event.pk
        checked += 1
    return VerifyResult(checked, None)
