from precinct.core.actors import Actor
from precinct.organisation.permissions import is_province_administrator


def can_edit_catalogue(actor: Actor) -> bool:
    """The catalogue is the province's: administrators of a root unit (or the system) edit it."""
    return is_province_administrator(actor)
