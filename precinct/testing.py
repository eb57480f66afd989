"""The test kit every app's tests use: a small force with known people, and the permission matrix.

It sits above every app (it builds users, units and roles, and runs queued notifications), so only
tests import it; the import contract in pyproject.toml keeps application code from doing so.

The world: a province with one department and two wards (A and B), and one person per role:

    anonymous, citizen, officer_a, duty_a, leader_a (ward A), officer_b (ward B),
    officer_dept (the department), leader_p, admin_p (the province), superuser

Each unit has an officer record named after it ("Officer of A", ...), so a page or an API answer
can be searched for what it must and must not show.

`assert_matrix()` runs one request as every actor and checks the status and what the answer
shows and hides. It insists on an expectation for *every* actor, so no role is forgotten when
an endpoint or a role is added.
"""

import datetime
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from precinct.accounts.models import User, UserKind
from precinct.accounts.second_factor import SESSION_NEEDED, second_factor_required
from precinct.accounts.services import api_token_issue
from precinct.organisation.models import Officer, Rank, Role, RoleAssignment, Unit, UnitKind

ACTORS = (
    "anonymous",
    "citizen",
    "officer_a",
    "duty_a",
    "leader_a",
    "officer_b",
    "officer_dept",
    "leader_p",
    "admin_p",
    "superuser",
)
PASSWORD = "Correct-Horse-42"  # noqa: S105


@dataclass
class World:
    province: Unit
    department: Unit
    ward_a: Unit
    ward_b: Unit
    users: dict[str, User | None]
    officers: dict[str, Officer]  # "province", "department", "a", "b"
    _tokens: dict[str, str] = field(default_factory=dict)
    _sessions: dict[str, str] = field(default_factory=dict)

    def user(self, actor: str) -> User | None:
        return self.users[actor]

    def client(self, actor: str) -> Client:
        """A browser-like client signed in (by session) as the actor, second factor passed where it is
        needed. Actors with a second factor share one session per world: a TOTP code verifies once per
        30-second step, as a person signing in from several tabs would."""
        client = Client()
        user = self.users[actor]
        if user is None:
            return client
        if actor in self._sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self._sessions[actor]
            return client
        if sign_in(client, user):
            self._sessions[actor] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return client

    def api_client(self, actor: str) -> Client:
        """A program-like client that sends the actor's bearer token."""
        user = self.users[actor]
        if user is None:
            return Client()
        if actor not in self._tokens:
            with transaction.atomic():
                self._tokens[actor] = api_token_issue(user=user)
        return Client(headers={"Authorization": f"Bearer {self._tokens[actor]}"})


