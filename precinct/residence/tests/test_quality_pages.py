"""The work queue and rules pages as every actor: a ward sees its own queue only, a decision needs a manager of
the ward and a reason, the rules page is the province department's and leaders'."""

import datetime

from precinct.residence.models import IssueState, QualityIssue, QualityRule
from precinct.residence.services import person_create
from precinct.residence.tests.test_matrix import expect
from precinct.residence.workqueue import ward_sync
from precinct.testing import Expect, assert_matrix

RULE_MANAGERS = {"officer_dept", "leader_p", "superuser"}


def _queue(world, register):
    twin = person_create(
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyen Van Hung",
        date_of_birth=register["head"].date_of_birth,
        sex="male",
    )
    ward_sync(actor=None, unit=world.ward_a)
    return twin


def test_the_queue_page_shows_a_wards_findings_to_its_readers_only(world, register):
    _queue(world, register)
    shown = Expect(200, shows=("Nguyen Van Hung", "Nguyễn Văn Hùng", "side-by-side"))
    assert_matrix(world, lambda c: c.get(f"/residence/queue/{world.ward_a.code}/"), expect(shown))
    ward_b_readers = {"officer_b", "officer_dept", "leader_p", "superuser"}
    other_ward = expect(Expect(200, hides=("Nguyen Van Hung",)), readers=ward_b_readers)
    assert_matrix(world, lambda c: c.get(f"/residence/queue/{world.ward_b.code}/"), other_ward)
    page = world.client("officer_a").get(f"/residence/queue/{world.ward_a.code}/?dimension=completeness")
    assert "Nguyen Van Hung" in page.content.decode() and "side-by-side" not in page.content.decode()


def test_deciding_from_the_page_needs_a_manager_of_the_ward_and_a_reason(world, register):
    _queue(world, register)
    issue = QualityIssue.objects.get(rule__code="duplicate_person")
    url = f"/residence/issues/{issue.pk}/decide/"
    body = {"decision": "not_duplicate", "reason": "Hai người khác nhau"}
    assert world.client("officer_b").post(url, body).status_code == 404
    world.client("duty_a").post(url, body)  # reads the ward, may not change it
    world.client("officer_a").post(url, {"decision": "not_duplicate", "reason": ""})
    assert QualityIssue.objects.get(pk=issue.pk).state == IssueState.OPEN
    assert world.client("officer_a").post(url, body).status_code == 302
    assert QualityIssue.objects.get(pk=issue.pk).state == IssueState.NOT_DUPLICATE
    scan = world.client("officer_b").post(f"/residence/queue/{world.ward_a.code}/scan/")
    assert scan.status_code == 404


def test_the_rules_page_and_its_form(world):
    listed = {a: (Expect(200, shows=("duplicate_person",)) if a in RULE_MANAGERS else None) for a in expect(200)}
    listed = {a: (v if v is not None else (302 if a == "anonymous" else 404)) for a, v in listed.items()}
    assert_matrix(world, lambda c: c.get("/residence/quality-rules/"), listed)
    rule = QualityRule.objects.get(code="over_age")
    url = f"/residence/quality-rules/{rule.pk}/"
    assert world.client("officer_a").post(url, {"years": "100"}).status_code == 404
    page = world.client("leader_p").post(url, {"is_active": "on", "years": "200"}, follow=True).content.decode()
    assert "từ 90 đến 130" in page  # the error, in Vietnamese, naming the parameter
    assert "Người còn sống quá số tuổi này là không hợp lý (năm): hãy nhập một số từ 90 đến 130." in page
    rule.refresh_from_db()
    assert rule.parameters == {"years": 110} and rule.is_active
    world.client("officer_dept").post(url, {"years": "105"})
    rule.refresh_from_db()
    assert rule.parameters == {"years": 105} and not rule.is_active and rule.changed_by == world.users["officer_dept"]


def test_the_quality_page_shows_the_consistency_score(world, register):
    person_create(
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Lê Văn Tư",
        date_of_birth=datetime.date(1990, 1, 1),
    )
    page = world.client("officer_a").get(f"/residence/quality/{world.ward_a.code}/").content.decode()
    assert "100,0 %" in page and "/residence/queue/07168/" in page


def test_the_queue_and_rules_through_the_api(world, register):
    _queue(world, register)
    shown = Expect(200, shows=("duplicate_person",))
    assert_matrix(
        world, lambda c: c.get(f"/api/v1/residence/queue/{world.ward_a.code}"), expect(shown, login=401), api=True
    )
    issue = QualityIssue.objects.get(rule__code="required_fields")
    url = f"/api/v1/residence/issues/{issue.pk}/confirm"
    officer = world.api_client("officer_a")
    assert world.api_client("officer_b").post(url, {"reason": "x"}, content_type="application/json").status_code == 404
    assert officer.post(url, {"reason": " "}, content_type="application/json").status_code == 422
    done = officer.post(url, {"reason": "Hồ sơ cũ, đã bổ sung giấy tờ"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "confirmed"
    assert officer.post(url, {"reason": "again"}, content_type="application/json").status_code == 409
    pair = QualityIssue.objects.get(rule__code="duplicate_person")
    gone = officer.post(
        f"/api/v1/residence/issues/{pair.pk}/not-duplicate", {"reason": "Khác người"}, content_type="application/json"
    )
    assert gone.status_code == 200 and gone.json()["state"] == "not_duplicate"
    scan = officer.post(f"/api/v1/residence/queue/{world.ward_a.code}/scan")
    assert scan.status_code == 200 and scan.json() == {"opened": 0, "fixed": 0}
    rules_url = "/api/v1/residence/quality-rules"
    assert officer.get(rules_url).status_code == 403
    leader = world.api_client("leader_p")
    assert len(leader.get(rules_url).json()) == 10
    bad = leader.post(
        f"{rules_url}/verified_recently",
        {"is_active": True, "parameters": {"months": 0}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    ok = leader.post(
        f"{rules_url}/verified_recently",
        {"is_active": True, "parameters": {"months": 36}},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["parameters"] == {"months": 36}
    quality = officer.get(f"/api/v1/residence/quality/{world.ward_a.code}").json()
    assert quality["consistency"] == "100.0" and quality["consistency_findings"] == 0


def test_a_finding_reads_in_the_readers_language_whatever_the_scans_language(world, register):
    from django.utils import translation

    with translation.override("en"):  # e.g. the incremental scan after an English-speaking officer's change
        _queue(world, register)
    issue = QualityIssue.objects.get(rule__code="duplicate_person")
    assert issue.detail.startswith("Điểm trùng khớp") and issue.detail_en.startswith("Match score")
    client = world.client("officer_a")
    url = f"/residence/queue/{world.ward_a.code}/"
    assert "Điểm trùng khớp" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Match score" in english and "Điểm trùng khớp" not in english
    api = client.get(f"/api/v1/residence/queue/{world.ward_a.code}")
    assert api.status_code == 200, api.content
    assert any(row["detail"].startswith("Match score") for row in api.json())
