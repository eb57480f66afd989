from typing import Any

from precinct.organisation.models import Role, Unit
from precinct.organisation.scoping import reaches, reaches_everything


def can_edit_catalogue(actor: Any) -> bool:
    """The catalogue is the province's: administrators of a root unit (or the system) edit it."""
    if actor is None or reaches_everything(actor):
        return True
    return any(reaches(actor, unit, (Role.ADMINISTRATOR,)) for unit in Unit.objects.filter(parent__isnull=True))
