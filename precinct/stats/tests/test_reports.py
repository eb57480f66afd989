import datetime
import io
from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from precinct.core.calendar import LOCAL_TZ, calendar
from precinct.eservices.models import CLOSED_STATUSES, Dossier, DossierEvent, Procedure
from precinct.stats.contributions import RESOLVED_STATUSES
from precinct.stats.folding import stats_fold
from precinct.stats.labels import FIGURE_LABELS
from precinct.stats.selectors import MEASURES, add_months
from precinct.stats.templatetags.stats_tags import format_number
from precinct.testing import Expect, assert_matrix

pytestmark = pytest.mark.django_db


def dossiers_of(unit_path: str, *, procedure: str = "", field: str = "") -> Any:
    dossiers = Dossier.objects.filter(unit_path__startswith=unit_path)
    if procedure:
        dossiers = dossiers.filter(version__procedure__code=procedure)
    if field:
        dossiers = dossiers.filter(version__field__code=field)
    return dossiers


def open_measure(d: Dossier, today: datetime.date) -> str | None:
    """Which figure "now" an open dossier counts in (None: closed): the clock paused, else by due date."""
    if d.status in CLOSED_STATUSES:
        return None
    if d.paused_days_left is not None:
        return "paused"
    return "overdue" if d.due_date < today else "open_not_due"


def direct_open(unit_path: str, *, procedure: str = "", field: str = "") -> dict[str, set[int]]:
    """The open dossiers, one at a time, by the figure they count in."""
    today = timezone.localdate()
    out: dict[str, set[int]] = {"open_not_due": set(), "overdue": set(), "paused": set()}
    for d in dossiers_of(unit_path, procedure=procedure, field=field):
        if (measure := open_measure(d, today)) is not None:
            out[measure].add(d.pk)
    return out


def direct_count(
    unit_path: str, first: datetime.date, last_month: datetime.date, *, procedure: str = "", field: str = ""
) -> dict[str, int]:
    """The figures counted one dossier at a time in Python, straight from the dossier table."""
    end = add_months(last_month, 1) - datetime.timedelta(days=1)
    today = timezone.localdate()
    supplemented = set(
        DossierEvent.objects.filter(to_status="supplement_requested").values_list("dossier_id", flat=True)
    )
    out = dict.fromkeys(MEASURES, 0) | {"days": 0, "ratings": 0}
    rated = set(Dossier.objects.filter(rating__isnull=False).values_list("pk", flat=True))
    for d in dossiers_of(unit_path, procedure=procedure, field=field):
        if first <= d.received_on <= end:
            out["received"] += 1
            out[f"received_{d.channel}"] += 1
            out["supplemented"] += d.pk in supplemented
        if (measure := open_measure(d, today)) is not None:
            out[measure] += 1
            continue
        done_on = d.completed_at.astimezone(LOCAL_TZ).date()
        if not first <= done_on <= end:
            continue
        if d.status in ("returned", "withdrawn"):
            out[d.status] += 1
            continue
        out["resolved"] += 1
        out["resolved_online"] += d.channel == "online"
        out["refused"] += d.status == "refused"
        out["ratings"] += d.pk in rated
        timing = "early" if done_on < d.due_date else ("on_time" if done_on == d.due_date else "late")
        out[f"resolved_{timing}"] += 1
        out["days"] += max(calendar().working_days_between(d.received_on, done_on), 0)
    return out


def periods() -> list[tuple[str, str]]:
    this_month = timezone.localdate().replace(day=1)
    return [
        (f"{add_months(this_month, -11):%Y-%m}", f"{this_month:%Y-%m}"),  # the default: the last 12 months
        (f"{add_months(this_month, -1):%Y-%m}", f"{add_months(this_month, -1):%Y-%m}"),  # last month only
        (f"{add_months(this_month, -2):%Y-%m}", f"{this_month:%Y-%m}"),
    ]


@pytest.fixture
def folded(many_dossiers):
    stats_fold()
    return many_dossiers


