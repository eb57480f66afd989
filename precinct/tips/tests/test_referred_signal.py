"""The one hook tips offers a higher app: `tip_referred`, sent in tip_transition's transaction when a report
is referred to a case, carrying what the officer chose to copy and never the encrypted content."""

import dataclasses

import pytest

from precinct.core.errors import DomainError, ValidationFailed
from precinct.tips.models import Tip
from precinct.tips.services import handling
from precinct.tips.signals import TipReferral, tip_referred
from precinct.tips.tests.conftest import file_tip


@pytest.fixture
def heard():
    received: list[TipReferral] = []

    def listen(sender, *, referral, **kwargs):
        received.append(referral)

    tip_referred.connect(listen, sender=Tip, dispatch_uid="test.listen")
    yield received
    tip_referred.disconnect(sender=Tip, dispatch_uid="test.listen")


def test_sent_only_on_referral_with_what_the_officer_chose(world, heard):
    tip = Tip.objects.get(reference=file_tip(ward=world.ward_a.code)["reference"])
    officer = world.user("officer_a")
    handling.tip_transition(actor=officer, tip=tip, status="triage")
    assert heard == []
    handling.tip_transition(actor=officer, tip=tip, status="referred", case_summary="  Bán ma túy ngõ 12 ")
    (referral,) = heard
    assert (referral.tip.pk, referral.actor, referral.summary, referral.case_reference) == (
        tip.pk,
        officer,
        "Bán ma túy ngõ 12",
        "",
    )
    assert referral.tip.status == "referred"  # sent after the report is saved
    assert {f.name for f in dataclasses.fields(TipReferral)} == {"tip", "actor", "summary", "case_reference"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        referral.summary = "x"  # type: ignore[misc]
    handling.tip_transition(actor=officer, tip=tip, status="closed", outcome="verified")
    assert len(heard) == 1


def test_case_fields_only_when_referring(world, heard):
    tip = Tip.objects.get(reference=file_tip(ward=world.ward_a.code)["reference"])
    with pytest.raises(ValidationFailed) as refused:
        handling.tip_transition(actor=world.user("officer_a"), tip=tip, status="triage", case_summary="x")
    assert "case_summary" in refused.value.fields
    assert heard == []


def test_a_receiver_refusing_undoes_the_referral(world):
    tip = Tip.objects.get(reference=file_tip(ward=world.ward_a.code)["reference"])

    def refuse(sender, *, referral, **kwargs):
        raise DomainError("no", "refused")

    tip_referred.connect(refuse, sender=Tip, dispatch_uid="test.refuse")
    try:
        with pytest.raises(DomainError):
            handling.tip_transition(actor=world.user("officer_a"), tip=tip, status="investigating")
            handling.tip_transition(actor=world.user("officer_a"), tip=tip, status="referred")
    finally:
        tip_referred.disconnect(sender=Tip, dispatch_uid="test.refuse")
    tip.refresh_from_db()
    assert tip.status == "investigating"
