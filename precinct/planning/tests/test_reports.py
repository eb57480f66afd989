"""The DOCX report, the activity log and the indicator page: permissions, bad input, audit."""

import datetime
import io
import re

import pytest
from django.utils import timezone, translation
from docx import Document

from precinct.audit.models import AuditEvent
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.planning import selectors, services
from precinct.planning.models import Activity, Direction, IndicatorValue
from precinct.planning.report_docx import report_docx
from precinct.testing import Expect, assert_matrix

pytestmark = pytest.mark.django_db

SEES = {
    "anonymous": 302,
    "citizen": 403,
    "officer_a": 200,
    "duty_a": 200,
    "leader_a": 200,
    "officer_b": 404,
    "officer_dept": 200,
    "leader_p": 200,
    "admin_p": 200,
    "superuser": 200,
}


@pytest.fixture
def indicator(world, plan):
    return services.indicator_create(
        actor=world.user("leader_p"),
        plan=plan,
        name="Crimes in ward A",
        unit_code=world.ward_a.code,
        direction=Direction.DECREASE,
        baseline_value="100",
        baseline_label="2016–2020",
        target_value="-5",
        target_relative=True,
        unit_of_measure="cases",
    )


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_docx_report_matrix_and_content(world, plan):
    assert_matrix(world, lambda c: c.get(f"/planning/{plan.pk}/report.docx"), SEES)
    response = world.client("leader_p").get(f"/planning/{plan.pk}/report.docx?as_of=2300-01-01")
    assert response.status_code == 400  # a date beyond 2199: a clear 400, not an overflow
    response = world.client("leader_p").get(f"/planning/{plan.pk}/report.docx")
    assert response["Content-Disposition"].endswith('.docx"')
    text = _docx_text(response.content)
    assert "Task 1 of the plan" in text  # the late task, with its reason
    assert "Task 2 of the plan" not in text  # not late: not listed


def test_a_ward_officer_sees_only_its_tasks_in_the_docx(world, plan):
    text = _docx_text(world.client("officer_a").get(f"/planning/{plan.pk}/report.docx").content)
    assert "Of 1 tasks" in text or "Trong 1 nhiệm vụ" in text


def test_late_reason_is_the_last_progress_reported(world, plan):
    task = plan.tasks.get(position=1)
    services.task_update_report(actor=world.user("officer_a"), task=task, text="Waiting for the equipment", percent=40)
    view = selectors.plan_overview(actor=world.user("leader_p"), plan=plan)
    with translation.override("en"):
        text = _docx_text(report_docx(view))
    assert "Reason: Waiting for the equipment" in text


def test_activity_log_matrix(world, plan):
    today = timezone.localdate().isoformat()
    assert_matrix(
        world,
        lambda c: c.post(
            f"/planning/{plan.pk}/activities/",
            {"unit": world.ward_a.code, "kind": "conference", "occurred_on": today, "title": "Hội nghị"},
        ),
        {
            **SEES,
            "officer_a": 302,
            "duty_a": 302,
            "leader_a": 302,
            "leader_p": 302,
            "admin_p": 302,
            "superuser": 302,
            "officer_dept": 403,
        },
    )
    authors = set(Activity.objects.values_list("author__username", flat=True))
    assert authors == {"officer_a", "duty_a", "leader_a", "leader_p", "admin_p", "superuser"}
    assert AuditEvent.objects.filter(action="planning.activity_record").count() == 6
    view = selectors.plan_overview(actor=world.user("leader_p"), plan=plan)
    assert view.activities["conference"] == 6 and view.activities["guiding_document"] == 0


def test_activity_bad_input_changes_nothing(world, plan):
    officer = world.user("officer_a")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with translation.override("vi"), pytest.raises(ValidationFailed) as caught:
        services.activity_record(
            actor=officer, plan=plan, unit_code=world.ward_a.code, kind="party", occurred_on=tomorrow, title=" "
        )
    messages = {k: [str(m) for m in v] for k, v in caught.value.fields.items()}
    assert messages["occurred_on"] == ["Không thể ghi nhận hoạt động trước khi nó diễn ra."]
    assert set(messages) == {"kind", "title", "occurred_on"}
    with pytest.raises(PermissionDenied):  # ward B takes no part in the plan
        services.activity_record(
            actor=world.user("officer_b"),
            plan=plan,
            unit_code=world.ward_b.code,
            kind="conference",
            occurred_on=timezone.localdate(),
            title="x",
        )
    assert not Activity.objects.exists()
    assert not AuditEvent.objects.filter(action="planning.activity_record").exists()


