"""Household changes made by the ward's officers: a split (some members leave to form a new household at an
address, one of them its head) and a join (a person becomes a member of a household). A person belongs to one
household at a time; the head of a household with other members cannot leave it (choose its new head first);
current residence records follow the person to the new household. Each change is one transaction with its
audit row."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.residence import permissions
from precinct.residence.models import Household, HouseholdMember, Person, Relation, ResidenceRecord


def _require(actor: Actor, household: Household) -> None:
    if not permissions.can_manage_register(actor, household.unit):
        raise PermissionDenied(_("You may not change the register of this ward."))


@transaction.atomic
def household_split(
    *, actor: Actor, household: Household, members: Sequence[Person], head: Person, street: str, number: str = ""
) -> Household:
    """Members of the household leave it to form a new household in the same ward, `head` at its head."""
    _require(actor, household)
    locked = Household.objects.select_for_update().select_related("unit").get(pk=household.pk)
    current = {m.person_id: m for m in HouseholdMember.objects.filter(household=locked)}
    moving = {p.pk for p in members}
    errors: dict[str, list[Any]] = {}
    if not street.strip():
        errors["street"] = [_("Give the street or hamlet.")]
    if not moving or not moving <= set(current):
        errors["members"] = [_("Choose members of this household to leave it.")]
    elif locked.head_id in moving:
        errors["members"] = [_("The head cannot leave the household: choose its new head first.")]
    elif moving == set(current):
        errors["members"] = [_("At least one member stays in the household.")]
    if head.pk not in moving:
        errors["head"] = [_("The new head must be one of the members who leave.")]
    if errors:
        raise ValidationFailed(errors)
    new = Household.objects.create(
        unit=locked.unit, unit_path=locked.unit_path, street=street.strip(), number=number.strip(), head=head
    )
    HouseholdMember.objects.filter(household=locked, person_id__in=moving).delete()
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(household=new, person_id=pk, relation=Relation.HEAD if pk == head.pk else Relation.OTHER)
            for pk in sorted(moving)
        ]
    )
    ResidenceRecord.objects.filter(person_id__in=moving, household=locked, is_current=True).update(household=new)
    audit_record(
        actor=actor,
        action="residence.household_split",
        target=new,
        unit=locked.unit,
        before={"household": locked.pk, "members": sorted(current)},
        after={"household": new.pk, "address": str(new), "head": head.pk, "members": sorted(moving)},
    )
    return new


@transaction.atomic
def household_join(*, actor: Actor, household: Household, person: Person, relation: str) -> HouseholdMember:
    """The person joins the household with a relation to its head, leaving the household they were in."""
    _require(actor, household)
    errors: dict[str, list[Any]] = {}
    if relation not in Relation.values or relation == Relation.HEAD:
        errors["relation"] = [_("Choose the relation to the head (a household has one head).")]
    if person.unit_path != household.unit_path:
        errors["person"] = [_("The person's record is held by another ward.")]
    previous = list(HouseholdMember.objects.select_related("household").filter(person=person))
    for membership in previous:
        if membership.household_id == household.pk:
            errors["person"] = [_("The person is already a member of this household.")]
        elif membership.relation == Relation.HEAD and membership.household.members.count() > 1:
            errors["person"] = [_("The person heads another household with members: choose its new head first.")]
    if errors:
        raise ValidationFailed(errors)
    HouseholdMember.objects.filter(pk__in=[m.pk for m in previous]).delete()
    Household.objects.filter(pk__in=[m.household_id for m in previous], head=person).update(head=None)  # left alone
    member = HouseholdMember.objects.create(household=household, person=person, relation=relation)
    ResidenceRecord.objects.filter(person=person, is_current=True, unit_path=household.unit_path).update(
        household=household
    )
    audit_record(
        actor=actor,
        action="residence.household_join",
        target=household,
        unit=household.unit,
        before={"households": [m.household_id for m in previous]},
        after={"person": person.pk, "relation": relation},
    )
    return member