def totp_code(device: TOTPDevice) -> str:
    """The code the device's authenticator app shows now (or in the next step if this one has been used:
    the server accepts one step of drift), computed from the device's secret as the app does."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    totp.time = now
    step = max(totp.t(), device.last_t + 1)
    totp.time = now + (step - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, created if they have none (as enrolment would)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def sign_in(client: Client, user: User) -> bool:
    """Sign the client in as the user: the password step by force_login, then, if the session needs it,
    the second factor through the real verification page with the code the user's app would show.
    Returns whether a second factor was passed."""
    client.force_login(user)
    if not client.session.get(SESSION_NEEDED):
        return False
    response = client.post(reverse("accounts:second_factor"), {"token": totp_code(totp_device(user))})
    verified = response.status_code == 302 and DEVICE_ID_SESSION_KEY in client.session
    assert verified, f"second factor refused for {user.username}: {response.status_code}"
    return True


def _unit(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    return Unit.objects.create(code=code, name=name, name_en=name, kind=kind, parent=parent, division_code=code)


def _officer_user(username: str, unit: Unit, role: str | None, **extra: Any) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, kind=UserKind.OFFICER, full_name=f"User {username}", **extra
    )
    if role:
        RoleAssignment.objects.create(user=user, unit=unit, role=role)
    return user


def build_world() -> World:
    province = _unit("22", "Công an tỉnh Thử nghiệm", UnitKind.PROVINCE, None)
    department = _unit("22-PC06", "Phòng PC06 Thử nghiệm", UnitKind.DEPARTMENT, province)
    ward_a = _unit("07168", "Công an phường A", UnitKind.WARD, province)
    ward_b = _unit("06688", "Công an phường B", UnitKind.WARD, province)
    users: dict[str, User | None] = {
        "anonymous": None,
        "citizen": User.objects.create_user(
            username="022090012345",
            password=PASSWORD,
            kind=UserKind.CITIZEN,
            full_name="Citizen Person",
            personal_id="022090012345",
            date_of_birth=datetime.date(1990, 1, 1),
            sex="male",
            phone="0912345678",
        ),
        "officer_a": _officer_user("officer_a", ward_a, Role.OFFICER),
        "duty_a": _officer_user("duty_a", ward_a, Role.DUTY_OFFICER),
        "leader_a": _officer_user("leader_a", ward_a, Role.LEADER),
        "officer_b": _officer_user("officer_b", ward_b, Role.OFFICER),
        "officer_dept": _officer_user("officer_dept", department, Role.OFFICER),
        "leader_p": _officer_user("leader_p", province, Role.LEADER),
        "admin_p": _officer_user("admin_p", province, Role.ADMINISTRATOR, is_staff=True),
        "superuser": _officer_user("superuser", province, None, is_staff=True, is_superuser=True),
    }
    for user in users.values():
        if user is not None and second_factor_required(user):
            totp_device(user)  # leaders and administrators have enrolled an authenticator app
    officers = {
        key: Officer.objects.create(full_name=f"Officer of {label}", rank=Rank.CAPTAIN, unit=unit, phone="0900000000")
        for key, label, unit in (
            ("province", "Province", province),
            ("department", "Department", department),
            ("a", "A", ward_a),
            ("b", "B", ward_b),
        )
    }
    return World(province, department, ward_a, ward_b, users, officers)


@dataclass(frozen=True)
class Expect:
    status: int
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()


def assert_matrix(
    world: World,
    request: Callable[[Client], HttpResponse],
    expected: Mapping[str, int | Expect],
    *,
    api: bool = False,
) -> None:
    """Run `request` once per actor; every actor must have an expectation."""
    missing = set(ACTORS) - set(expected)
    assert not missing, f"permission matrix has no expectation for: {sorted(missing)}"
    failures = []
    for actor in ACTORS:
        want = expected[actor]
        want = want if isinstance(want, Expect) else Expect(want)
        client = world.api_client(actor) if api else world.client(actor)
        response = request(client)
        raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        body = raw.decode(errors="replace")
        if response.status_code != want.status:
            failures.append(f"{actor}: status {response.status_code}, expected {want.status}")
        failures += [f"{actor}: does not show {s!r}" for s in want.shows if s not in body]
        failures += [f"{actor}: shows {s!r}, which it must hide" for s in want.hides if s in body]
    assert not failures, "permission matrix failures:\n  " + "\n  ".join(failures)


def run_queued_tasks() -> int:
    """Run what waits in the database task queue, here and now, in the test's transaction (the real
    `db_worker` is exercised by transactional tests), messages waiting to be composed included (their drain
    is queued on commit, which never comes inside a test's transaction). Returns how many tasks ran."""
    from django_tasks_db.models import DBTaskResult

    from precinct.notifications.services import notifications_compose_pending

    ran = 0
    notifications_compose_pending()
    while batch := list(DBTaskResult.objects.ready().order_by("enqueued_at")):
        for row in batch:
            row.claim("test")
            queued = row.task_result
            row.set_successful(row.task.call(*queued.args, **queued.kwargs))
            ran += 1
    return ran


# Migrations that partition a table, tested on a database holding rows (ADR 0030; PostgreSQL).


def migrate_app(app: str, name: str) -> None:
    """Migrate `app` forward or back to `name` with the migration executor. Deferred foreign-key checks of rows
    the test wrote in its transaction run first, or unapplying a later migration cannot drop what they point to."""
    from django.db.migrations.executor import MigrationExecutor

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([(app, name)])
    executor.loader.build_graph()


def latest_migration(app: str) -> str:
    """The name of `app`'s newest migration on disk (a test that migrates back and forth ends where the models are)."""
    from django.db.migrations.loader import MigrationLoader

    return max(name for label, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations if label == app)


def rows_by_partition(table: str) -> dict[int, str]:
    """Each row's id and the partition (or plain table) that holds it."""
    with connection.cursor() as cursor:
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT id, tableoid::regclass::text FROM {quoted}")  # noqa: S608
        return dict(cursor.fetchall())


def constraint_definitions(table: str, kind: str) -> set[str]:
    """The table's constraints of one kind ("p" primary key, "u" unique, "f" foreign key) as PostgreSQL prints them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = %s",
            [table, kind],
        )
        return {row[0] for row in cursor.fetchall()}