def test_page_api_and_export_agree_with_a_direct_count(world, folded):
    client = world.client("leader_p")
    api = world.api_client("leader_p")
    checked = 0
    for unit in (world.province, world.ward_a, world.ward_b, world.department):
        for start, end in periods():
            query = {"unit": unit.code, "from": start, "to": end}
            expected = direct_count(
                unit.path, datetime.date.fromisoformat(f"{start}-01"), datetime.date.fromisoformat(f"{end}-01")
            )
            totals = api.get("/api/v1/stats/dossiers", query).json()["totals"]
            page = client.get("/stats/", query)
            assert page.status_code == 200
            shown = page.context["figures"]
            book = load_workbook(io.BytesIO(client.get("/stats/export.xlsx", query).content))
            sheet = {str(row[0]): row[1:] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
            assert totals["ratings"] == expected["ratings"], (unit.code, start, end)
            for measure in MEASURES:
                assert totals[measure] == expected[measure], (unit.code, start, end, measure)
                assert shown[measure] == expected[measure], (unit.code, start, end, measure)
                assert sheet[str(FIGURE_LABELS[measure])][0] == expected[measure], (unit.code, measure)
                if (start, end) == periods()[0] or unit == world.ward_a:
                    # every figure is a link to the list of exactly that many dossiers
                    listed = client.get("/stats/dossiers/", query | {"measure": measure})
                    paginator = listed.context["page"].paginator
                    assert paginator.count == expected[measure], (unit.code, start, measure)  # as shown
                    assert paginator.object_list.count() == expected[measure], (unit.code, start, measure)  # listed
            if expected["resolved"]:
                assert totals["average_days"] == round(expected["days"] / expected["resolved"], 2)
            checked += expected["received"]
    assert checked > 60  # the periods and units above really contain dossiers


def test_groups_add_up_and_comparisons_use_the_earlier_periods(world, folded):
    api = world.api_client("leader_p")
    start, end = periods()[2]
    whole = api.get("/api/v1/stats/dossiers", {"from": start, "to": end}).json()
    for group_by in ("month", "unit", "field", "procedure"):
        answer = api.get("/api/v1/stats/dossiers", {"from": start, "to": end, "group_by": group_by}).json()
        assert answer["groups"], group_by
        for figure in ("received", "resolved", "resolved_late", "refused"):
            assert sum(g[figure] for g in answer["groups"]) == whole["totals"][figure], (group_by, figure)
    units = {g["key"] for g in api.get("/api/v1/stats/dossiers", {"group_by": "unit"}).json()["groups"]}
    assert units <= {world.ward_a.code, world.ward_b.code, world.department.code}
    first = datetime.date.fromisoformat(f"{start}-01")
    previous = whole["previous_period"]
    assert previous["from"] == f"{add_months(first, -3):%Y-%m}"
    before = direct_count(world.province.path, add_months(first, -3), add_months(first, -1))
    assert previous["received"] == before["received"] and previous["resolved"] == before["resolved"]
    assert whole["same_period_last_year"]["received"] == 0


def test_a_ward_leader_sees_only_the_ward(world, folded):
    api = world.api_client("leader_a")
    answer = api.get("/api/v1/stats/dossiers", {"group_by": "unit"}).json()
    assert answer["unit"]["code"] == world.ward_a.code
    assert answer["totals"]["received"] == direct_count(world.ward_a.path, *_twelve())["received"] > 0
    assert {g["key"] for g in answer["groups"]} == {world.ward_a.code}
    assert api.get("/api/v1/stats/dossiers", {"unit": world.ward_b.code}).status_code == 404
    assert api.get("/api/v1/stats/dossiers", {"unit": world.province.code}).status_code == 404
    client = world.client("leader_a")
    page = client.get("/stats/")
    assert page.context["report"].scope.unit == world.ward_a
    assert world.ward_b.name not in page.content.decode()
    assert client.get("/stats/", {"unit": world.ward_b.code}).status_code == 404
    for measure in MEASURES:
        listed = client.get("/stats/dossiers/", {"measure": measure, "from": "2000-01"})
        assert all(d.unit_path.startswith(world.ward_a.path) for d in listed.context["page"].object_list), measure
        assert client.get("/stats/dossiers/", {"measure": measure, "unit": world.ward_b.code}).status_code == 404


def _twelve() -> tuple[datetime.date, datetime.date]:
    this_month = timezone.localdate().replace(day=1)
    return add_months(this_month, -11), this_month


def test_drill_down_never_lists_a_dossier_outside_the_reach(world, folded):
    leader_b_paths = {world.ward_a.path}
    listed = world.client("leader_a").get("/stats/dossiers/", {"measure": "received", "from": "2000-01"})
    codes = {d.code for d in listed.context["page"].object_list}
    outside = set(Dossier.objects.exclude(unit_path__startswith=world.ward_a.path).values_list("code", flat=True))
    assert codes and not codes & outside
    assert all(any(d.unit_path.startswith(p) for p in leader_b_paths) for d in listed.context["page"].object_list)


def test_who_may_see_the_dashboard_and_the_api(world, folded):
    ward_a, ward_b = world.ward_a.name, world.ward_b.name
    assert_matrix(
        world,
        lambda c: c.get("/stats/"),
        {
            "anonymous": 302,
            "citizen": 302,  # to the public statistics
            "officer_a": 302,
            "duty_a": 302,
            "leader_a": Expect(200, shows=(ward_a,), hides=(ward_b,)),
            "officer_b": 302,
            "officer_dept": 302,
            "leader_p": Expect(200, shows=(world.province.name, ward_a, ward_b)),
            "admin_p": Expect(200, shows=(ward_a, ward_b)),
            "superuser": Expect(200, shows=(ward_a, ward_b)),
        },
    )
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/stats/dossiers", {"group_by": "unit"}),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": Expect(200, shows=(world.ward_a.code,), hides=(world.ward_b.code,)),
            "officer_b": 403,
            "officer_dept": 403,
            "leader_p": Expect(200, shows=(world.ward_a.code, world.ward_b.code)),
            "admin_p": 200,
            "superuser": 200,
        },
        api=True,
    )


