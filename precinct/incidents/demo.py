"""Demo incidents: this year's register in the demo wards (calls, walk-ins, patrols, one crime report referred
to a case), most crimes opened as cases and many solved, and 2016–2020 base figures so that the
crime-reduction figure shows on the statistics page. Written through the services, as the wards' officers."""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from precinct.accounts.personal_id import sex_century_digit
from precinct.audit.services import audit_record
from precinct.core.demo import DemoAccount
from precinct.incidents import campaign_services, events, services
from precinct.incidents.models import (
    Arrest,
    CampaignIncident,
    Exhibit,
    ExhibitHandover,
    Incident,
    IncidentEvent,
    IncidentPerson,
    PersonRole,
)
from precinct.organisation.demo import demo_communes
from precinct.organisation.models import Role
from precinct.organisation.selectors import province_root_or_none, role_holders_nearest
from precinct.tips.models import Tip, TipStatus
from precinct.tips.services import handling

# (article, share of the year's crimes, what happened)
CRIMES = [
    ("173", 30, "Mất trộm xe máy Honda Wave dựng trước cửa nhà, không khóa cổ."),
    ("173", 0, "Trộm cắp điện thoại di động tại quán cà phê."),
    ("134", 12, "Xô xát giữa hai nhóm thanh niên trước quán karaoke, một người bị thương phải đi viện."),
    ("174", 10, "Lừa đảo bán tour du lịch Hạ Long qua mạng xã hội, nhận tiền cọc rồi cắt liên lạc."),
    ("171", 5, "Cướp giật túi xách của du khách trên đường Hạ Long."),
    ("321", 8, "Nhóm người đánh bạc bằng hình thức đánh bài ăn tiền tại nhà riêng."),
    ("251", 8, "Phát hiện đối tượng mua bán trái phép ma túy tổng hợp tại khu nhà trọ."),
    ("255", 3, "Tổ chức sử dụng trái phép chất ma túy tại phòng hát karaoke."),
    ("201", 4, "Cho vay lãi nặng 30%/tháng, đe dọa người vay chậm trả (tín dụng đen)."),
    ("290", 5, "Giả danh công an gọi điện yêu cầu chuyển tiền để \u201cxác minh tài khoản\u201d."),
    ("242", 2, "Dùng kích điện khai thác thủy sản trái phép trong vùng nuôi ngao."),
    ("188", 2, "Vận chuyển hàng lậu qua đường biển không có hóa đơn chứng từ."),
]
OTHERS = [
    ("administrative", "", "Gây mất trật tự công cộng sau 22 giờ tại khu dân cư, lập biên bản xử phạt."),
    ("traffic_accident", "", "Va chạm giữa xe máy và ô tô tại ngã tư, một người bị thương nhẹ."),
    ("fire_rescue", "", "Cháy kho chứa lưới đánh cá, không có thiệt hại về người."),
    ("other", "", "Người dân giao nộp ví nhặt được, đã trả lại cho người mất."),
]
SOURCES = ["phone", "phone", "walk_in", "patrol", "transferred"]
# Yearly averages per ward before the system, a little above this year's pace: the page shows a reduction.
BASE = {"social_order": 46, "drugs": 7, "economic_corruption": 4, "environment": 2, "high_tech": 3, "other": 1}
CRIMES_PER_WARD = 60


def _officer(unit: Any, role: str) -> Any:
    holders = role_holders_nearest(unit_path=unit.path, role=role)
    return holders[0] if holders else None


