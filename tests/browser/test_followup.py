"""After the decision: the citizen rates a finished dossier; the ward's leader sees the average; an
overdue dossier is marked on its page after the escalation sweep."""

import datetime

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _dossier(officer: str, *actions: str):
    from precinct.accounts.models import User
    from precinct.eservices.models import Procedure
    from precinct.eservices.services import dossier_submit, dossier_transition

    dossier = dossier_submit(
        actor=User.objects.get(username="022090012345"),
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=User.objects.get(username=officer).officer.unit.code,
    )
    from precinct.eservices.workflow import LEADER_ACTIONS

    leader = officer.replace("canbo.", "lanhdao.")  # the ward's leader decides (officers propose)
    for action in actions:
        who = leader if action in LEADER_ACTIONS else officer
        dossier = dossier_transition(actor=User.objects.get(username=who), dossier=dossier, action=action)
    return dossier


def test_citizen_rates_and_the_leader_sees_it(page, browser, live_server, demo, shot):
    dossier = _dossier("canbo.haan", "receive", "start_review", "approve", "issue_result", "complete")
    sign_in(page, "022090012345")
    page.goto(page.base_url + f"/dossiers/{dossier.code}/")
    page.check("input[name='score'][value='5']")
    page.fill("textarea[name='comment']", "Cán bộ hướng dẫn tận tình, giải quyết nhanh.")
    shot(page, "rating-form-vi")
    page.click("text=Gửi đánh giá")
    assert "5 / 5" in page.get_by_test_id("rating").inner_text()
    assert "Gửi đánh giá" not in page.content()  # once only
    shot(page, "rating-done-vi")

    leader = browser.new_context(viewport={"width": 1280, "height": 860})
    lp = leader.new_page()
    lp.base_url = live_server.url
    sign_in(lp, "lanhdao.haan")
    lp.goto(lp.base_url + "/dossiers/")
    lp.click("text=Đánh giá của người dân")
    tables = lp.get_by_test_id("ratings")
    assert "Công an phường Hà An" in tables.first.inner_text() and "5,00" in tables.first.inner_text()
    shot(lp, "ratings-leader-vi")
    leader.close()


def test_an_overdue_dossier_is_marked_after_the_sweep(page, demo, shot):
    from precinct.eservices.escalation import escalation_sweep
    from precinct.eservices.models import Dossier

    dossier = _dossier("canbo.haan", "receive")
    Dossier.objects.filter(pk=dossier.pk).update(due_date=datetime.date(2026, 11, 2))
    escalation_sweep()
    sign_in(page, "canbo.haan")
    page.goto(page.base_url + f"/dossiers/{dossier.code}/")
    assert page.get_by_test_id("overdue").inner_text() == "quá hạn"
    assert "Ghi nhận quá hạn" in page.content()
    shot(page, "dossier-overdue-vi")
