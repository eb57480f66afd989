"""Import and export of the procedure catalogue as JSON (format "precinct-catalogue/1"), so an operator
can load all of the province's procedures at once. Importing a procedure that changed publishes a
new version; importing the same file twice changes nothing."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.eservices.models import Procedure, ProcedureVersion, ServiceField, Workflow
from precinct.eservices.permissions import can_edit_catalogue
from precinct.eservices.services import procedure_save
from precinct.eservices.workflow import default_workflow

FORMAT = "precinct-catalogue/1"
COMPARED = (
    "name",
    "name_en",
    "level",
    "receiving_department",
    "deadline_days",
    "fee_vnd",
    "required_documents",
    "guide",
    "form_schema",
    "is_sample",
)


@dataclass(frozen=True)
class ImportResult:
    fields: int
    new_versions: int
    unchanged: int


def _version_values(item: dict[str, Any], fields: dict[str, ServiceField], workflows: dict[str, Workflow]) -> dict:
    hour, minute = (int(p) for p in str(item.get("cutoff", "17:00")).split(":"))
    return {
        "name": item["name"],
        "name_en": item.get("name_en", ""),
        "field": fields[item["field"]],
        "level": item["level"],
        "receiving_department": item.get("receiving_department", ""),
        "deadline_days": item["deadline_days"],
        "fee_vnd": item.get("fee_vnd", 0),
        "cutoff": datetime.time(hour, minute),
        "required_documents": item.get("required_documents", []),
        "guide": item.get("guide", {}),
        "form_schema": item.get("form_schema", {}),
        "workflow": workflows[item.get("workflow", "default")],
        "is_sample": bool(item.get("is_sample", False)),
    }


@transaction.atomic
def catalogue_import(*, actor: Actor, data: dict[str, Any]) -> ImportResult:
    if not can_edit_catalogue(actor):
        raise PermissionDenied()
    if data.get("format") != FORMAT:
        raise ValidationFailed({"format": [_("This is not a Precinct catalogue file.")]})
    for item in data.get("fields", []):
        ServiceField.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "name_en": item.get("name_en", ""), "position": item.get("position", 0)},
        )
    fields = {f.code: f for f in ServiceField.objects.all()}
    default_workflow()
    workflows = {w.key: w for w in Workflow.objects.all()}
    new_versions = unchanged = 0
    for item in data.get("procedures", []):
        try:
            values = _version_values(item, fields, workflows)
        except (KeyError, ValueError) as exc:
            raise ValidationFailed(
                {
                    "procedures": [
                        _("Procedure %(code)s is incomplete or refers to an unknown field or workflow.")
                        % {"code": item.get("code", "?")}
                    ]
                }
            ) from exc
        current = Procedure.objects.filter(code=item["code"]).select_related("current").first()
        version = current.current if current else None
        if version and all(getattr(version, k) == values[k] for k in (*COMPARED, "field", "cutoff", "workflow")):
            unchanged += 1
            continue
        procedure_save(actor=actor, code=item["code"], **values)
        new_versions += 1
    audit_record(
        actor=actor,
        action="eservices.catalogue_import",
        after={"fields": len(fields), "new_versions": new_versions, "unchanged": unchanged},
    )
    return ImportResult(len(fields), new_versions, unchanged)


def catalogue_export() -> dict[str, Any]:
    versions = ProcedureVersion.objects.filter(procedure__current_id__isnull=False).select_related(
        "procedure", "field", "workflow"
    )
    current = [v for v in versions if v.procedure.current_id == v.pk]
    return {
        "format": FORMAT,
        "fields": [
            {"code": f.code, "name": f.name, "name_en": f.name_en, "position": f.position}
            for f in ServiceField.objects.all()
        ],
        "procedures": [
            {
                "code": v.procedure.code,
                "field": v.field.code,
                "workflow": v.workflow.key,
                "version": v.number,
                "cutoff": v.cutoff.strftime("%H:%M"),
                **{k: getattr(v, k) for k in COMPARED},
            }
            for v in sorted(current, key=lambda v: v.procedure.code)
        ],
    }
