import datetime
import random

import pytest
from django.utils import timezone

from precinct.accounts.models import User, UserKind
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit, dossier_transition
from precinct.eservices.tests.conftest import catalogue  # noqa: F401  (a fixture used here)

FORMS = {"CT-06": {"muc_dich": "Xin việc"}, "CD-01": {"ten_to_chuc": "Công ty TNHH Vịnh Xanh"}}


def citizens(n: int) -> list[User]:
    return [
        User.objects.create_user(
            username=f"02209{i:07d}", kind=UserKind.CITIZEN, full_name=f"Công dân {i}", personal_id=f"02209{i:07d}"
        )
        for i in range(n)
    ]


def submit(world, citizen, code: str, *, days_ago: int, channel: str = "online"):
    dossier = dossier_submit(
        actor=citizen,
        procedure=Procedure.objects.get(code=code),
        form_data=FORMS[code],
        unit_code=random.choice([world.ward_a.code, world.ward_b.code]) if code == "CT-06" else None,
        now=timezone.now() - datetime.timedelta(days=days_ago),
    )
    if channel != "online":
        # Counter and post dossiers are entered by officers (not built yet): change the channel, and tell
        # the statistics the way such a service would, so incremental figures follow.
        from precinct.stats.contributions import contribution, difference
        from precinct.stats.receivers import write_deltas

        before = contribution(dossier, supplemented=False)
        type(dossier).objects.filter(pk=dossier.pk).update(channel=channel)
        dossier.channel = channel
        write_deltas(difference(contribution(dossier, supplemented=False), before))
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


@pytest.fixture
def many_dossiers(world, catalogue, signing_keys):  # noqa: F811
    """66 dossiers at ward A, ward B and the department, walked through random workflow paths (6 to the end),
    some of the finished ones rated."""
    from precinct.eservices.services import allowed_actions

    rng = random.Random(5)
    random.seed(5)
    people = citizens(6)
    dossiers = []
    for i in range(60):
        dossier = submit(
            world,
            people[i % 6],
            rng.choice(["CT-06", "CT-06", "CD-01"]),
            days_ago=rng.randint(0, 70),
            channel=rng.choice(["online"] * 8 + ["counter", "post"]),
        )
        for _step in range(rng.randint(0, 7)):
            dossier.refresh_from_db()
            leader_moves = allowed_actions(world.users["leader_p"], dossier)
            applicant_moves = allowed_actions(dossier.applicant, dossier)
            moves = sorted(set(leader_moves) | set(applicant_moves))
            if not moves:
                break
            act(world, dossier, rng.choice(moves))
        dossiers.append(dossier)
    from precinct.eservices.services import dossier_rate

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
