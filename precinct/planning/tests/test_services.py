import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from precinct.audit.models import AuditEvent
from precinct.core.errors import NotFound, PermissionDenied, ValidationFailed
from precinct.planning import importing, selectors, services
from precinct.planning.export import report_xlsx
from precinct.planning.models import Direction, Task, TaskKind, TaskUpdate
from precinct.planning.status import IndicatorStatus, TaskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["No."])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _statuses(actor, plan, as_of=None):
    view = selectors.plan_overview(actor=actor, plan=plan, as_of=as_of)
    return {row.task.position: row.status for row in view.tasks}


def test_a_task_due_yesterday_without_completion_is_late(world, plan):
    assert _statuses(world.user("leader_p"), plan) == {1: TaskStatus.LATE, 2: TaskStatus.NOT_STARTED}


def test_completion_needs_evidence_and_makes_the_task_done(world, plan):
    task = plan.tasks.get(position=1)
    with pytest.raises(ValidationFailed) as refused:
        services.task_update_report(actor=world.user("officer_a"), task=task, text="Xong", done_on=timezone.localdate())
    assert "evidence" in refused.value.fields
    services.task_update_report(
        actor=world.user("officer_a"), task=task, text="Xong", done_on=timezone.localdate(), evidence="Báo cáo 12/BC"
    )
    assert _statuses(world.user("leader_p"), plan)[1] == TaskStatus.DONE
    # As of yesterday the update had not been reported: the plan as it stood then.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert _statuses(world.user("leader_p"), plan, as_of=yesterday)[1] == TaskStatus.AT_RISK
    assert AuditEvent.objects.filter(action="planning.task_update", target_id=str(task.pk)).count() == 1


def test_only_the_lead_unit_reports(world, plan):
    task = plan.tasks.get(position=1)
    for actor in ("officer_b", "officer_dept"):  # another ward; the coordinating department
        with pytest.raises(PermissionDenied):
            services.task_update_report(actor=world.user(actor), task=task, text="Tiến độ")
    assert not TaskUpdate.objects.exists()


def test_a_recurring_task_takes_one_update_per_period(world, plan):
    task = services.task_create(
        actor=world.user("leader_p"),
        plan=plan,
        data=services.TaskInput(3, "Báo cáo tháng", world.ward_a.code, [], TaskKind.MONTHLY, None, None),
    )
    services.task_update_report(actor=world.user("officer_a"), task=task, text="Tháng này")
    with pytest.raises(ValidationFailed) as refused:
        services.task_update_report(actor=world.user("officer_a"), task=task, text="Lần nữa")
    assert "period" in refused.value.fields
    assert task.updates.count() == 1


def test_scope(world, plan):
    assert selectors.plan_list(actor=world.user("officer_a")).count() == 1  # leads task 1
    assert [t.position for t in selectors.task_list(actor=world.user("officer_a"), plan=plan)] == [1]
    assert [t.position for t in selectors.task_list(actor=world.user("officer_dept"), plan=plan)] == [1]
    assert [t.position for t in selectors.task_list(actor=world.user("leader_p"), plan=plan)] == [1, 2]
    assert not selectors.plan_list(actor=world.user("officer_b")).exists()  # neither lead nor coordinator
    with pytest.raises(NotFound):
        selectors.plan_get(actor=world.user("officer_b"), pk=plan.pk)
    assert not selectors.plan_list(actor=world.user("citizen")).exists()


