"""The TTHC catalogue of an organisation: import the list it receives (again and again) and read it.

An import upserts by (organisation, code): new codes are added, changed ones updated, codes no
longer on the list are marked abolished (never deleted) and restored if they come back. Rows that
cannot be read are reported by their spreadsheet row number; the rest of the file still imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qms import clock
from qms.accounts import permissions
from qms.audit import trail
from qms.catalogue.rows import Catalogue, RowError, parse_sheets
from qms.catalogue.spreadsheets import read_sheets
from qms.database import unit_of_work
from qms.errors import Invalid, NotFound
from qms.files import filetypes
from qms.models import Organization, Procedure, Role, User

#: Who imports an organisation's list: its ISO secretary or its administrator.
IMPORT_ROLES = (Role.SECRETARY, Role.ADMIN)

#: The attributes an import sets, in the order a change is reported.
ATTRIBUTES = ("name", "field", "level", "time_text", "time_value", "time_unit", "fee")
ATTRIBUTE_LABELS = {
    "name": "Tên thủ tục",
    "field": "Lĩnh vực",
    "level": "Cấp thực hiện",
    "time_text": "Thời hạn giải quyết",
    "time_value": "Thời hạn giải quyết",
    "time_unit": "Thời hạn giải quyết",
    "fee": "Phí, lệ phí",
}


@dataclass(frozen=True)
class Change:
    code: str
    #: Attribute names, e.g. ["name", "time_text"]; time_value/time_unit only when the text itself did not change.
    fields: list[str]

    @property
    def labels(self) -> list[str]:
        """What changed, in Vietnamese, each once."""
        return list(dict.fromkeys(ATTRIBUTE_LABELS[name] for name in self.fields))


@dataclass
class ImportReport:
    organization: Organization
    filename: str
    added: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    abolished: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "abolished": len(self.abolished),
            "restored": len(self.restored),
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }


def visible_organization(session: Session, viewer: User, organization_code: str) -> Organization:
    """The organisation if the viewer may read it; one answer for "no such" and "not yours"."""
    organization = session.scalar(select(Organization).where(Organization.code == (organization_code or "").strip()))
    if organization is None or not permissions.can_read(viewer, organization.id):
        raise NotFound("Không tìm thấy đơn vị.")
    return organization


def list_procedures(
    session: Session, viewer: User, organization_code: str, *, include_abolished: bool = True
) -> list[Procedure]:
    """The organisation's list by code, abolished ones included unless asked otherwise."""
    organization = visible_organization(session, viewer, organization_code)
    query = select(Procedure).where(Procedure.organization_id == organization.id).order_by(Procedure.code)
    if not include_abolished:
        query = query.where(Procedure.is_abolished.is_(False))
    return list(session.scalars(query))


def catalogue_counts(session: Session, organization_id: int) -> tuple[int, int]:
    """How many procedures the organisation's list holds now, and how many were abolished."""
    rows = session.execute(
        select(Procedure.is_abolished, func.count()).where(Procedure.organization_id == organization_id)
        .group_by(Procedure.is_abolished)
    )
    counts = {abolished: count for abolished, count in rows}
    return counts.get(False, 0), counts.get(True, 0)


def import_procedures(
    session: Session, actor: User | None, organization_code: str, filename: str, content: bytes
) -> ImportReport:
    """Upsert the organisation's list from a .csv/.xlsx file; ``actor`` None is the operator at the command line."""
    organization = session.scalar(select(Organization).where(Organization.code == (organization_code or "").strip()))
    if organization is None or (actor is not None and not permissions.can_read(actor, organization.id)):
        raise NotFound("Không tìm thấy đơn vị.")
    if actor is not None:
        permissions.require_role(actor, IMPORT_ROLES, organization.id)
    filename = filetypes.safe_filename(filename)
    catalogue = parse_sheets(read_sheets(filename, content))
    if not catalogue.entries:
        raise Invalid(_nothing_readable(catalogue), code="no_procedures")
    report = ImportReport(organization, filename, errors=catalogue.errors)
    with unit_of_work(session):
        # One import at a time per organisation: the second waits and then sees the first one's rows.
        session.scalar(select(Organization.id).where(Organization.id == organization.id).with_for_update())
        _apply(session, organization, catalogue, report)
        trail.record(
            session,
            "procedures_import",
            actor=actor,
            organization_id=organization.id,
            subject=f"organization:{organization.id}",
            details=_audit_details(report, catalogue),
        )
    return report


def _apply(session: Session, organization: Organization, catalogue: Catalogue, report: ImportReport) -> None:
    now = clock.now()
    query = select(Procedure).where(Procedure.organization_id == organization.id)
    rows = session.scalars(query.execution_options(populate_existing=True))
    existing = {procedure.code: procedure for procedure in rows}
    for entry in catalogue.entries:
        procedure = existing.get(entry.code)
        if procedure is None:
            defaults: dict[str, Any] = {"field": "", "level": "", "time_text": "", "fee": ""}
            session.add(
                Procedure(
                    organization_id=organization.id, code=entry.code, **{**defaults, **entry.values},
                    created_at=now, updated_at=now,
                )
            )
            report.added.append(entry.code)
            continue
        values = entry.values
        changed = [name for name in ATTRIBUTES if name in values and values[name] != getattr(procedure, name)]
        for name in changed:
            setattr(procedure, name, values[name])
        if procedure.is_abolished:
            procedure.is_abolished, procedure.abolished_at = False, None
            report.restored.append(entry.code)
        if changed:
            procedure.updated_at = now
            if "time_text" in changed:
                changed = [name for name in changed if name not in ("time_value", "time_unit")]
            report.changed.append(Change(entry.code, changed))
        elif entry.code not in report.restored:
            report.unchanged += 1
    # A code on a row with an error is still on the list: only its data could not be read.
    listed = {entry.code for entry in catalogue.entries} | {error.code for error in catalogue.errors if error.code}
    for code, procedure in sorted(existing.items()):
        if code not in listed and not procedure.is_abolished:
            procedure.is_abolished, procedure.abolished_at, procedure.updated_at = True, now, now
            report.abolished.append(code)


def _audit_details(report: ImportReport, catalogue: Catalogue) -> dict[str, Any]:
    return {
        "filename": report.filename,
        "sheet": catalogue.sheet,
        "counts": report.counts,
        "added": report.added,
        "changed": {change.code: change.fields for change in report.changed},
        "abolished": report.abolished,
        "restored": report.restored,
        "errors": [{"row": error.row, "message": error.message} for error in report.errors],
    }


def _nothing_readable(catalogue: Catalogue) -> str:
    message = "Tệp không có dòng thủ tục nào đọc được; danh mục hiện có được giữ nguyên."
    if catalogue.errors:
        first = catalogue.errors[0]
        message += f" Ví dụ, dòng {first.row}: {first.message}"
    return message
