"""What the national public-service portal (Cổng Dịch vụ công quốc gia) is told about a dossier.

Status codes: the portal's dossier states (`TrangThaiHoSo`) as the open-source OpenCPS platform maps
them when it synchronises dossiers with the portal (`mappingDossierStatusWithDVCQG`):

    1 new (Mới đăng ký)              2 received (Được tiếp nhận)       3 not accepted (Không được tiếp nhận)
    4 in progress (Đang xử lý)        5 supplement requested (Yêu cầu bổ sung giấy tờ)
    6 financial obligation due (Yêu cầu thực hiện nghĩa vụ tài chính)
    7 withdrawn by the applicant (Công dân yêu cầu rút hồ sơ)         8 stopped / refused (Dừng xử lý)
    9 processed (Đã xử lý xong)       10 result returned (Đã trả kết quả)

The table below is the default; an installation whose portal contract differs sets
`PORTAL_SYNC_STATUS_CODES` (a JSON object, status -> code, merged over the default). The settings check
(`checks.py`) refuses unknown statuses and non-text codes at start-up.
"""

import json
from typing import Any

from django.conf import settings

from precinct.core.memo import Memo
from precinct.eservices.models import Dossier, DossierEvent, DossierStatus

DEFAULT_STATUS_CODES: dict[str, str] = {
    DossierStatus.SUBMITTED: "1",
    DossierStatus.RECEIVED: "2",
    DossierStatus.RETURNED: "3",
    DossierStatus.IN_REVIEW: "4",
    DossierStatus.SUPPLEMENT_REQUESTED: "5",
    DossierStatus.APPROVED: "4",  # still being processed until the result is issued
    DossierStatus.REFUSED: "8",
    DossierStatus.RESULT_ISSUED: "9",
    DossierStatus.DONE: "10",
    DossierStatus.WITHDRAWN: "7",
}

PORTAL_STATUS_LABELS: dict[str, str] = {
    "1": "Mới đăng ký",
    "2": "Được tiếp nhận",
    "3": "Không được tiếp nhận",
    "4": "Đang xử lý",
    "5": "Yêu cầu bổ sung giấy tờ",
    "6": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "7": "Công dân yêu cầu rút hồ sơ",
    "8": "Dừng xử lý",
    "9": "Đã xử lý xong",
    "10": "Đã trả kết quả",
}

_codes = Memo(ttl=3600)


def override_errors(raw: str) -> list[str]:
    """What is wrong with a PORTAL_SYNC_STATUS_CODES value (empty when usable)."""
    if not raw.strip():
        return []
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return [f"not valid JSON: {exc}"]
    if not isinstance(value, dict):
        return ["must be a JSON object mapping a dossier status to a portal code"]
    errors = [f"unknown dossier status {k!r}" for k in value if k not in DossierStatus.values]
    errors += [f"the code for {k!r} must be non-empty text" for k, v in value.items() if not (isinstance(v, str) and v)]
    return errors


def status_codes() -> dict[str, str]:
    raw = getattr(settings, "PORTAL_SYNC_STATUS_CODES", "") or ""

    def load() -> dict[str, str]:
        codes = dict(DEFAULT_STATUS_CODES)
        if raw.strip() and not override_errors(raw):
            codes.update(json.loads(raw))
        return codes

    return dict(_codes.get(raw, load))


def portal_status(status: str) -> str:
    return status_codes().get(status, "")


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def portal_payload(*, dossier: Dossier, event: DossierEvent, procedure_code: str, key: str) -> dict[str, Any]:
    """The body sent for one event. Field names follow the portal's dossier-sync fields (MaHoSo, MaTTHC,
    NgayTiepNhan, NgayHenTra, NgayTra, TrangThaiHoSo); dates are ISO 8601 (dates local, times with offset)."""
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": procedure_code,
        "MaDonViTiepNhan": dossier.unit.code,
        "NgayNopHoSo": _date(dossier.submitted_at),
        "NgayTiepNhan": _date(dossier.received_on),
        "NgayHenTra": _date(dossier.due_date),
        "NgayTra": _date(dossier.completed_at),
        "TrangThaiHoSo": portal_status(dossier.status),
        "event": {
            "idempotency_key": key,
            "id": event.pk,
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "at": _date(event.at),
        },
    }
