"""The receiving units' key pairs: created on first need, rotated by administrators, and used to open a
report's key. Private keys live in the key directory, never in the database."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied
from precinct.organisation.models import Unit
from precinct.tips import crypto
from precinct.tips.models import Tip, UnitKey
from precinct.tips.permissions import can_set_policy


@transaction.atomic
def unit_key_rotate(*, actor: Actor, unit: Unit) -> UnitKey:
    """A new key pair for the unit: new reports are sealed to it; older keys stay (inactive) so their
    reports can still be read. The private key is written to the key directory, never to the database."""
    if actor is not None and not can_set_policy(actor):
        raise PermissionDenied()
    previous = UnitKey.objects.select_for_update().filter(unit=unit, is_active=True).first()
    if previous is not None:
        UnitKey.objects.filter(pk=previous.pk).update(is_active=False)
    pair = crypto.key_pair_create(unit_code=unit.code)
    key = UnitKey.objects.create(
        unit=unit, key_id=pair.key_id, public_key=pair.public_key, created_at=timezone.now(), is_active=True
    )
    audit_record(
        actor=actor,
        action="tips.unit_key_rotate",
        target=key,
        unit=unit,
        before={"key_id": previous.key_id} if previous else None,
        after={"key_id": key.key_id},
    )
    return key


def unit_key_for(unit: Unit) -> UnitKey:
    """The unit's active key, created on first need."""
    key = UnitKey.objects.filter(unit=unit, is_active=True).first()
    return key if key is not None else unit_key_rotate(actor=None, unit=unit)


def report_key(tip: Tip) -> bytes:
    """Open the report key with the private key of a unit it is sealed to (a key file must exist)."""
    for seal in tip.seals.select_related("unit_key"):
        try:
            return crypto.unseal(seal.unit_key.key_id, seal.sealed_key)
        except crypto.MissingPrivateKey:
            continue
    raise DomainError(
        "key_unavailable",
        _("The key to open this report is not available on this server. Ask the administrator."),
        status=503,
    )
