import copy
import datetime
import random
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from precinct.accounts.models import User, UserKind
from precinct.eservices.models import Procedure, Workflow
from precinct.eservices.services import (
    allowed_actions,
    dossier_rate,
    dossier_submit,
    dossier_transition,
    procedure_save,
)
from precinct.eservices.tests.conftest import catalogue  # noqa: F401  (a fixture used here)
from precinct.eservices.workflow import DEFAULT_DEFINITION
from precinct.payments.models import Payment, PaymentRequest, RequestStatus
from precinct.payments.providers.sandbox import SandboxProvider
from precinct.payments.selectors import unpaid_blocking
from precinct.payments.services import payment_callback, payment_start

FORMS = {
    "CT-06": {"muc_dich": "Xin việc"},  # no fee, commune level
    "CT-03": {"dia_chi": "Tổ 5, khu 3, phường A", "den_ngay": "2027-06-30"},  # 15,000 VND, commune level
    "CD-01": {"ten_to_chuc": "Công ty TNHH Vịnh Xanh"},  # 50,000 VND, province (and a fee after approval)
}
COMMUNE = ("CT-06", "CT-03")
APPROVAL_FEE = 20000


def citizens(n: int) -> list[User]:
    return [
        User.objects.create_user(
            username=f"02209{i:07d}", kind=UserKind.CITIZEN, full_name=f"Công dân {i}", personal_id=f"02209{i:07d}"
        )
        for i in range(n)
    ]


def _submitted_at(days_ago: int) -> datetime.datetime:
    """`days_ago` days back, before the 17:00 cut-off whatever the hour the suite runs: a submission after
    17:00 counts from the next working day, which would shift every due date and the figures built on them."""
    now = timezone.localtime()
    morning = now.replace(hour=9, minute=0, second=0, microsecond=0)
    return min(now, morning) - datetime.timedelta(days=days_ago)


def submit(world, citizen, code: str, *, days_ago: int, channel: str = "online"):
    dossier = dossier_submit(
        actor=citizen,
        procedure=Procedure.objects.get(code=code),
        form_data=FORMS[code],
        unit_code=random.choice([world.ward_a.code, world.ward_b.code]) if code in COMMUNE else None,
        now=_submitted_at(days_ago),
    )
    if channel != "online":
        # Counter and post dossiers are entered by officers (not built yet): change the channel, and tell
        # the statistics the way such a service would, so incremental figures follow.
        from precinct.stats.contributions import contribution, difference, fees_of
        from precinct.stats.receivers import write_deltas

        fees = fees_of(dossier)  # the fee billed on submission moves to the other channel's row too
        before = contribution(dossier, supplemented=False, fees=fees)
        type(dossier).objects.filter(pk=dossier.pk).update(channel=channel)
        dossier.channel = channel
        write_deltas(difference(contribution(dossier, supplemented=False, fees=fees), before))
    return dossier


def act(world, dossier, action: str) -> None:
    """Take an action as someone allowed to (the applicant, or the provincial leader)."""
    spec = dossier.version.workflow.definition["actions"][action]
    actor = dossier.applicant if spec["by"] == "applicant" else world.users["leader_p"]
    extra = {}
    if spec.get("effect") == "transfer":
        extra["target_unit"] = world.ward_b if dossier.unit_id != world.ward_b.pk else world.ward_a
    if spec.get("effect") == "extend":
        from precinct.core.calendar import calendar

        extra["new_due_date"] = calendar().add_working_days(dossier.due_date, 3)
    dossier_transition(actor=actor, dossier=dossier, action=action, note="Ghi chú" if spec.get("note") else "", **extra)


def pay_start(dossier) -> dict[str, str]:
    """The applicant starts paying the dossier's first unpaid fee; the parameters of the sandbox's page."""
    request = PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.UNPAID).order_by("id").first()
    _payment, url = payment_start(
        actor=dossier.applicant, request=request, return_url="http://testserver/payments/return/"
    )
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def pay_settle(pay_params: dict[str, str], response_code: str = "00") -> Payment:
    """The provider's verified notification for that payment: paid ("00"), cancelled by the payer ("24")."""
    params = SandboxProvider().callback_params(pay_params, response_code=response_code)
    result = payment_callback(provider="sandbox", params=params)
    assert result.accepted and result.payment is not None
    return result.payment


