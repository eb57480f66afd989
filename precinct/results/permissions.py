from precinct.core.actors import Actor
from precinct.organisation.models import Role, Unit
from precinct.organisation.scoping import reaches
from precinct.results.models import ResultDocument


def can_revoke_result(actor: Actor, document: ResultDocument) -> bool:
    """Only a leader over the issuing unit (or the system) revokes a result."""
    return actor is None or reaches(actor, document.unit, (Role.LEADER,))


def can_manage_signing_keys(actor: Actor, unit: Unit) -> bool:
    return actor is None or reaches(actor, unit, (Role.ADMINISTRATOR,))
