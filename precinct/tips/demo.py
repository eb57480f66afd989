"""Demo crime reports: key pairs for every receiving unit and a few reports in the first demo ward."""

import datetime
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from precinct.core.demo import DemoAccount
from precinct.organisation.demo import demo_communes
from precinct.organisation.models import Unit
from precinct.tips import services
from precinct.tips.models import Tip

REPORTS = [
    (
        "loan_sharking",
        "Một nhóm cho vay nặng lãi dán quảng cáo 'vay tiền nhanh' ở cột điện đầu chợ, lãi 30%/tháng. "
        "Ai chậm trả thì bị gọi điện đe dọa từ số 0987 654 321.",
        "Xe máy SH trắng 14B1-234.56 thường đỗ trước cửa hàng.",
    ),
    (
        "drugs",
        "Buổi tối có người lạ tụ tập ở nhà trọ cuối ngõ, nghi sử dụng ma túy, có mùi lạ và tiếng ồn đến 2 giờ sáng.",
        "",
    ),
    (
        "fraud",
        "Tôi nhận cuộc gọi giả danh công an yêu cầu chuyển tiền để 'xác minh tài khoản'. Số gọi đến 0356 111 222.",
        "",
    ),
]


def seed(*, stdout: Any) -> list[DemoAccount]:
    call_command("tips_keys", "create", stdout=stdout)
    if Tip.objects.exists():
        return []
    root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    communes = demo_communes(root) if root else []
    if not communes:
        return []
    ward = communes[0]  # the ward whose demo officers (canbo.<ward>, truc.<ward>) can open them
    now = timezone.now()
    for i, (category, text, vehicles) in enumerate(REPORTS):
        filed = services.tip_submit(
            actor=None,
            report=services.Report(
                category=category,
                description=text,
                ward=ward.division_code or ward.code,
                vehicles=vehicles,
                occurred_at=now - datetime.timedelta(days=i + 1, hours=3),
            ),
            now=now - datetime.timedelta(days=i),
        )
        if i == 0:
            stdout.write(
                f"Crime reports: {len(REPORTS)} demo reports for {ward.name}; follow one up at /report/follow-up/ "
                f"with the receipt {filed.receipt}."
            )
    return []
