"""Plan 56/KH-UBND (implementing Project 06) with 64 tasks in the seeds' proportions — 14 completed, 21 on
schedule, 19 maintained regularly, the other 10 at risk, late or not started — and the indicators leaders
follow. Everything goes through the services, as the province leader; statuses come out of the facts."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from precinct.accounts.models import User
from precinct.core.demo import DemoAccount
from precinct.organisation.selectors import commune_level_units, province_root_or_none, unit_by_code
from precinct.planning import services
from precinct.planning.models import ActivityKind, Direction, Plan, TaskKind
from precinct.planning.status import previous_period_start

NUMBER = "56/KH-UBND"
SUBJECTS = (
    "Triển khai cấp, quản lý căn cước và tài khoản định danh điện tử mức độ 2",
    "Làm sạch dữ liệu dân cư, bảo đảm dữ liệu đúng, đủ, sạch, sống",
    "Kết nối, chia sẻ dữ liệu dân cư với các sở, ngành",
    "Tuyên truyền lợi ích của dịch vụ công trực tuyến toàn trình",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Hướng dẫn người dân thanh toán phí, lệ phí trực tuyến",
    "Triển khai tổ công tác Đề án 06 cấp xã",
    "Bảo đảm an ninh, an toàn hệ thống thông tin",
    "Ứng dụng VNeID trong lưu trú du lịch",
    "Đánh giá, sơ kết kết quả thực hiện Đề án 06",
)
KINDS = (TaskKind.MONTHLY, TaskKind.QUARTERLY, TaskKind.YEARLY, TaskKind.CONTINUOUS)


def seed(*, stdout: Any) -> list[DemoAccount]:
    root = province_root_or_none()
    leader = User.objects.filter(username="lanhdao.tinh").first()
    if root is None or leader is None:
        stdout.write("Planning: no province or no province leader; Plan 56 not loaded.")
        return []
    if Plan.objects.filter(number=NUMBER).exists():
        return []
    with transaction.atomic():
        _seed(root, leader)
    stdout.write(f"Planning: Plan {NUMBER} loaded with 64 tasks, 4 indicators and 93 activities (/planning/).")
    return []


def _seed(root: Any, leader: User) -> None:
    today = timezone.localdate()
    start = datetime.date(today.year - 3, 1, 1)
    units = [root]
    department = unit_by_code(f"{root.code}-PC06")
    if department is not None:
        units.append(department)
    units += list(commune_level_units()[:4])
    plan = services.plan_create(
        actor=leader,
        number=NUMBER,
        title="Kế hoạch triển khai Đề án 06 về phát triển ứng dụng dữ liệu dân cư, định danh và xác thực điện tử",
        issuer="Ủy ban nhân dân " + root.name.removeprefix("Công an ").strip(),
        issued_on=start,
        period_start=start,
        period_end=datetime.date(today.year + 1, 12, 31),
        lead_unit_code=root.code,
    )
    day = datetime.timedelta(days=1)
    # (how many, kind of task, due date from today in days, what is reported)
    groups = (
        (14, "done", 90),
        (21, "on_schedule", 120),
        (19, "maintained", None),
        (4, "at_risk", 5),
        (3, "late", -20),
        (3, "not_started", 200),
    )
    position = 0
    for count, fate, due_in in groups:
        for i in range(count):
            position += 1
            lead = units[position % len(units)]
            others = [u.code for u in units if u != lead][: position % 3]
            kind = KINDS[i % len(KINDS)] if fate == "maintained" else TaskKind.DUE
            task = services.task_create(
                actor=leader,
                plan=plan,
                data=services.TaskInput(
                    position=position,
                    content=f"{SUBJECTS[position % len(SUBJECTS)]} (nhiệm vụ {position})",
                    lead_unit_code=lead.code,
                    coordinating_codes=others,
                    kind=kind,
                    due_on=today + day * (due_in + i * 3) if due_in is not None else None,
                    starts_on=start,
                    expected_output="Báo cáo kết quả" if kind != TaskKind.DUE else "Văn bản, báo cáo hoàn thành",
                ),
            )
            if fate == "done":
                services.task_update_report(
                    actor=leader,
                    task=task,
                    text="Đã hoàn thành theo kế hoạch.",
                    done_on=today - day * (10 + i * 9),
                    evidence=f"Báo cáo số {100 + i}/BC-CAT",
                )
            elif fate == "on_schedule":
                services.task_update_report(actor=leader, task=task, text="Đang triển khai.", percent=30 + i * 3)
            elif fate == "maintained":
                services.task_update_report(
                    actor=leader,
                    task=task,
                    text="Đã thực hiện và báo cáo kỳ trước.",
                    period=previous_period_start(kind, today),
                )
    services.indicator_create(
        actor=leader,
        plan=plan,
        name="Tỷ lệ hồ sơ được giải quyết trực tuyến",
        unit_code=root.code,
        unit_of_measure="%",
        direction=Direction.INCREASE,
        baseline_value="90",
        baseline_label=str(today.year - 2),
        target_value="99",
        measure_key="stats.share_resolved_online",
    )
    crimes = services.indicator_create(
        actor=leader,
        plan=plan,
        name="Tội phạm về trật tự xã hội (so với bình quân 2016–2020)",
        unit_code=root.code,
        unit_of_measure="vụ",
        direction=Direction.DECREASE,
        baseline_value="1000",
        baseline_label="2016–2020",
        target_value="-5",
        target_relative=True,
    )
    discipline = services.indicator_create(
        actor=leader,
        plan=plan,
        name="Tỷ lệ cán bộ, chiến sĩ vi phạm kỷ luật",
        unit_code=root.code,
        unit_of_measure="%",
        direction=Direction.DECREASE,
        baseline_value="0.50",
        baseline_label=str(today.year - 2),
        target_value="0.36",
    )
    degree = services.indicator_create(
        actor=leader,
        plan=plan,
        name="Cán bộ có trình độ cao đẳng, đại học trở lên",
        unit_code=root.code,
        unit_of_measure="%",
        direction=Direction.INCREASE,
        baseline_value="70",
        baseline_label=str(today.year - 2),
        target_value="75",
    )
    year_start = today.replace(month=1, day=1)
    # The seeds: "in the first 6 months of the year ... issued 70 guiding documents and organized 23 thematic
    # conferences"; spread over the year's first half (or what of it has passed).
    half = max(min((today - year_start).days, 180), 0)
    for activity, count, title in (
        (ActivityKind.GUIDING_DOCUMENT, 70, "Văn bản hướng dẫn triển khai Đề án 06 số {n}"),
        (ActivityKind.CONFERENCE, 23, "Hội nghị chuyên đề về Đề án 06 lần {n}"),
    ):
        for n in range(1, count + 1):
            services.activity_record(
                actor=leader,
                plan=plan,
                unit_code=root.code,
                kind=activity,
                occurred_on=year_start + day * (n * half // (count + 1)),
                title=title.format(n=n),
            )
    for indicator, value in ((crimes, "930"), (discipline, "0.45"), (degree, "71")):
        services.indicator_value_enter(
            actor=leader,
            indicator=indicator,
            period_start=year_start,
            period_end=today,
            value=value,
            evidence="Báo cáo tháng",
        )
