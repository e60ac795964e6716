"""Internal audits (đánh giá nội bộ): the plan (dates, auditors, processes), the report, and the findings, each a
nonconformity or an observation linked to the documents it concerns."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.accounts import permissions
from qms.database import lock_row, unit_of_work
from qms.errors import Conflict, Invalid, NotFound
from qms.files.store import FileStore
from qms.models import AuditFinding, Document, FindingKind, InternalAudit, User
from qms.records import evidence, ownership
from qms.records.evidence import Upload

FINDING_LABELS = {FindingKind.NONCONFORMITY: "Điểm không phù hợp", FindingKind.OBSERVATION: "Khuyến nghị, lưu ý"}


def _names(values: list[str] | None) -> list[str]:
    return [value.strip() for value in values or [] if value and value.strip()]


def create(
    session: Session,
    files: FileStore,
    actor: User,
    organization_code: str,
    *,
    starts_on: date | None,
    ends_on: date | None,
    auditors: list[str] | None,
    processes: list[str] | None,
    report: Upload | None,
    today: date,
) -> InternalAudit:
    """Record an audit's plan and, when there is one, its report."""
    organization = evidence.writable_organization(session, actor, organization_code)
    starts_on = evidence.required_date(starts_on, "Cần ghi ngày bắt đầu đánh giá.", "starts_on_required")
    ends_on = ends_on or starts_on
    if ends_on < starts_on:
        raise Invalid("Ngày kết thúc đánh giá không được trước ngày bắt đầu.", code="invalid_dates")
    auditor_names = _names(auditors)
    if not auditor_names:
        raise Invalid("Cần ghi ít nhất một chuyên gia đánh giá.", code="auditors_required")
    in_scope = _names(processes)
    if not in_scope:
        raise Invalid("Cần ghi các quá trình được đánh giá.", code="processes_required")
    stored = evidence.store(files, report)
    with unit_of_work(session):
        evidence.register_file(session, stored)
        audit = InternalAudit(
            organization_id=organization.id, starts_on=starts_on, ends_on=ends_on, auditors=auditor_names,
            processes=in_scope, report_sha256=stored.sha256 if stored else None,
            report_filename=stored.filename if stored else None, created_by_name=actor.full_name,
        )
        session.add(audit)
        session.flush()
        evidence.audit(session, "internal_audit_create", actor, organization.id, f"internal_audit:{audit.id}", {
            "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(), "auditors": auditor_names,
            "processes": in_scope, "report": stored.filename if stored else None,
        }, stored.sha256 if stored else None)
        evidence.searchable(session, audit)
    evidence.read_later(stored)
    return audit


def attach_report(
    session: Session, files: FileStore, actor: User, audit_id: int, report: Upload | None
) -> InternalAudit:
    """The report of an audit recorded before it was written; a report once attached stays."""
    audit = get(session, actor, audit_id)
    permissions.require_role(actor, evidence.WRITER_ROLES, audit.organization_id)
    stored = evidence.store(files, report, required="Cần tải lên tệp báo cáo đánh giá.")
    assert stored is not None
    with unit_of_work(session):
        locked = lock_row(session, InternalAudit, audit_id)
        assert locked is not None
        if locked.report_sha256 is not None:
            raise Conflict("Cuộc đánh giá đã có báo cáo.", code="report_exists")
        evidence.register_file(session, stored)
        locked.report_sha256, locked.report_filename = stored.sha256, stored.filename
        evidence.audit(session, "internal_audit_report", actor, locked.organization_id, f"internal_audit:{audit_id}",
                       {"report": stored.filename}, stored.sha256)
        evidence.searchable(session, locked)
    evidence.read_later(stored)
    return locked


def add_finding(
    session: Session, actor: User, audit_id: int, *, kind: str | None, description: str | None,
    document_ids: list[int] | None,
) -> AuditFinding:
    """A nonconformity or observation, linked to documents of the audited organisation."""
    audit = get(session, actor, audit_id)
    permissions.require_role(actor, evidence.WRITER_ROLES, audit.organization_id)
    try:
        finding_kind = FindingKind(kind or "")
    except ValueError:
        raise Invalid("Loại phát hiện phải là nonconformity hoặc observation.", code="invalid_kind") from None
    text = evidence.text(description, "Cần mô tả phát hiện.", "description_required")
    wanted = sorted(set(document_ids or []))
    documents = list(session.scalars(select(Document).where(Document.id.in_(wanted)))) if wanted else []
    if len(documents) != len(wanted) or any(d.organization_id != audit.organization_id for d in documents):
        raise Invalid("Tài liệu liên quan phải là tài liệu của đơn vị được đánh giá.", code="invalid_documents")
    if finding_kind is FindingKind.NONCONFORMITY and not documents:
        raise Invalid("Điểm không phù hợp cần gắn với ít nhất một tài liệu liên quan.", code="documents_required")
    with unit_of_work(session):
        finding = AuditFinding(audit_id=audit.id, kind=finding_kind, description=text,
                               created_by_name=actor.full_name, documents=documents)
        session.add(finding)
        session.flush()
        evidence.audit(session, "audit_finding_create", actor, audit.organization_id, f"audit_finding:{finding.id}", {
            "internal_audit_id": audit.id, "kind": finding_kind.value, "description": text,
            "documents": [document.code for document in documents],
        })
        evidence.searchable(session, audit)  # the audit's entry holds its findings
    return finding


def of_organization(session: Session, organization_id: int, day: date | None = None) -> list[InternalAudit]:
    """Latest first; with a day, those held then and begun by then (a merged organisation's include its
    predecessors', whose processes it now runs)."""
    query = select(InternalAudit).where(ownership.held_by(InternalAudit, organization_id, day))
    if day is not None:
        query = query.where(InternalAudit.starts_on <= day)
    return list(session.scalars(query.order_by(InternalAudit.starts_on.desc(), InternalAudit.id.desc())))


def get(session: Session, viewer: User, audit_id: int) -> InternalAudit:
    audit = session.get(InternalAudit, audit_id)
    if audit is None or not permissions.can_read(viewer, audit.organization_id):
        raise NotFound("Không tìm thấy cuộc đánh giá nội bộ.")
    return audit


def get_finding(session: Session, viewer: User, finding_id: int) -> AuditFinding:
    finding = session.get(AuditFinding, finding_id)
    if finding is None or not permissions.can_read(viewer, finding.audit.organization_id):
        raise NotFound("Không tìm thấy phát hiện đánh giá.")
    return finding
