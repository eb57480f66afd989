"""Import of an existing register (CSV or XLSX, the columns of the export: services.reading.EXPORT_COLUMNS) into
a ward. Every row is checked first (personal ID rules, dates dd/mm/yyyy, choices, repeats inside the file); the
officer imports all rows or none, or explicitly only the valid ones. Each attempt is an ImportBatch whose errors
are the downloadable report. Re-importing is harmless: a file already applied to the ward is refused as such,
and a row whose person is already in the register (same personal ID, or the same name and birth date in the
ward when there is no ID) is counted as unchanged, never written twice."""

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.accounts.actors import as_user
from precinct.accounts.personal_id import personal_id_errors
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied
from precinct.core.formats import format_date, format_datetime
from precinct.core.text import fold
from precinct.organisation.models import Unit
from precinct.residence import permissions
from precinct.residence.models import (
    Basis,
    ImportBatch,
    ImportStatus,
    Person,
    PersonStatus,
    ResidenceKind,
    ResidenceRecord,
    SexChoices,
)
from precinct.residence.services.reading import EXPORT_COLUMNS

MAX_ROWS = 50_000


@dataclass
class Parsed:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row number in the file, values)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _error(row: int, column: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "message": message}


def _read(name: str, content: bytes) -> list[list[Any]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # a damaged or disguised file: openpyxl raises many kinds
            raise DomainError("bad_file", _("The file is not a readable Excel workbook."), status=422) from exc
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError("bad_file", _("The CSV file is not in UTF-8."), status=422) from exc
    return list(csv.reader(io.StringIO(text)))


def _text(value: Any) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return format_date(value)  # an Excel date cell, as people type it
    return " ".join(str(value if value is not None else "").split())


def parse(*, name: str, content: bytes) -> Parsed:
    """The file's rows as values by column, and every problem found, row by row."""
    table = _read(name, content)
    if not table or [_text(c) for c in table[0]][: len(EXPORT_COLUMNS)] != list(EXPORT_COLUMNS):
        raise DomainError(
            "bad_header",
            _("The first row must name the columns: %(columns)s.") % {"columns": ", ".join(EXPORT_COLUMNS)},
            status=422,
        )
    if len(table) - 1 > MAX_ROWS:
        raise DomainError("too_many_rows", _("At most %(n)d rows per file.") % {"n": MAX_ROWS}, status=422)
    parsed = Parsed()
    seen: dict[str, int] = {}
    for number, raw in enumerate(table[1:], start=2):
        values: dict[str, Any] = {c: _text(raw[i]) if i < len(raw) else "" for i, c in enumerate(EXPORT_COLUMNS)}
        if not any(values.values()):
            continue
        problems: list[dict[str, Any]] = []
        for column, value in values.items():  # PostgreSQL stores no NUL in text: refused here, not a 500
            if "\x00" in value:
                problems.append(
                    _error(number, column, _("The text contains a NUL character (\\0), which is not accepted."))
                )
                values[column] = value.replace("\x00", "")
        if not values["full_name"]:
            problems.append(_error(number, "full_name", _("Give the full name.")))
        dob = None
        if values["date_of_birth"]:
            try:
                dob = datetime.datetime.strptime(values["date_of_birth"], "%d/%m/%Y").date()
            except ValueError:
                problems.append(_error(number, "date_of_birth", _("Give a possible date of birth as dd/mm/yyyy.")))
            else:
                if dob > timezone.localdate() or dob.year < 1900:
                    problems.append(_error(number, "date_of_birth", _("Give a possible date of birth as dd/mm/yyyy.")))
        if values["sex"] not in ("", *SexChoices.values):
            problems.append(_error(number, "sex", _("Choose male or female.")))
        if values["status"] not in ("", *PersonStatus.values):
            problems.append(_error(number, "status", _("Choose living, deceased or missing.")))
        if pid := values["personal_id"]:
            for message in personal_id_errors(pid, date_of_birth=dob, sex=values["sex"]):
                problems.append(_error(number, "personal_id", str(message)))
            if pid in seen:
                problems.append(
                    _error(number, "personal_id", _("The same number is on row %(row)d.") % {"row": seen[pid]})
                )
            seen.setdefault(pid, number)
        values["date_of_birth"] = dob
        parsed.errors.extend(problems)
        if not problems:
            parsed.rows.append((number, values))
    return parsed


def _existing(unit: Unit, rows: list[tuple[int, dict[str, Any]]]) -> tuple[set[str], set[tuple[str, Any]]]:
    ids = [v["personal_id"] for _n, v in rows if v["personal_id"]]
    known_ids = set(Person.objects.filter(personal_id__in=ids).values_list("personal_id", flat=True))
    known_names = set(
        Person.objects.filter(unit_path__startswith=unit.path, personal_id="").values_list(
            "name_folded", "date_of_birth"
        )
    )
    return known_ids, known_names


@transaction.atomic
def register_import(*, actor: Actor, unit: Unit, name: str, content: bytes, only_valid: bool = False) -> ImportBatch:
    """Check the file and import it into the ward: every row or none (a row in error refuses the file), or,
    when the officer says so, only the valid rows. Returns the batch (its errors are the report)."""
    if not permissions.can_manage_register(actor, unit):
        raise PermissionDenied(_("You may not change the register of this ward."))
    digest = hashlib.sha256(content).hexdigest()
    earlier = ImportBatch.objects.filter(unit=unit, file_sha256=digest, status=ImportStatus.APPLIED).first()
    if earlier is not None:
        raise DomainError(
            "already_imported",
            _("This file was already imported into this ward on %(date)s; nothing was changed.")
            % {"date": format_datetime(earlier.at)},
            status=409,
        )
    parsed = parse(name=name, content=content)
    batch = ImportBatch(
        unit=unit,
        unit_path=unit.path,
        file_name=name[:200],
        file_sha256=digest,
        only_valid=only_valid,
        rows=len(parsed.rows) + len({e["row"] for e in parsed.errors}),
        errors=parsed.errors,
        by=as_user(actor),
        at=timezone.now(),
    )
    if parsed.errors and not only_valid:
        batch.status = ImportStatus.REFUSED
        batch.save()
        audit_record(
            actor=actor,
            action="residence.import_refused",
            target=batch,
            unit=unit,
            after={"file": batch.file_name, "rows": batch.rows, "errors": len(parsed.errors)},
        )
        return batch
    known_ids, known_names = _existing(unit, parsed.rows)
    today = timezone.localdate()
    new: list[tuple[Person, str]] = []
    for _number, v in parsed.rows:
        folded = fold(v["full_name"])
        if (v["personal_id"] and v["personal_id"] in known_ids) or (
            not v["personal_id"] and (folded, v["date_of_birth"]) in known_names
        ):
            batch.unchanged += 1
            continue
        person = Person(
            personal_id=v["personal_id"],
            full_name=v["full_name"],
            name_folded=folded,
            date_of_birth=v["date_of_birth"],
            sex=v["sex"],
            place_of_origin=v["place_of_origin"],
            ethnicity=v["ethnicity"],
            nationality=(v["nationality"] or "VN")[:2].upper(),
            status=v["status"] or PersonStatus.LIVING,
            unit=unit,
            unit_path=unit.path,
            verified_on=today,
        )
        new.append((person, v["permanent_address"]))
    Person.objects.bulk_create([p for p, _a in new], batch_size=2000)
    ResidenceRecord.objects.bulk_create(
        [
            ResidenceRecord(
                person=p,
                kind=ResidenceKind.PERMANENT,
                unit=unit,
                unit_path=unit.path,
                address=address,
                start=today,
                basis=Basis.IMPORT,
            )
            for p, address in new
            if address
        ],
        batch_size=2000,
    )
    batch.created = len(new)
    batch.status = ImportStatus.APPLIED
    batch.save()
    audit_record(
        actor=actor,
        action="residence.import_applied",
        target=batch,
        unit=unit,
        after={
            "file": batch.file_name,
            "rows": batch.rows,
            "created": batch.created,
            "unchanged": batch.unchanged,
            "skipped_errors": len({e["row"] for e in parsed.errors}),
        },
    )
    return batch


def error_report(batch: ImportBatch) -> bytes:
    """The batch's problems as CSV: row, column, message (UTF-8 with a BOM for spreadsheet programs)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("row"), _("column"), _("message")])
    for e in batch.errors:
        writer.writerow([e["row"], e["column"], e["message"]])
    return out.getvalue().encode("utf-8")
