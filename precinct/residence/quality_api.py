"""The work queue and the rules through the JSON API (ADR 0038), on the register's router (imported at the end
of api.py): the same selectors, services and permissions as the pages."""

from typing import Any

from django.http import HttpRequest
from ninja import Schema

from precinct.core.api_support import signed_in
from precinct.core.api_types import Id
from precinct.core.errors import NotFound, PermissionDenied
from precinct.core.openapi import declares
from precinct.residence import permissions, rules, selectors, workqueue
from precinct.residence.api import router
from precinct.residence.models import QualityIssue, QualityRule

QUEUE_LIMIT = 500


class IssueOut(Schema):
    id: int
    rule: str
    dimension: str
    ward: str
    person: int | None
    other: int | None
    household: int | None
    record: int | None
    detail: str
    state: str
    reason: str

    @staticmethod
    def resolve_detail(obj: QualityIssue) -> str:
        return obj.detail_text

    @staticmethod
    def resolve_rule(obj: QualityIssue) -> str:
        return obj.rule.code

    @staticmethod
    def resolve_dimension(obj: QualityIssue) -> str:
        return obj.rule.dimension

    @staticmethod
    def resolve_ward(obj: QualityIssue) -> str:
        return obj.unit_path.rstrip("/").rsplit("/", 1)[-1]

    @staticmethod
    def resolve_person(obj: QualityIssue) -> int | None:
        return obj.person_id

    @staticmethod
    def resolve_other(obj: QualityIssue) -> int | None:
        return obj.other_id

    @staticmethod
    def resolve_household(obj: QualityIssue) -> int | None:
        return obj.household_id

    @staticmethod
    def resolve_record(obj: QualityIssue) -> int | None:
        return obj.record_id


class ReasonIn(Schema):
    reason: str


class ScanOut(Schema):
    opened: int
    fixed: int


class RuleOut(Schema):
    code: str
    dimension: str
    applies_to: str
    is_active: bool
    parameters: dict[str, Any]
    label_vi: str
    label_en: str


class RuleIn(Schema):
    is_active: bool
    parameters: dict[str, Any] = {}


@router.get("/residence/queue/{unit_code}", response=list[IssueOut], auth=signed_in)
def queue_list(
    request: HttpRequest, unit_code: str, dimension: str = "", rule: str = "", state: str = "open"
) -> list[QualityIssue]:
    """A ward's work queue (open findings by default; at most 500)."""
    unit = selectors.ward_get(actor=request.user, code=unit_code)
    return list(
        selectors.issue_list(actor=request.user, unit=unit, dimension=dimension, rule=rule, state=state)[:QUEUE_LIMIT]
    )


@router.post("/residence/queue/{unit_code}/scan", response=ScanOut, auth=signed_in)
def queue_scan(request: HttpRequest, unit_code: str) -> dict[str, int]:
    """Scan the whole ward now: new findings open, those that no longer hold close as fixed."""
    unit = selectors.ward_get(actor=request.user, code=unit_code)
    opened, fixed = workqueue.ward_sync(actor=request.user, unit=unit)
    return {"opened": opened, "fixed": fixed}


@router.post("/residence/issues/{pk}/confirm", response=IssueOut, auth=signed_in, openapi_extra=declares(409))
def issue_confirm(request: HttpRequest, pk: Id, body: ReasonIn) -> QualityIssue:
    """The record is right as it is: the finding closes, with the reason, and is not opened again."""
    issue = selectors.issue_get(actor=request.user, pk=pk)
    return workqueue.issue_confirm(actor=request.user, issue=issue, reason=body.reason)


@router.post("/residence/issues/{pk}/not-duplicate", response=IssueOut, auth=signed_in, openapi_extra=declares(409))
def issue_not_duplicate(request: HttpRequest, pk: Id, body: ReasonIn) -> QualityIssue:
    """The two records of a possible duplicate are different people (NotDuplicate), with the reason."""
    issue = selectors.issue_get(actor=request.user, pk=pk)
    return workqueue.issue_not_duplicate(actor=request.user, issue=issue, reason=body.reason)


@router.get("/residence/quality-rules", response=list[RuleOut], auth=signed_in)
def rule_list(request: HttpRequest) -> list[QualityRule]:
    """The data-quality rules (the province's administrative-management department and leaders; 403 for others:
    the rules are no secret, only theirs to change)."""
    if not permissions.can_manage_rules(request.user):
        raise PermissionDenied()
    return selectors.quality_rules()


@router.post("/residence/quality-rules/{code}", response=RuleOut, auth=signed_in)
def rule_update(request: HttpRequest, code: str, body: RuleIn) -> QualityRule:
    """Switch a rule on or off and change its parameters (each checked; a bad one changes nothing)."""
    if not permissions.can_manage_rules(request.user):
        raise PermissionDenied()
    found = next((r for r in selectors.quality_rules() if r.code == code), None)
    if found is None:
        raise NotFound()
    return rules.rule_update(actor=request.user, rule=found, is_active=body.is_active, parameters=body.parameters)