def test_bad_input_gets_a_clear_error_in_the_callers_language(world, folded):
    api = world.api_client("leader_p")
    answer = api.get("/api/v1/stats/dossiers", {"from": "2026-13"}, headers={"Accept-Language": "vi"})
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"]["from"] == ["Nhập tháng theo dạng NNNN-TT (YYYY-MM)."]
    answer = api.get("/api/v1/stats/dossiers", {"from": "2026-05", "to": "2026-01"}, headers={"Accept-Language": "en"})
    assert answer.json()["error"]["fields"]["from"] == ["The first month must not be after the last."]
    assert api.get("/api/v1/stats/dossiers", {"group_by": "colour"}).status_code == 422
    assert api.get("/api/v1/stats/dossiers", {"field": "nope"}).status_code == 422
    page = world.client("leader_p").get("/stats/", {"from": "bad"})
    assert page.status_code == 422 and "Nhập tháng theo dạng" in page.content.decode()


def test_the_public_page_shows_province_figures_and_nothing_personal(world, folded):
    from django.test import Client

    page = Client().get("/stats/public/")
    assert page.status_code == 200
    body = page.content.decode()
    assert page.context["figures"]["received"] == direct_count(world.province.path, *_twelve())["received"]
    for dossier in folded[:20]:
        assert dossier.code not in body and dossier.applicant.full_name not in body
    assert "/stats/dossiers/" not in body  # no drill-down for the public


def test_ratings_are_averaged(world, folded):
    from precinct.eservices.models import DossierRating

    first, last = _twelve()
    ratings = [
        r.score
        for r in DossierRating.objects.select_related("dossier")
        if first <= r.dossier.completed_at.astimezone(LOCAL_TZ).date() <= add_months(last, 1)
    ]
    assert ratings
    totals = world.api_client("leader_p").get("/api/v1/stats/dossiers").json()["totals"]
    assert totals["ratings"] == len(ratings)
    assert totals["average_rating"] == round(sum(ratings) / len(ratings), 2)


