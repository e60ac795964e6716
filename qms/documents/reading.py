"""The read side of documents: what a viewer may see of documents and revisions, and the labels they carry.

This module imports no other domain (legal, catalogue, conformity, inspection), so every domain can read
documents through it without a cycle; the lifecycle, which changes documents, builds on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import and_, event, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from qms import clock, listing
from qms.accounts import organizations, permissions
from qms.audit import trail
from qms.database import unit_of_work
from qms.errors import Conflict, NotFound
from qms.files.store import FileStore
from qms.models import (
    AuditEntry,
    Document,
    DocumentKind,
    DocumentStatus,
    Organization,
    Revision,
    RevisionStatus,
    Role,
    User,
)


def get_document(session: Session, viewer: User, document_id: int) -> Document:
    """The document if the viewer may see it (staff: only while it has a current revision)."""
    document = session.get(Document, document_id)
    if document is None or not permissions.can_read(viewer, document.organization_id):
        raise NotFound("Không tìm thấy tài liệu.")
    if not permissions.sees_non_current(viewer) and document.current_revision is None:
        raise NotFound("Không tìm thấy tài liệu.")
    return document


def visible_revisions(viewer: User, document: Document) -> list[Revision]:
    """Staff see the current revision only; control roles see the whole history."""
    if permissions.sees_non_current(viewer):
        return list(document.revisions)
    current = document.current_revision
    return [current] if current else []


def get_revision(session: Session, viewer: User, revision_id: int) -> Revision:
    revision = session.get(Revision, revision_id)
    if revision is None or not permissions.can_read(viewer, revision.document.organization_id):
        raise NotFound("Không tìm thấy phiên bản.")
    if not permissions.sees_non_current(viewer) and not revision.is_current:
        raise NotFound("Không tìm thấy phiên bản.")
    return revision


#: How the document list sorts: by code (the default), title, kind, organisation, or the date in force.
DOCUMENT_SORTING = listing.Sorting(
    columns={
        "code": (Document.code,),
        "title": (Document.title,),
        "kind": (Document.kind,),
        "organization": (Organization.name, Organization.code),
        "effective_from": (
            select(Revision.effective_from)
            .where(Revision.document_id == Document.id, Revision.status == RevisionStatus.EFFECTIVE)
            .correlate(Document)
            .scalar_subquery(),
        ),
    },
    default="code",
    tiebreak=(Organization.code, Document.id),
    descending_first=frozenset({"effective_from"}),
)


def list_documents(
    session: Session,
    viewer: User,
    request: listing.ListRequest | None = None,
    *,
    organization_id: int | None = None,
    organization_code: str | None = None,
    kind: DocumentKind | None = None,
    status: RevisionStatus | None = None,
) -> listing.ListPage[Document]:
    """A page of the documents the viewer may see; an organisation includes those under it, ``status`` keeps
    documents with a revision in it, the text matches code, title or TTHC code with or without diacritics."""
    request = request or listing.ListRequest()
    query = select(Document).join(Document.organization)
    if organization_code is not None:
        # One answer for "no such organisation" and "not yours", so existence does not leak.
        organization_id = session.scalar(select(Organization.id).where(Organization.code == organization_code.strip()))
        if organization_id is None:
            raise NotFound("Không tìm thấy đơn vị.")
    if organization_id is None:
        organization_id = None if permissions.sees_all_organizations(viewer) else viewer.organization_id
    elif not permissions.can_read(viewer, organization_id):
        raise NotFound("Không tìm thấy đơn vị.")
    if organization_id is not None:
        below = organizations.descendant_ids(session, organization_id)
        readable = [i for i in below if permissions.can_read(viewer, i)]
        query = query.where(Document.organization_id.in_(readable))
    if kind is not None:
        query = query.where(Document.kind == kind)
    if not permissions.sees_non_current(viewer):
        status = RevisionStatus.EFFECTIVE if status in (None, RevisionStatus.EFFECTIVE) else status
        if status is not RevisionStatus.EFFECTIVE:
            return listing.ListPage([], 0, request)
    if status is not None:
        query = query.where(Document.revisions.any(Revision.status == status))
    text = (Document.code, Document.title, Document.procedure_code)
    return listing.page_of(session, query, request, DOCUMENT_SORTING, text=text, stored=Document.folded_text)


@event.listens_for(Document, "before_insert")
@event.listens_for(Document, "before_update")
def _fold_listed_text(_mapper: Any, _connection: Any, document: Document) -> None:
    """Whoever writes a document's code, title or TTHC code (creation, a restructure's new code) writes the text the
    list filters on with them, in the same statement."""
    document.folded_text = listing.stored_folded(document.code, document.title, document.procedure_code)


def history(session: Session, viewer: User, document_id: int) -> list[AuditEntry]:
    """Everything recorded about a document, oldest first; staff, who see only current revisions, see none."""
    document = get_document(session, viewer, document_id)
    if not permissions.sees_non_current(viewer):
        raise NotFound("Không tìm thấy tài liệu.")
    return trail.document_history(session, document.id)


HISTORY_SORTING = listing.Sorting(
    columns={"seq": (AuditEntry.seq,), "action": (AuditEntry.action,), "actor": (AuditEntry.actor_name,)},
    default="seq",
    tiebreak=(AuditEntry.seq,),
)


def history_page(
    session: Session,
    viewer: User,
    document_id: int,
    request: listing.ListRequest | None = None,
    *,
    action: str | None = None,
) -> listing.ListPage[AuditEntry]:
    """A page of what was recorded about a document, oldest first unless sorted otherwise; the text matches the
    action, the person and what the entry recorded, with or without diacritics; not for staff."""
    document = get_document(session, viewer, document_id)
    if not permissions.sees_non_current(viewer):
        raise NotFound("Không tìm thấy tài liệu.")
    query = select(AuditEntry).where(AuditEntry.document_id == document.id)
    if action:
        query = query.where(AuditEntry.action == action)
    text = (AuditEntry.action, AuditEntry.actor_name, AuditEntry.details)
    return listing.page_of(session, query, request or listing.ListRequest(), HISTORY_SORTING, text=text)


def awaiting_action(session: Session, user: User) -> list[Revision]:
    """What waits for this user: reviews, approvals, and the secretary's drafts and returns."""
    wanted = []
    if user.has_role(Role.REVIEWER):
        wanted.append(Revision.status == RevisionStatus.IN_REVIEW)
    if user.has_role(Role.APPROVER):
        wanted.append(Revision.status == RevisionStatus.REVIEWED)
    if user.has_role(Role.SECRETARY):
        wanted.append(Revision.status.in_([RevisionStatus.DRAFT, RevisionStatus.RETURNED]))
    if not wanted:
        return []
    query = (
        select(Revision)
        .join(Revision.document)
        .where(Document.organization_id == user.organization_id, Document.status == DocumentStatus.ACTIVE)
        .where(or_(*wanted))
        .order_by(Revision.created_at)
    )
    revisions = list(session.scalars(query))
    # A returned draft stays on the list only until a newer revision of the document exists.
    return [r for r in revisions if not (r.status is RevisionStatus.RETURNED and _has_newer(r))]


