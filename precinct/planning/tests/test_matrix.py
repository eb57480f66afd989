"""Every planning page and endpoint as every actor."""

import io

import pytest
from openpyxl import Workbook

from precinct.planning.models import Plan
from precinct.testing import Expect, assert_matrix

pytestmark = pytest.mark.django_db

SEES_ALL = Expect(200, shows=("Task 1 of the plan", "Task 2 of the plan"))
SEES_ONE = Expect(200, shows=("Task 1 of the plan",), hides=("Task 2 of the plan",))


def test_plan_list_page(world, plan):
    listed = Expect(200, shows=("56/KH-UBND",))
    hidden = Expect(200, hides=("56/KH-UBND",))
    assert_matrix(
        world,
        lambda c: c.get("/planning/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": listed,
            "duty_a": listed,
            "leader_a": listed,
            "officer_b": hidden,
            "officer_dept": listed,
            "leader_p": listed,
            "admin_p": listed,
            "superuser": listed,
        },
    )


def test_overview_page_and_report(world, plan):
    expected = {
        "anonymous": 302,
        "citizen": 403,
        "officer_a": SEES_ONE,
        "duty_a": SEES_ONE,
        "leader_a": SEES_ONE,
        "officer_b": 404,
        "officer_dept": SEES_ONE,
        "leader_p": SEES_ALL,
        "admin_p": SEES_ALL,
        "superuser": SEES_ALL,
    }
    assert_matrix(world, lambda c: c.get(f"/planning/{plan.pk}/"), expected)
    xlsx = {k: (v.status if isinstance(v, Expect) else v) for k, v in expected.items()}
    assert_matrix(world, lambda c: c.get(f"/planning/{plan.pk}/report.xlsx"), xlsx)


def test_task_page_and_progress_form(world, plan):
    task = plan.tasks.get(position=1)
    form = Expect(200, shows=('name="text"',))
    no_form = Expect(200, hides=('name="text"',))
    assert_matrix(
        world,
        lambda c: c.get(f"/planning/tasks/{task.pk}/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": form,
            "duty_a": form,
            "leader_a": form,
            "officer_b": 404,
            "officer_dept": no_form,
            "leader_p": form,
            "admin_p": no_form,
            "superuser": form,
        },
    )
    assert_matrix(
        world,
        lambda c: c.post(f"/planning/tasks/{task.pk}/", {"text": "", "percent": "10"}),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": 422,
            "duty_a": 422,
            "leader_a": 422,
            "officer_b": 404,
            "officer_dept": 403,
            "leader_p": 422,
            "admin_p": 403,
            "superuser": 422,
        },
    )
    assert not task.updates.exists()


def test_new_plan_page_and_template(world):
    assert_matrix(
        world,
        lambda c: c.get("/planning/new/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": 200,
            "officer_b": 403,
            "officer_dept": 403,
            "leader_p": 200,
            "admin_p": 200,
            "superuser": 200,
        },
    )
    assert_matrix(
        world,
        lambda c: c.get("/planning/template.xlsx"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": 200,
            "duty_a": 200,
            "leader_a": 200,
            "officer_b": 200,
            "officer_dept": 200,
            "leader_p": 200,
            "admin_p": 200,
            "superuser": 200,
        },
    )


def test_import_page(world, plan):
    book = Workbook()
    book.active.append(["No."])
    book.active.append([9, "Bad unit", "nope", "", "due", "30/12/2026"])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()

    def post(c):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return c.post(f"/planning/{plan.pk}/import/", {"file": SimpleUploadedFile("t.xlsx", data)})

    assert_matrix(
        world,
        post,
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": 403,
            "officer_b": 404,
            "officer_dept": 403,
            "leader_p": 302,
            "admin_p": 302,
            "superuser": 302,
        },
    )
    assert plan.tasks.count() == 2


def test_api(world, plan):
    task = plan.tasks.get(position=1)
    full = Expect(200, shows=('"late"', "Task 2 of the plan"))
    part = Expect(200, shows=('"late"',), hides=("Task 2 of the plan",))
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/planning/plans/{plan.pk}"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": part,
            "duty_a": part,
            "leader_a": part,
            "officer_b": 404,
            "officer_dept": part,
            "leader_p": full,
            "admin_p": full,
            "superuser": full,
        },
        api=True,
    )
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/planning/plans"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": Expect(200, shows=("56/KH-UBND",)),
            "duty_a": 200,
            "leader_a": 200,
            "officer_b": Expect(200, hides=("56/KH-UBND",)),
            "officer_dept": 200,
            "leader_p": 200,
            "admin_p": 200,
            "superuser": 200,
        },
        api=True,
    )
    assert_matrix(
        world,
        lambda c: c.post(f"/api/v1/planning/tasks/{task.pk}/updates", {"text": " "}, content_type="application/json"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 422,
            "duty_a": 422,
            "leader_a": 422,
            "officer_b": 404,
            "officer_dept": 403,
            "leader_p": 422,
            "admin_p": 403,
            "superuser": 422,
        },
        api=True,
    )
    body = {"position": 7, "content": "", "lead_unit": "nope", "kind": "due"}
    assert_matrix(
        world,
        lambda c: c.post(f"/api/v1/planning/plans/{plan.pk}/tasks", body, content_type="application/json"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": 403,
            "officer_b": 404,
            "officer_dept": 403,
            "leader_p": 422,
            "admin_p": 422,
            "superuser": 422,
        },
        api=True,
    )
    plan_body = {
        "number": "",
        "title": "T",
        "issuer": "I",
        "issued_on": "2026-01-01",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "lead_unit": "nope",
    }
    assert_matrix(
        world,
        lambda c: c.post("/api/v1/planning/plans", plan_body, content_type="application/json"),
        {
            a: (401 if a == "anonymous" else 422)
            for a in (
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
        },
        api=True,
    )
    indicator = {
        "name": "",
        "unit": "nope",
        "direction": "up",
        "baseline_value": "1",
        "baseline_label": "2024",
        "target_value": "2",
    }
    assert_matrix(
        world,
        lambda c: c.post(f"/api/v1/planning/plans/{plan.pk}/indicators", indicator, content_type="application/json"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": 403,
            "officer_b": 404,
            "officer_dept": 403,
            "leader_p": 422,
            "admin_p": 422,
            "superuser": 422,
        },
        api=True,
    )
    assert Plan.objects.count() == 1 and plan.tasks.count() == 2 and not plan.indicators.exists()