def test_import_is_all_or_nothing_with_row_and_column(world, plan):
    bad = _xlsx(
        [
            [3, "Nhiệm vụ tốt", world.ward_a.code, "", "due", "30/12/2026", "", ""],
            [4, "Đơn vị sai", "99999", "", "monthly", "", "", ""],
            [5, "Ngày sai", world.ward_b.code, "", "due", "31/02/2026", "", ""],
            [1, "Trùng số", world.ward_b.code, "", "hàng tháng", "", "", ""],
        ]
    )
    with pytest.raises(ValidationFailed) as refused:
        services.tasks_import(actor=world.user("leader_p"), plan=plan, rows=importing.parse_xlsx(bad))
    messages = [str(m) for m in refused.value.fields["file"]]
    assert any(m.startswith("Row 3, column C") for m in messages), messages
    assert any(m.startswith("Row 4, column F") for m in messages), messages
    assert any(m.startswith("Row 5, column A") for m in messages), messages
    assert plan.tasks.count() == 2  # nothing half-imported
    good = _xlsx(
        [
            [
                3,
                "Nhiệm vụ tốt",
                world.ward_a.code,
                f"{world.department.code}, {world.ward_b.code}",
                "due",
                "30/12/2026",
                "",
                "Báo cáo",
            ],
            [4, "Hàng tháng", world.ward_b.code, "", "Monthly", "", "", ""],
        ]
    )
    tasks = services.tasks_import(actor=world.user("leader_p"), plan=plan, rows=importing.parse_xlsx(good))
    assert [t.kind for t in tasks] == [TaskKind.DUE, TaskKind.MONTHLY]
    assert tasks[0].coordinating_units.count() == 2
    assert AuditEvent.objects.filter(action="planning.tasks_import").count() == 1
    with pytest.raises(PermissionDenied):
        services.tasks_import(actor=world.user("officer_a"), plan=plan, rows=importing.parse_xlsx(good))
    with pytest.raises(ValidationFailed):
        importing.parse_xlsx(b"not a workbook")


def test_the_template_reads_back_as_a_valid_import(world, plan):
    rows = importing.parse_xlsx(importing.template_xlsx())
    assert len(rows) == 1 and not isinstance(rows[0][1], dict)


def test_crime_indicator_and_a_measure_bound_indicator(world, plan):
    leader = world.user("leader_p")
    crimes = services.indicator_create(
        actor=leader,
        plan=plan,
        name="Tội phạm về trật tự xã hội",
        unit_code=world.province.code,
        direction=Direction.DECREASE,
        baseline_value="1000",
        baseline_label="2016–2020",
        target_value="-5",
        target_relative=True,
    )
    today = timezone.localdate()
    services.indicator_value_enter(
        actor=leader, indicator=crimes, period_start=today.replace(month=1, day=1), period_end=today, value="930"
    )
    services.indicator_create(
        actor=leader,
        plan=plan,
        name="Hồ sơ giải quyết trực tuyến",
        unit_code=world.province.code,
        direction=Direction.INCREASE,
        baseline_value="90",
        baseline_label="2024",
        target_value="99",
        measure_key="stats.share_resolved_online",
    )
    with pytest.raises(ValidationFailed) as refused:
        services.indicator_create(
            actor=leader,
            plan=plan,
            name="x",
            unit_code=world.province.code,
            direction=Direction.DECREASE,
            baseline_value="10",
            baseline_label="2024",
            target_value="12",
            measure_key="nothing.here",
        )
    assert set(refused.value.fields) == {"measure_key", "target_value"}
    view = selectors.plan_overview(actor=leader, plan=plan)
    first, second = view.indicators
    assert (first.target, first.value, first.change, first.status) == (
        Decimal("950.00"),
        Decimal("930.00"),
        Decimal("-7.0"),
        IndicatorStatus.ON_TRACK,
    )
    assert second.value is None and second.status == IndicatorStatus.NO_DATA  # no dossier resolved: no share
    book = load_workbook(io.BytesIO(report_xlsx(view)))
    assert book["Summary"]["B6"].value.startswith("Of 2 tasks, 0 completed")
    assert [c.value for c in book["Indicators"][2]][4:8] == [1000, 950, 930, -7]
    assert [c.value for c in book["Tasks"][2]][6] == "Late"


def test_plan_create_refuses_bad_input_and_files(world):
    with pytest.raises(ValidationFailed) as refused:
        services.plan_create(
            actor=world.user("leader_p"),
            number="",
            title="T",
            issuer="I",
            issued_on=datetime.date(2026, 1, 1),
            period_start=datetime.date(2026, 6, 1),
            period_end=datetime.date(2026, 1, 1),
            lead_unit_code="nope",
            document=SimpleUploadedFile("x.exe", b"MZ"),
        )
    assert set(refused.value.fields) == {"number", "period_end", "lead_unit", "document"}
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=world.user("officer_a"),
            number="1/KH",
            title="T",
            issuer="I",
            issued_on=datetime.date(2026, 1, 1),
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 12, 31),
            lead_unit_code=world.ward_a.code,
        )
    assert not Task.objects.exists()