AWAITING_SORTING = listing.Sorting(
    columns={
        "created_at": (Revision.created_at,),
        "code": (Document.code,),
        "title": (Document.title,),
        "status": (Revision.status,),
    },
    default="created_at",
    tiebreak=(Revision.id,),
)


def awaiting_page(
    session: Session, user: User, request: listing.ListRequest | None = None, *, status: RevisionStatus | None = None
) -> listing.ListPage[Revision]:
    """A page of what waits for this user, as ``awaiting_action`` decides it, in SQL; the text matches the
    document's code and title and the change description, with or without diacritics."""
    wanted = []
    if user.has_role(Role.REVIEWER):
        wanted.append(Revision.status == RevisionStatus.IN_REVIEW)
    if user.has_role(Role.APPROVER):
        wanted.append(Revision.status == RevisionStatus.REVIEWED)
    if user.has_role(Role.SECRETARY):
        wanted.append(Revision.status.in_([RevisionStatus.DRAFT, RevisionStatus.RETURNED]))
    request = request or listing.ListRequest()
    if not wanted:
        return listing.ListPage([], 0, request)
    newer = aliased(Revision)
    query = (
        select(Revision)
        .join(Revision.document)
        .where(Document.organization_id == user.organization_id, Document.status == DocumentStatus.ACTIVE)
        .where(or_(*wanted))
        # A returned draft stays on the list only until a newer revision of the document exists.
        .where(
            ~and_(
                Revision.status == RevisionStatus.RETURNED,
                select(newer.id).where(newer.document_id == Revision.document_id, newer.number > Revision.number)
                .exists(),
            )
        )
        .options(selectinload(Revision.document).selectinload(Document.revisions))
    )
    if status is not None:
        query = query.where(Revision.status == status)
    text = (Document.code, Document.title, Revision.change_summary)
    return listing.page_of(session, query, request, AWAITING_SORTING, text=text)


