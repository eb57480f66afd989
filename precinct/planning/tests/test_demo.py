import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from docx import Document

from precinct.accounts.models import User
from precinct.planning import selectors
from precinct.planning.models import Plan
from precinct.planning.report_docx import report_docx

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_plan_56_reads_like_the_seeds_and_its_docx_says_so():
    call_command("seed_demo", stdout=io.StringIO())
    plan = Plan.objects.get(number="56/KH-UBND")
    leader = User.objects.get(username="lanhdao.tinh")
    view = selectors.plan_overview(actor=leader, plan=plan)
    assert view.total == 64
    counts = view.counts
    assert (counts["done"], counts["on_schedule"], counts["maintained"]) == (14, 21, 19)
    assert counts["at_risk"] + counts["late"] + counts["not_started"] == 10 and counts["late"] == 3
    assert (view.activities["guiding_document"], view.activities["conference"]) == (70, 23)
    crimes = next(r for r in view.indicators if r.indicator.baseline_label == "2016–2020")
    assert (str(crimes.change), crimes.status) == ("-7.0", "on_track")

    with translation.override("vi"):
        text = _text(report_docx(view))
    # The shape of an administrative report, and the seeds' sentence written from data.
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "/BC-", "BÁO CÁO"):
        assert expected in text
    today = timezone.localdate()
    assert f"ngày {today.day:02d} tháng {today.month} năm {today.year}" in text
    assert "Trong 64 nhiệm vụ, 14 đã hoàn thành, 21 đang triển khai đúng tiến độ, 19 được duy trì thường xuyên" in text
    assert "Tội phạm về trật tự xã hội" in text and "-7 %" in text
    assert "70" in text and "23" in text
    late_lines = [line for line in text.splitlines() if line.startswith("Nhiệm vụ ") and "Lý do" in line]
    assert len(late_lines) == 3

    call_command("seed_demo", stdout=io.StringIO())  # again: nothing doubles
    assert Plan.objects.count() == 1


def test_the_report_as_of_a_past_date_shows_the_plan_as_it_stood():
    call_command("seed_demo", stdout=io.StringIO())
    plan = Plan.objects.get(number="56/KH-UBND")
    leader = User.objects.get(username="lanhdao.tinh")
    before = timezone.localdate() - datetime.timedelta(days=400)  # before any task was reported done
    view = selectors.plan_overview(actor=leader, plan=plan, as_of=before)
    assert view.counts["done"] == 0
    with translation.override("en"):
        text = _text(report_docx(view))
    assert "Of 64 tasks, 0 completed" in text
    assert f"as of {before:%d/%m/%Y}" in text