def test_indicator_page_matrix_and_value_entry(world, plan, indicator):
    form = Expect(200, shows=("Crimes in ward A", 'name="value"'))
    no_form = Expect(200, shows=("Crimes in ward A",), hides=('name="value"',))
    assert_matrix(
        world,
        lambda c: c.get(f"/planning/indicators/{indicator.pk}/"),
        {
            **SEES,
            "officer_a": form,
            "duty_a": form,
            "leader_a": form,
            "leader_p": form,
            "superuser": form,
            "admin_p": no_form,
            "officer_dept": no_form,
        },
    )
    bad = {"period_start": "2026-02-01", "period_end": "2026-01-01", "value": "abc", "evidence": "BC"}
    assert_matrix(
        world,
        lambda c: c.post(f"/planning/indicators/{indicator.pk}/", bad),
        {
            **SEES,
            "officer_a": 422,
            "duty_a": 422,
            "leader_a": 422,
            "leader_p": 422,
            "superuser": 422,
            "admin_p": 403,
            "officer_dept": 403,
        },
    )
    assert not IndicatorValue.objects.exists()
    client = world.client("officer_a")
    good = {"period_start": "2026-01-01", "period_end": "2026-06-30", "value": "93,5", "evidence": "Báo cáo 6 tháng"}
    assert client.post(f"/planning/indicators/{indicator.pk}/", good).status_code == 302
    entered = IndicatorValue.objects.get()
    assert (str(entered.value), entered.evidence, entered.author.username) == ("93.50", "Báo cáo 6 tháng", "officer_a")
    again = client.post(f"/planning/indicators/{indicator.pk}/", good, HTTP_ACCEPT_LANGUAGE="vi")
    assert again.status_code == 422 and IndicatorValue.objects.count() == 1
    page = client.get(f"/planning/indicators/{indicator.pk}/").content.decode()
    assert "01/01/2026 – 30/06/2026" in page and ("93,5" in page or "93.5" in page)
    assert AuditEvent.objects.filter(action="planning.indicator_value").count() == 1


def test_activity_api(world, plan):
    body = {"unit": world.ward_a.code, "kind": "guiding_document", "occurred_on": "2026-03-02", "title": "HD 12"}
    url = f"/api/v1/planning/plans/{plan.pk}/activities"
    assert_matrix(
        world,
        lambda c: c.post(url, body, content_type="application/json"),
        {
            **SEES,
            "anonymous": 401,
            "officer_a": 201,
            "duty_a": 201,
            "leader_a": 201,
            "leader_p": 201,
            "admin_p": 201,
            "superuser": 201,
            "officer_dept": 403,
        },
        api=True,
    )
    bad = world.api_client("officer_a").post(url, {**body, "kind": "party"}, content_type="application/json")
    assert bad.status_code == 422 and "kind" in bad.json()["error"]["fields"]
    detail = world.api_client("leader_p").get(f"/api/v1/planning/plans/{plan.pk}").json()
    assert detail["activities"]["guiding_document"] == 6


def test_plans_list_counts_the_tasks_each_actor_sees_by_derived_status(world, plan):
    leader = world.client("leader_p").get("/planning/").content.decode()
    assert re.search(r'plan-tile--late" title="[^"]+">1 ', leader)
    assert re.search(r'plan-tile--not_started" title="[^"]+">1 ', leader)
    assert "plan-tile--done" not in leader
    rows = selectors.plan_rows(actor=world.user("leader_p"), plans=[plan], as_of=timezone.localdate())
    assert (rows[0].total, rows[0].counts["late"], rows[0].counts["not_started"]) == (2, 1, 1)
    ward = selectors.plan_rows(actor=world.user("officer_a"), plans=[plan], as_of=timezone.localdate())
    assert (ward[0].total, ward[0].counts["late"]) == (1, 1)  # task 2 is the province's: not counted for ward A


def test_the_overview_passes_its_period_to_the_exports(world, plan):
    page = world.client("leader_p").get(f"/planning/{plan.pk}/?as_of=2026-06-30&start=2026-01-01&end=2026-06-30")
    html = page.content.decode()
    assert f"/planning/{plan.pk}/report.docx?as_of=2026-06-30&amp;start=2026-01-01&amp;end=2026-06-30" in html
    assert 'value="2026-01-01"' in html and 'value="2026-06-30"' in html
