"""Who may see which statistics: leaders and administrators, for the units their roles reach."""

from precinct.core.actors import Actor
from precinct.organisation.models import Role, Unit
from precinct.organisation.scoping import reaches

STATS_ROLES = (Role.LEADER, Role.ADMINISTRATOR)


def can_view_stats(actor: Actor, unit: Unit) -> bool:
    return reaches(actor, unit, STATS_ROLES)