def fee_after_approval(code: str) -> None:
    """Give the procedure a workflow whose approval bills a fee of its own (due before the result)."""
    definition = copy.deepcopy(DEFAULT_DEFINITION)
    definition["actions"]["approve"]["fee_vnd"] = APPROVAL_FEE
    workflow = Workflow.objects.create(key=f"approval-fee-{code.lower()}", name="Approval fee", definition=definition)
    procedure_save(actor=None, code=code, workflow=workflow)


def walk(world, dossier, rng: random.Random, steps: int, pending: dict[int, dict[str, str]]) -> None:
    """Random moves: workflow actions (those not waiting for a fee), starting to pay a fee, and the
    provider's answer to a payment started earlier (`pending`, by dossier)."""
    for _step in range(steps):
        dossier.refresh_from_db()
        leader_moves = allowed_actions(world.users["leader_p"], dossier)
        applicant_moves = allowed_actions(dossier.applicant, dossier)
        moves = [
            m
            for m in sorted(set(leader_moves) | set(applicant_moves))
            if not unpaid_blocking(dossier=dossier, action=m)
        ]
        if not dossier.is_closed:
            if dossier.pk in pending:
                moves += ["settle"] * 2  # citizens pay more often than officers take any one action
            elif PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.UNPAID).exists():
                moves += ["pay"] * 2
        if not moves:
            break
        move = rng.choice(moves)
        if move == "pay":
            pending[dossier.pk] = pay_start(dossier)
        elif move == "settle":
            pay_settle(pending.pop(dossier.pk), rng.choice(["00", "00", "00", "24"]))
        else:
            act(world, dossier, move)


@pytest.fixture
def many_dossiers(world, catalogue, signing_keys):  # noqa: F811
    """69 dossiers at ward A, ward B and the department, walked through random workflow paths (9 to the end),
    some of the finished ones rated. Fees (CT-03, CD-01, and CD-01's fee after approval) are paid along
    the way, some after a transfer; some payments are answered only after their dossier closed, some never."""
    rng = random.Random(5)
    random.seed(5)
    people = citizens(6)
    fee_after_approval("CD-01")
    dossiers = []
    pending: dict[int, dict[str, str]] = {}
    for i in range(60):
        dossier = submit(
            world,
            people[i % 6],
            rng.choice(["CT-06", "CT-03", "CT-03", "CD-01"]),
            days_ago=rng.randint(0, 70),
            channel=rng.choice(["online"] * 8 + ["counter", "post"]),
        )
        walk(world, dossier, rng, rng.randint(0, 9), pending)
        dossiers.append(dossier)
    for n, params in enumerate(pending.values()):  # the provider answers late (after closing, too), or never
        if n % 3:
            pay_settle(params, "00" if n % 3 == 1 else "24")
    # To the end with fees: paid, then transferred (the payment goes with it); CD-01's fee billed on approval.
    paths = {
        "CT-03": ("receive", "pay", "transfer", "start_review", "approve", "issue_result", "complete"),
        "CD-01": ("receive", "pay", "transfer", "start_review", "approve", "pay", "issue_result", "complete"),
    }
    for i, code in enumerate(["CT-03", "CD-01", "CT-03"]):
        dossier = submit(world, people[i], code, days_ago=rng.randint(1, 40))
        for action in paths[code]:
            dossier.refresh_from_db()
            if action == "pay":
                pay_settle(pay_start(dossier))
            else:
                act(world, dossier, action)
        dossiers.append(dossier)
    for i in range(6):  # and a few along the happy path to the end, to be rated
        dossier = submit(world, people[i], "CT-06", days_ago=rng.randint(1, 40))
        for action in ("receive", "start_review", "approve", "issue_result", "complete"):
            act(world, dossier, action)
        dossiers.append(dossier)
    for i, dossier in enumerate(dossiers):  # citizens rate some finished dossiers
        dossier.refresh_from_db()
        if dossier.status == "done" and i % 3:
            dossier_rate(actor=dossier.applicant, dossier=dossier, score=1 + i % 5)
    return dossiers