def seed(*, stdout: Any) -> list[DemoAccount]:
    root = province_root_or_none()
    if root is None or Incident.objects.exists():
        return []
    rng = random.Random(16)  # the same demo every time
    now = timezone.now()
    start = now.replace(month=1, day=1, hour=8, minute=0, second=0, microsecond=0)
    days = max((now - start).days, 1)
    articles = [a for a, weight, _text in CRIMES for _ in range(weight)]
    texts = {a: t for a, _w, t in CRIMES}
    count = 0
    for ward in demo_communes(root):
        officer, leader = _officer(ward, Role.OFFICER), _officer(ward, Role.LEADER)
        if officer is None or leader is None:
            continue
        department = ward.parent or root
        for year in range(2016, 2021):
            for group, average in BASE.items():
                services.base_figure_set(
                    actor=leader,
                    unit=ward,
                    year=year,
                    crime_group=group,
                    count=max(0, average + rng.randint(-average // 5, average // 5)),
                )
        plans: list[tuple[str, str, str]] = [("crime", a, texts[a]) for a in rng.sample(articles, CRIMES_PER_WARD)]
        plans += [OTHERS[i % len(OTHERS)] for i in range(20)]
        for classification, article, text in plans:
            received = start + datetime.timedelta(days=rng.randrange(days), minutes=rng.randrange(600))
            incident = services.incident_record(
                actor=officer,
                data=services.NewIncident(
                    unit=ward,
                    source=rng.choice(SOURCES),
                    description=text,
                    classification=classification,
                    article=article,
                    priority=rng.choice((2, 2, 2, 3, 4)),
                    occurred_at=received - datetime.timedelta(hours=rng.randrange(1, 48)),
                    received_at=received,
                    address=f"Tổ {rng.randint(1, 12)}, khu {rng.randint(1, 8)}, {ward.name.removeprefix('Công an ')}",
                ),
            )
            count += 1
            age = (now - received).days
            if age < 3:
                continue  # the last days' incidents are still open on the duty log
            if classification != "crime":
                final = {"administrative": "administrative"}.get(classification, "not_a_crime")
                services.incident_transition(actor=officer, incident=incident, status=final)
                continue
            if rng.random() < 0.1:
                services.incident_transition(actor=officer, incident=incident, status="verifying")
                continue
            services.incident_transition(
                actor=officer,
                incident=incident,
                status="case_opened",
                case_number=f"{incident.pk:03d}/QĐ-CSĐT",
                case_opened_on=timezone.localdate(received),
                investigating_unit=department if article in ("251", "255", "201", "290", "188") else ward,
            )
            if age > 30 and rng.random() < 0.7:
                services.incident_transition(actor=officer, incident=incident, status="solved")
            elif age > 90 and rng.random() < 0.3:
                services.incident_transition(actor=officer, incident=incident, status="suspended")
    _refer_a_report(communes=demo_communes(root))
    persons, exhibits = _case_files(root=root, communes=demo_communes(root), rng=rng, now=now)
    stdout.write(
        f"Incidents: {count} this year in the demo wards, with 2016–2020 base figures; a campaign, "
        f"{persons} persons involved and {exhibits} exhibits."
    )
    return []


SUSPECTS = ["Nguyễn Văn Hùng", "Trần Đức Minh", "Phạm Thị Lan", "Lê Văn Tuấn", "Hoàng Văn Nam", "Vũ Thị Hoa"]
VICTIMS = ["Đặng Thị Mai", "Bùi Văn Long", "Ngô Thị Hằng", "Đỗ Văn Sơn"]
EXHIBITS = {
    "173": ("Xe máy Honda Wave", "1", "chiếc", 15_000_000),
    "251": ("Ma túy tổng hợp (ma túy đá)", "12.5", "gam", None),
    "255": ("Bộ dụng cụ sử dụng ma túy", "2", "bộ", 200_000),
    "201": ("Sổ ghi chép cho vay, tiền mặt", "1", "bộ", 85_000_000),
    "321": ("Tiền đánh bạc, bộ bài tây", "1", "bộ", 23_500_000),
    "174": ("Điện thoại di động dùng để lừa đảo", "3", "chiếc", 9_000_000),
}
CASE_FILES = 24  # incidents given persons and exhibits


def _personal_id(rng: random.Random, born: datetime.date, sex: str) -> str:
    digit = sex_century_digit(sex=sex, birth_year=born.year)
    return f"022{digit}{born.year % 100:02d}{rng.randrange(10**6):06d}"


def _case_files(*, root: Any, communes: list[Any], rng: random.Random, now: datetime.datetime) -> tuple[int, int]:
    """A campaign over the demo wards, and persons (suspects arrested, some released; victims; witnesses)
    and exhibits with a short custody chain on some of this year's criminal cases. Written in bulk (seed_demo
    runs before every browser test), with their history rows and one audit row for the lot."""
    leader = _officer(root, Role.LEADER)
    cases = list(
        Incident.objects.filter(unit__in=communes, status__in=("case_opened", "solved"), article__in=EXHIBITS)
        .select_related("unit")
        .order_by("received_at")[:CASE_FILES]
    )
    if not cases or leader is None:
        return 0, 0
    today = timezone.localdate(now)
    campaign = campaign_services.campaign_create(
        actor=leader,
        name=f"Cao điểm tấn công, trấn áp tội phạm tín dụng đen, ma túy năm {today.year}",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
        lead_unit=root,
        units=communes,
        targets="Triệt phá ít nhất 5 đường dây, ổ nhóm; bắt giữ 30 đối tượng; thu giữ toàn bộ tang vật.",
        target_rings=5,
        target_arrests=30,
    )
    persons: list[IncidentPerson] = []
    exhibits: list[Exhibit] = []
    history: list[IncidentEvent] = []
    tags: list[CampaignIncident] = []
    for incident in cases:
        for i in range(rng.randint(1, 2)):
            born = datetime.date(rng.randint(1970, 2004), rng.randint(1, 12), rng.randint(1, 28))
            sex = rng.choice(("male", "male", "female"))
            persons.append(
                IncidentPerson(
                    incident=incident,
                    role=PersonRole.SUSPECT,
                    full_name=rng.choice(SUSPECTS),
                    personal_id=_personal_id(rng, born, sex) if i == 0 else "",
                    date_of_birth=born,
                    sex=sex,
                    address=f"Tổ {rng.randint(1, 12)}, {incident.unit.name.removeprefix('Công an ')}",
                    added_at=incident.received_at,
                )
            )
        persons.append(
            IncidentPerson(
                incident=incident, role=PersonRole.VICTIM, full_name=rng.choice(VICTIMS), added_at=incident.received_at
            )
        )
        description, quantity, measure, value = EXHIBITS[incident.article]
        exhibits.append(
            Exhibit(
                incident=incident,
                description=description,
                quantity=Decimal(quantity),
                measure=measure,
                estimated_value=value,
                seized_at=incident.received_at + datetime.timedelta(hours=2),
                stored_at=f"Kho vật chứng {incident.unit.name}",
                recorded_at=incident.received_at + datetime.timedelta(hours=2),
            )
        )
        tags.append(
            CampaignIncident(
                campaign=campaign,
                incident=incident,
                ring_dismantled=incident.article in ("201", "251") and rng.random() < 0.5,
                tagged_at=now,
            )
        )
    IncidentPerson.objects.bulk_create(persons)
    Exhibit.objects.bulk_create(exhibits)
    CampaignIncident.objects.bulk_create(tags)
    arrests: list[Arrest] = []
    for person in persons:
        if person.role != PersonRole.SUSPECT:
            continue
        arrested_on = min(timezone.localdate(person.incident.received_at) + datetime.timedelta(days=1), today)
        released = arrested_on + datetime.timedelta(days=rng.randint(3, 9))
        released_on = released if released < today and rng.random() < 0.3 else None
        arrests.append(
            Arrest(
                person=person,
                arrested_on=arrested_on,
                grounds="Bắt người phạm tội quả tang" if rng.random() < 0.5 else "Lệnh bắt bị can để tạm giam",
                released_on=released_on,
                release_reason="Thay đổi biện pháp ngăn chặn: cho tại ngoại" if released_on else "",
                recorded_at=now,
            )
        )
        history.append(
            IncidentEvent(
                incident=person.incident,
                at=now,
                action=events.PERSON_ADDED,
                to_status=person.incident.status,
                from_status=person.incident.status,
                data={"person": person.pk, "role": person.role},
            )
        )
    Arrest.objects.bulk_create(arrests)
    handovers: list[ExhibitHandover] = []
    for exhibit in exhibits:
        holder, at = exhibit.stored_at, exhibit.seized_at
        for sequence, (to, why) in enumerate(
            [("Cơ quan Cảnh sát điều tra Công an tỉnh", "Chuyển hồ sơ vụ án"), ("Phòng Kỹ thuật hình sự", "Giám định")][
                : rng.randint(0, 2)
            ],
            start=1,
        ):
            at = min(at + datetime.timedelta(days=rng.randint(1, 5)), now)
            handovers.append(
                ExhibitHandover(
                    exhibit=exhibit,
                    sequence=sequence,
                    from_holder=holder,
                    to_holder=to,
                    at=at,
                    reason=why,
                    recorded_at=now,
                )
            )
            holder = to
        if holder != exhibit.stored_at:
            exhibit.stored_at = holder
        history.append(
            IncidentEvent(
                incident=exhibit.incident,
                at=now,
                action=events.EXHIBIT_SEIZED,
                to_status=exhibit.incident.status,
                from_status=exhibit.incident.status,
                data={"exhibit": exhibit.reference},
            )
        )
    ExhibitHandover.objects.bulk_create(handovers)
    Exhibit.objects.bulk_update(exhibits, ["stored_at"])
    IncidentEvent.objects.bulk_create(history)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="incidents.demo_case_files",
            target=campaign,
            unit=root,
            after={
                "persons": len(persons),
                "arrests": len(arrests),
                "exhibits": len(exhibits),
                "handovers": len(handovers),
            },
        )
    return len(persons), len(exhibits)


def _refer_a_report(*, communes: list[Any]) -> None:
    """The first demo crime report (tips' demo, first demo ward) referred to a case by the ward's officer."""
    tip = Tip.objects.filter(unit__in=communes[:1], status=TipStatus.NEW).order_by("filed_at").first()
    officer = _officer(communes[0], Role.OFFICER) if communes else None
    if tip is None or officer is None:
        return
    handling.tip_transition(actor=officer, tip=tip, status=TipStatus.TRIAGE)
    handling.tip_transition(
        actor=officer,
        tip=tip,
        status=TipStatus.REFERRED,
        case_summary="Tin báo về nhóm cho vay nặng lãi dán quảng cáo ở đầu chợ; cần xác minh.",
    )