def _has_newer(revision: Revision) -> bool:
    return any(other.number > revision.number for other in revision.document.revisions)


@dataclass(frozen=True)
class Download:
    revision: Revision
    stream: BinaryIO


#: How a non-current revision was opened, as the audit log tells them apart: «Xem» or «Tải xuống».
OPEN_PURPOSES = ("read", "download")


def open_file(
    session: Session, files: FileStore, viewer: User, revision_id: int, *, purpose: str = "download"
) -> Download:
    """The stored file of a revision; reading or downloading a non-current one is audited once a person a day."""
    if purpose not in OPEN_PURPOSES:
        raise ValueError(purpose)
    revision = get_revision(session, viewer, revision_id)
    if not revision.is_current:
        with unit_of_work(session):
            if not _opened_today(session, viewer, revision, purpose):
                trail.record(
                    session, purpose, actor=viewer, revision=revision, details={"status": revision.status.value}
                )
    return Download(revision=revision, stream=files.open_checked(revision.file_sha256))


#: Why a revision whose file is still being converted or recognised (or failed to be) has no text-based answers yet.
PROCESSING_MESSAGE = "Tệp đang được xử lý (chuyển đổi, nhận dạng chữ); hãy đợi xử lý xong rồi thực hiện."


def processed(revision: Revision) -> bool:
    """Its text, citations and findings are there; a revision without a processing row was read at upload."""
    return revision.processing is None or revision.processing.state == "done"


def require_processed(revision: Revision) -> None:
    """409 ``processing`` until the revision's file has been converted or recognised."""
    if not processed(revision):
        raise Conflict(PROCESSING_MESSAGE, code="processing")


def _opened_today(session: Session, viewer: User, revision: Revision, purpose: str) -> bool:
    midnight = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    found = select(AuditEntry.seq).where(
        AuditEntry.action == purpose,
        AuditEntry.actor_id == viewer.id,
        AuditEntry.revision_id == revision.id,
        AuditEntry.occurred_at >= midnight,
    )
    return session.scalar(found.limit(1)) is not None


STATUS_LABELS = {
    RevisionStatus.DRAFT: "Dự thảo",
    RevisionStatus.IN_REVIEW: "Chờ kiểm tra",
    RevisionStatus.REVIEWED: "Chờ phê duyệt",
    RevisionStatus.APPROVED: "Đã phê duyệt, chờ hiệu lực",
    RevisionStatus.EFFECTIVE: "Đang hiệu lực",
    RevisionStatus.SUPERSEDED: "Hết hiệu lực",
    RevisionStatus.RETURNED: "Bị trả lại",
    RevisionStatus.OBSOLETE: "Đã thu hồi",
    RevisionStatus.DISCARDED: "Đã hủy (dự thảo)",
}

KIND_LABELS = {
    DocumentKind.POLICY: "Chính sách chất lượng",
    DocumentKind.OBJECTIVES: "Mục tiêu chất lượng",
    DocumentKind.MANUAL: "Sổ tay chất lượng",
    DocumentKind.SYSTEM_PROCEDURE: "Quy trình hệ thống",
    DocumentKind.PROCESS: "Quy trình giải quyết TTHC",
    DocumentKind.INTERNAL_PROCESS: "Quy trình nội bộ",
    DocumentKind.JOB_DESCRIPTION: "Mô tả chức năng, nhiệm vụ",
    DocumentKind.FORM: "Biểu mẫu",
    DocumentKind.EXTERNAL: "Tài liệu bên ngoài",
    DocumentKind.RECORD: "Hồ sơ",
}
