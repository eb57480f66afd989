"""Per-process memo of published procedures for the submission hot path.

Procedure versions never change once published, so a memoised procedure can only be stale in one way: a
newer version published in another process during the last 10 seconds. The process that publishes forgets
at once (on commit). Reading a procedure costs a join over three tables with JSON columns (form, workflow).
"""

from precinct.core.memo import Memo
from precinct.eservices import selectors
from precinct.eservices.models import Procedure

_procedures = Memo(ttl=10.0)


def procedure_for_submission(code: str) -> Procedure:
    procedure: Procedure = _procedures.get(code, lambda: selectors.procedure_get(code=code))
    return procedure


def forget_procedures() -> None:
    _procedures.forget()
