"""Who may read and change the register: roles over the ward (a province-level role reaches every ward)."""

from precinct.core.actors import Actor
from precinct.organisation.models import Role, Unit
from precinct.organisation.scoping import reaches

READERS = (Role.OFFICER, Role.DUTY_OFFICER, Role.LEADER)
MANAGERS = (Role.OFFICER, Role.LEADER)


def can_read_register(actor: Actor, unit: Unit) -> bool:
    return reaches(actor, unit, READERS)


def can_manage_register(actor: Actor, unit: Unit) -> bool:
    return reaches(actor, unit, MANAGERS)


def can_manage_establishments(actor: Actor, unit: Unit) -> bool:
    return reaches(actor, unit, (Role.LEADER, Role.ADMINISTRATOR))