def fees_direct(unit_path: str, first: datetime.date, last_month: datetime.date) -> dict[str, Any]:
    """Fees on the dossiers received in the period, counted one payment request at a time, the money
    from the paid payment attempts (one counted per fee, however many paid it)."""
    from precinct.payments.models import Payment, PaymentRequest

    end = add_months(last_month, 1) - datetime.timedelta(days=1)
    paid_attempts: dict[int, list[int]] = {}
    for request_id, amount in Payment.objects.filter(status="paid").values_list("request_id", "amount_vnd"):
        paid_attempts.setdefault(request_id, []).append(amount)
    billed = paid = vnd = 0
    for request in PaymentRequest.objects.select_related("dossier"):
        d = request.dossier
        if not d.unit_path.startswith(unit_path) or not first <= d.received_on <= end:
            continue
        assert (request.status == "paid") == (request.pk in paid_attempts), request  # paid only by an attempt
        if request.status == "cancelled":
            continue
        billed += 1
        if request.status == "paid":
            paid += 1
            vnd += paid_attempts[request.pk][0]
    share = round(100 * paid / billed, 2) if billed else None
    return {"billed_count": billed, "paid_count": paid, "paid_vnd": vnd, "share_paid_online": share}


def test_fees_paid_online_are_counted_alike_on_the_page_in_the_api_and_in_the_export(world, folded):
    from precinct.stats.templatetags.stats_tags import format_percent

    client, api = world.client("leader_p"), world.api_client("leader_p")
    seen = dict.fromkeys(("billed_count", "paid_count", "paid_vnd"), 0)
    for unit in (world.province, world.ward_a, world.ward_b, world.department):
        for start, end in periods():
            query = {"unit": unit.code, "from": start, "to": end}
            expected = fees_direct(
                unit.path, datetime.date.fromisoformat(f"{start}-01"), datetime.date.fromisoformat(f"{end}-01")
            )
            answer = api.get("/api/v1/stats/dossiers", query | {"group_by": "unit"}).json()
            page = client.get("/stats/", query)
            book = load_workbook(io.BytesIO(client.get("/stats/export.xlsx", query).content))
            sheet = {str(row[0]): row[1:] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
            by_unit = book.worksheets[2]  # "By unit": code, name, then GROUP_COLUMNS
            header = [str(c.value) for c in by_unit[1]]
            for key, value in expected.items():
                assert answer["totals"][key] == value, (unit.code, start, end, key)
                assert page.context["figures"][key] == value, (unit.code, start, end, key)
                assert sheet[str(FIGURE_LABELS[key])][0] == value, (unit.code, start, end, key)
                if key != "share_paid_online":
                    assert sum(g[key] for g in answer["groups"]) == value, (unit.code, key)  # groups add up
                    column = header.index(str(FIGURE_LABELS[key]))
                    assert sum(row[column] or 0 for row in by_unit.iter_rows(min_row=2, values_only=True)) == value
            body = page.content.decode()
            assert format_percent(expected["share_paid_online"], english=False) in body
            assert f"{format_number(expected['paid_vnd'], english=False)}<small" in body
            if unit == world.province and (start, end) == periods()[0]:
                seen = expected
    # The fixture really paid some fees and left others owed: the figures above mean something.
    assert 0 < seen["paid_count"] < seen["billed_count"] and seen["paid_vnd"] > seen["paid_count"] * 10000
    vietnamese = client.get("/stats/").content.decode()
    assert f"đã nộp {seen['paid_count']}/{seen['billed_count']} khoản phí" in vietnamese
    assert "chưa có số liệu" not in vietnamese
    client.cookies["django_language"] = "en"
    english = client.get("/stats/").content.decode()
    assert f"{seen['paid_count']} of {seen['billed_count']} fees billed" in english


# The ranking's figure columns, in order after the rank and the name (views.RANKED with the share and days).
RANKING = ("received", "resolved", "resolved_early", "resolved_on_time", "resolved_late", "share", "days", "overdue")


class _Cells(HTMLParser):
    """One ranking row as [text, link] per cell."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            self.cells.append(["", ""])
        elif tag == "a" and self.cells:
            self.cells[-1][1] = dict(attrs)["href"] or ""

    def handle_data(self, data: str) -> None:
        if self.cells:
            self.cells[-1][0] += data


def ranking(rows: list[str]) -> list[tuple[str, dict[str, tuple[str, str]]]]:
    """The page's ranking in rank order: (code, {figure: (text shown, link)})."""
    out = []
    for rank, row in enumerate(rows, start=1):
        parser = _Cells()
        parser.feed(row)
        cells = parser.cells
        assert cells[0][0] == str(rank)
        out.append(
            (cells[1][0].split()[0], {m: (text, href) for m, (text, href) in zip(RANKING, cells[2:], strict=True)})
        )
    return out


def test_the_procedure_ranking_counts_open_dossiers_like_a_direct_count(world, folded):
    """Per procedure, "overdue now" on the page, in the API and in the export is a count of the open
    dossiers, within the viewer's unit and the filters; its link lists exactly those; ranking by it works."""
    start, end = periods()[0]
    first, last = datetime.date.fromisoformat(f"{start}-01"), datetime.date.fromisoformat(f"{end}-01")
    residence = Procedure.objects.get(code="CT-03").current.field.code
    seen_overdue: dict[str, int] = {}
    reordered = False  # whether ranking by overdue ever changes the order (else the sort proves nothing)
    for viewer, unit in (("leader_p", world.province), ("leader_a", world.ward_a)):
        client, api = world.client(viewer), world.api_client(viewer)
        for filters in ({}, {"field": residence}, {"procedure": "CT-03"}):
            query = {"from": start, "to": end} | filters  # the viewer's own unit by default
            page = client.get("/stats/", query)
            assert page.status_code == 200 and page.context["report"].scope.unit == unit
            shown = ranking(page.context["procedure_rows"])
            by_code = dict(shown)
            answer = api.get("/api/v1/stats/dossiers", query | {"group_by": "procedure"}).json()
            assert answer["unit"]["code"] == unit.code
            in_api = {g["key"]: g for g in answer["groups"]}
            book = load_workbook(io.BytesIO(client.get("/stats/export.xlsx", query).content))
            sheet = book.worksheets[4]  # "By procedure": code, name, then export.GROUP_COLUMNS
            header = [str(c.value) for c in sheet[1]]
            overdue_column = header.index(str(FIGURE_LABELS["overdue"]))
            in_book = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
            assert set(by_code) == set(in_api) == set(in_book), (viewer, filters)

            expected: dict[str, dict[str, int]] = {}
            for code in {
                *by_code,
                *dossiers_of(unit.path, **filters).values_list("version__procedure__code", flat=True),
            }:
                e = direct_count(unit.path, first, last, procedure=code, field=filters.get("field", ""))
                listed = direct_open(unit.path, procedure=code, field=filters.get("field", ""))
                expected[code] = e
                if not any(e[m] for m in ("received", "resolved", "returned", "withdrawn", "open_not_due", "overdue")):
                    assert code not in by_code or by_code[code]["overdue"][0] == "0", (viewer, code)
                    continue
                assert code in by_code, (viewer, filters, code)  # a procedure with only open dossiers is ranked too
                where = (viewer, filters, code)
                for m in ("received", "resolved", "resolved_early", "resolved_on_time", "resolved_late", "overdue"):
                    assert by_code[code][m][0] == format_number(e[m], english=False), (*where, m)
                for m in ("received", "resolved", "resolved_late", "overdue", "open_not_due"):
                    assert in_api[code][m] == e[m], (*where, m)
                assert in_book[code][overdue_column] == e["overdue"], where
                # The figure links to exactly the dossiers it counts (and the list says as many).
                href = by_code[code]["overdue"][1]
                drilled = client.get(href)
                assert drilled.status_code == 200, where
                assert drilled.context["scope"].procedure.code == code and drilled.context["scope"].unit == unit
                assert drilled.context["page"].paginator.count == e["overdue"], where
                assert (
                    set(drilled.context["page"].paginator.object_list.values_list("pk", flat=True)) == listed["overdue"]
                )
                not_due = client.get(href.replace("measure=overdue", "measure=open_not_due"))
                assert not_due.context["page"].paginator.count == e["open_not_due"], where
                assert (
                    set(not_due.context["page"].paginator.object_list.values_list("pk", flat=True))
                    == listed["open_not_due"]
                )
                if not filters:
                    seen_overdue[f"{viewer} {code}"] = e["overdue"]
            # The rows add up to the headline figures.
            totals = answer["totals"]
            assert sum(g["overdue"] for g in answer["groups"]) == totals["overdue"], (viewer, filters)
            assert sum(g["open_not_due"] for g in answer["groups"]) == totals["open_not_due"], (viewer, filters)
            assert (
                totals["overdue"]
                == direct_count(
                    unit.path, first, last, field=filters.get("field", ""), procedure=filters.get("procedure", "")
                )["overdue"]
            )

            # Ranked by received (the default) and by most overdue now (ties keep the received order).
            received = {c: expected.get(c, {}).get("received", 0) for c in by_code}
            overdue = {c: expected.get(c, {}).get("overdue", 0) for c in by_code}
            assert [code for code, _ in shown] == sorted(by_code, key=lambda c: (-received[c], c)), (viewer, filters)
            by_overdue = ranking(client.get("/stats/", query | {"sort": "overdue"}).context["procedure_rows"])
            reordered |= [code for code, _ in by_overdue] != [code for code, _ in shown]
            assert [code for code, _ in by_overdue] == sorted(by_code, key=lambda c: (-overdue[c], -received[c], c)), (
                viewer,
                filters,
            )
    # The fixture has overdue dossiers, in procedures overdue in different numbers: the ranking is tested.
    assert len(set(seen_overdue.values())) > 1 and max(seen_overdue.values()) > 0, seen_overdue
    assert reordered, seen_overdue


def test_drill_down_lists_closed_dossiers_newest_closed_first(world, folded):
    oldest = Dossier.objects.filter(status__in=RESOLVED_STATUSES).order_by("id").first()
    Dossier.objects.filter(pk=oldest.pk).update(completed_at=timezone.now())  # closed last, submitted first
    listed = world.client("leader_p").get("/stats/dossiers/", {"measure": "resolved", "from": "2000-01"})
    closed = [d.completed_at for d in listed.context["page"].object_list]
    assert len(closed) >= 2 and closed == sorted(closed, reverse=True)
    assert listed.context["page"].object_list[0].pk == oldest.pk
    received = [d.pk for d in world.client("leader_p").get("/stats/dossiers/", {"from": "2000-01"}).context["page"]]
    assert len(received) >= 2 and received == sorted(received, reverse=True)


def test_export_names_units_not_people_stamps_local_time_and_compares_a_year_once(world, folded):
    """Issue 14: the breakdowns' name column is "Tên" (the project catalogue's "Name" is a person's "Họ và
    tên"), the time is local (the page's), and twelve months get one comparison column, not two equal ones."""
    client = world.client("leader_p")
    year = timezone.localdate().year - 1
    book = load_workbook(
        io.BytesIO(client.get("/stats/export.xlsx", {"from": f"{year}-01", "to": f"{year}-12"}).content)
    )
    summary = list(book.worksheets[0].iter_rows(values_only=True))
    header = next(row for row in summary if row and row[0] == "Chỉ tiêu")
    assert [c for c in header if c] == ["Chỉ tiêu", "Kỳ này", "Cùng kỳ năm trước"]
    for sheet in book.worksheets[1:]:
        assert sheet.cell(row=1, column=2).value == "Tên"
    as_of = next(row[1] for row in summary if row and row[0] == "Số liệu tính đến")
    page = client.get("/stats/", {"from": f"{year}-01", "to": f"{year}-12"})
    assert timezone.localtime(page.context["report"].as_of, LOCAL_TZ).strftime("%d/%m/%Y %H:%M:%S") == as_of

    quarter = load_workbook(
        io.BytesIO(client.get("/stats/export.xlsx", {"from": f"{year}-01", "to": f"{year}-03"}).content)
    )
    header = next(row for row in quarter.worksheets[0].iter_rows(values_only=True) if row and row[0] == "Chỉ tiêu")
    assert len([c for c in header if c]) == 4  # previous period and same period last year differ
