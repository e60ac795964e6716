"""The document lifecycle: create, upload a revision, submit, pass, return, approve, discard, withdraw, take effect.

Every public function that changes something is one unit of work: it checks the
rule, changes the rows, records the audit entry and commits. Nothing is deleted.
"""

from __future__ import annotations

import re
from datetime import date
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qms import clock, conformity, faults, tasks
from qms.accounts import permissions
from qms.acknowledgements import requests as acknowledgement_requests
from qms.audit import trail
from qms.catalogue.codes import codes_match
from qms.conformity.checks import same_code
from qms.database import unit_of_work
from qms.documents import locks, processing, workflow
from qms.documents.reading import STATUS_LABELS, get_document, get_revision
from qms.errors import Conflict, Invalid, NotFound
from qms.files import filetypes
from qms.files.store import FileStore
from qms.legal import reviews as legal_reviews
from qms.messages import Message
from qms.models import (
    OPEN_STATUSES,
    Document,
    DocumentKind,
    DocumentStatus,
    Organization,
    Procedure,
    Revision,
    RevisionStatus,
    Role,
    StoredFile,
    User,
)
from qms.notices import events, notify, with_roles
from qms.periodic_review import intervals, outcomes
from qms.search import log as search_log

DOCUMENT_CODE = re.compile(r"^[\w][\w .\-/]{0,63}$")
PROCEDURE_CODE = re.compile(r"^[1-9]\.\d{6}(\.[0-9A-Za-z]+)*$")
WITHDRAWN_NO_UPLOAD = Message("Tài liệu đã bị thu hồi, không thể thêm phiên bản.")


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


# --- changing --------------------------------------------------------------------------------


def create_document(
    session: Session,
    actor: User,
    *,
    organization_code: str,
    code: str,
    title: str,
    kind: str,
    procedure_code: str | None = None,
) -> Document:
    organization = session.scalar(select(Organization).where(Organization.code == organization_code.strip()))
    if organization is None or not permissions.can_read(actor, organization.id):
        raise NotFound("Không tìm thấy đơn vị.")
    permissions.require_role(actor, (Role.SECRETARY,), organization.id)
    if not organization.is_active:
        raise Conflict("Đơn vị đã bị sáp nhập hoặc chia tách, không tạo thêm tài liệu.", code="organization_ended")
    code, title, procedure_code = _clean(code), _clean(title), _clean(procedure_code) or None
    if not DOCUMENT_CODE.match(code):
        raise Invalid("Mã hiệu tài liệu không hợp lệ (ví dụ: QT-HT-04).", code="invalid_code")
    if not title:
        raise Invalid("Cần nhập tên tài liệu.", code="title_required")
    try:
        document_kind = DocumentKind(kind)
    except ValueError:
        raise Invalid("Loại tài liệu không hợp lệ.", code="invalid_kind") from None
    if procedure_code and not PROCEDURE_CODE.match(procedure_code):
        raise Invalid("Mã thủ tục hành chính không hợp lệ (ví dụ: 1.001193).", code="invalid_procedure_code")
    in_catalogue = _check_catalogue(session, organization, procedure_code)
    with unit_of_work(session):
        taken = session.scalar(
            select(Document.id).where(Document.organization_id == organization.id, Document.code == code)
        )
        if taken:
            raise Conflict(Message("Đơn vị đã có tài liệu mã hiệu %(code)s.", code=code), code="duplicate_code")
        document = Document(
            organization_id=organization.id,
            code=code,
            title=title,
            kind=document_kind,
            procedure_code=procedure_code,
            review_interval_months=intervals.months_for(session, organization.id, document_kind),
            created_by_id=actor.id,
        )
        session.add(document)
        session.flush()
        trail.record(
            session,
            "create",
            actor=actor,
            document=document,
            details={"code": code, "title": title, "kind": document_kind.value, "procedure_code": procedure_code,
                     "in_catalogue": in_catalogue},
        )
    return document


def upload_target(session: Session, actor: User, document_id: int) -> Document:
    """The document a new revision may be uploaded to by ``actor``: one still in use, never a withdrawn one."""
    document = get_document(session, actor, document_id)
    permissions.require_role(actor, workflow.UPLOAD_ROLES, document.organization_id)
    if document.status is DocumentStatus.OBSOLETE:
        raise Conflict(WITHDRAWN_NO_UPLOAD, code="document_obsolete")
    return document


def add_revision(
    session: Session,
    files: FileStore,
    actor: User,
    document_id: int,
    *,
    stream: BinaryIO,
    filename: str,
    change_summary: str,
    code_mismatch_reason: str | None = None,
) -> Revision:
    """Store the file by its hash, then add a draft revision with the next number.

    A file whose control block names another document's code is refused unless the secretary confirms it with a
    reason, which is audited with the upload."""
    document = upload_target(session, actor, document_id)
    filename = filetypes.safe_filename(filename)
    change_summary = (change_summary or "").strip()
    if not change_summary:
        raise Invalid("Cần mô tả nội dung sửa đổi (sửa gì, ở đâu, vì sao).", code="change_summary_required")
    limits = tasks.conversion_limits()
    file_type = filetypes.check_upload(stream, filename, processing.upload_limits(limits))
    # None: a worker converts or recognises the file after the commit (the slow part, off the request).
    extracted = processing.read_at_upload(stream, filename, file_type, limits)
    # The file is safe on disk before any row points to it; an unreferenced file is harmless.
    stored = files.put(stream)
    faults.pause("upload.stored")
    with unit_of_work(session):
        document = locks.lock_document(session, document.id)
        if document.status is DocumentStatus.OBSOLETE:
            raise Conflict(WITHDRAWN_NO_UPLOAD, code="document_obsolete")
        session.refresh(document, ["revisions"])  # siblings as committed, read under the document's lock
        _refuse_duplicate(document, stored.sha256)
        base = document.current_revision
        _register_file(session, stored.sha256, stored.size)
        number = (session.scalar(select(func.max(Revision.number)).where(Revision.document_id == document.id)) or 0) + 1
        revision = Revision(
            document_id=document.id,
            number=number,
            status=RevisionStatus.DRAFT,
            file_sha256=stored.sha256,
            filename=filename,
            content_type=filetypes.CONTENT_TYPES[file_type],
            size=stored.size,
            change_summary=change_summary,
            text=extracted.text if extracted and extracted.has_text else "",
            has_text=bool(extracted and extracted.has_text),
            drafted_by_id=actor.id,
            drafted_by_name=actor.full_name,
            drafted_by_title=actor.title,
            created_at=clock.now(),
            base_revision_id=base.id if base is not None else None,
        )
        session.add(revision)
        session.flush()
        linked = processing.begin(session, revision, file_type, deferred=extracted is None, files=files)
        mismatch = _confirmed_code_mismatch(session, document, revision, code_mismatch_reason)
        trail.record(
            session,
            "upload",
            actor=actor,
            revision=revision,
            details={
                "number": number, "filename": filename, "size": stored.size, "change_summary": change_summary,
                "procedure_codes": linked, "base_revision_id": revision.base_revision_id,
                **({"code_mismatch": mismatch} if mismatch else {}),
            },
        )
        # A file the worker converts is searchable once converted; its entry waits for the worker (or a search).
        search_log.changed(session, [revision], apply_after_commit=extracted is not None)
        faults.pause("upload.before_commit")
    if extracted is None:
        tasks.enqueue_processing(revision.id)
        session.refresh(revision)  # an immediate queue (tests, `make run` without a worker) has processed it
    session.refresh(document)
    return revision


def act(
    session: Session,
    actor: User,
    revision_id: int,
    action: str,
    *,
    today: date,
    comment: str | None = None,
    effective_from: date | None = None,
) -> Revision:
    """Apply one workflow action to a revision, as the API and the pages both name them."""
    handlers = {
        "submit": lambda r: _submit(session, actor, r),
        "pass": lambda r: _pass(session, actor, r, comment),
        "return": lambda r: _return(session, actor, r, comment),
        "approve": lambda r: _approve(session, actor, r, effective_from, today, comment),
        "discard": lambda r: _discard(session, actor, r, comment),
        "withdraw": lambda r: _withdraw(session, actor, r, comment),
    }
    if action not in workflow.ACTIONS:
        raise Invalid("Thao tác không hợp lệ.", code="invalid_action")
    get_revision(session, actor, revision_id)  # not found before forbidden before conflict
    with unit_of_work(session):
        revision = locks.lock_revision(session, revision_id)
        handlers[action](revision)
        # A supersession or a withdrawal changes siblings too; a document has few revisions.
        search_log.changed(session, revision.document.revisions)
        if action in ("approve", "withdraw"):
            legal_reviews.refresh_reviews(session, today)
        if action == "approve":
            faults.pause("approve.before_commit")
    if action == "approve":
        faults.pause("approve.committed")
    tasks.enqueue_notices(session)  # the mail of what was committed, off the request
    return revision


def _submit(session: Session, actor: User, revision: Revision) -> None:
    workflow.require(actor, revision, "submit")
    revision.status = RevisionStatus.IN_REVIEW
    revision.submitted_at = clock.now()
    trail.record(session, "submit", actor=actor, revision=revision)
    # The drafter may not pass their own revision: the other reviewers are told.
    drafter = session.get(User, revision.drafted_by_id)
    _tell(session, revision, events.REVISION_SUBMITTED, (Role.REVIEWER,), skip=(actor, drafter))


def _reason(findings: list[conformity.Finding], comment: str | None, doing: str) -> str | None:
    """Passing or approving despite error-level findings takes a written reason, recorded with the action and shown
    beside the findings; without errors a comment is kept all the same."""
    reason = (comment or "").strip() or None
    if reason is None and any(finding.severity == conformity.ERROR for finding in findings):
        raise Invalid(
            Message("Phiên bản có phát hiện mức lỗi: cần ghi lý do vẫn kiểm tra đạt.") if doing == "pass"
            else Message("Phiên bản có phát hiện mức lỗi: cần ghi lý do vẫn phê duyệt."),
            code="reason_required",
        )
    return reason


def _pass(session: Session, actor: User, revision: Revision, comment: str | None) -> None:
    workflow.require(actor, revision, "pass")
    stored = conformity.stored_check(session, revision.id)  # what the reviewer was shown
    reason = _reason(stored.findings if stored is not None else [], comment, "pass")
    revision.review_reason = reason
    revision.status = RevisionStatus.REVIEWED
    revision.reviewed_by_id = actor.id
    revision.reviewed_by_name = actor.full_name
    revision.reviewed_by_title = actor.title
    revision.reviewed_at = clock.now()
    trail.record(session, "pass", actor=actor, revision=revision, details={"reason": reason} if reason else None)
    # The drafter may not approve their own revision either.
    drafter = session.get(User, revision.drafted_by_id)
    _tell(session, revision, events.REVISION_PASSED, (Role.APPROVER,), skip=(actor, drafter))


def _return(session: Session, actor: User, revision: Revision, comment: str | None) -> None:
    workflow.require(actor, revision, "return")
    comment = (comment or "").strip()
    if not comment:
        raise Invalid("Cần ghi ý kiến khi trả lại phiên bản.", code="comment_required")
    revision.status = RevisionStatus.RETURNED
    revision.returned_by_name = actor.full_name
    revision.returned_at = clock.now()
    revision.return_comment = comment
    trail.record(session, "return", actor=actor, revision=revision, details={"comment": comment})
    drafter = session.get(User, revision.drafted_by_id)
    notify(
        session, recipients=[drafter] if drafter is not None else [], event=events.REVISION_RETURNED,
        params={**_notice_params(revision), "comment": comment, "by": actor.full_name},
        link=events.document_page(revision.document_id),
    )


def _approve(
    session: Session, actor: User, revision: Revision, effective_from: date | None, today: date, comment: str | None
) -> None:
    document = revision.document
    workflow.require(actor, revision, "approve")
    if effective_from is None:
        raise Invalid("Cần nhập ngày hiệu lực.", code="effective_from_required")
    if effective_from < today:
        raise Invalid("Ngày hiệu lực không được trước ngày hôm nay.", code="effective_from_past")
    current = document.current_revision
    if current is not None and current.effective_from and effective_from < current.effective_from:
        raise Invalid(
            "Ngày hiệu lực không được trước ngày hiệu lực của lần ban hành hiện hành.", code="effective_from_past"
        )
    if any(r.status is RevisionStatus.APPROVED for r in document.revisions):
        raise Conflict("Tài liệu đã có một phiên bản được phê duyệt đang chờ hiệu lực.", code="approval_pending")
    findings = conformity.current_findings(session, revision, today=today)
    reason = _reason(findings, comment, "approve")
    issued = [r.issue_number for r in document.revisions if r.issue_number]
    revision.issue_number = max(issued, default=0) + 1
    revision.status = RevisionStatus.APPROVED
    revision.approved_by_id = actor.id
    revision.approved_by_name = actor.full_name
    revision.approved_by_title = actor.title
    revision.approved_at = clock.now()
    revision.effective_from = effective_from
    revision.approval_reason = reason
    details = {"issue_number": revision.issue_number, "effective_from": effective_from.isoformat(),
               "findings": [finding.code for finding in findings]}
    if reason:
        details["reason"] = reason
    trail.record(session, "approve", actor=actor, revision=revision, details=details)
    if effective_from <= today:
        _take_effect(session, revision, actor=actor)
    else:
        _tell(session, revision, events.REVISION_APPROVED, (Role.SECRETARY,), skip=(actor,))


def _discard(session: Session, actor: User, revision: Revision, reason: str | None) -> None:
    """The drafter sets their draft aside; it stays in the history with the reason."""
    workflow.require(actor, revision, "discard")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Cần ghi lý do hủy bản dự thảo.", code="reason_required")
    revision.status = RevisionStatus.DISCARDED
    revision.discarded_at = clock.now()
    revision.discarded_by_name = actor.full_name
    revision.discard_reason = reason
    trail.record(session, "discard", actor=actor, revision=revision, details={"reason": reason})


def _withdraw(session: Session, actor: User, revision: Revision, reason: str | None) -> None:
    workflow.require(actor, revision, "withdraw")
    _end_document(session, actor, revision.document, reason)


def withdraw_within(session: Session, actor: User | None, document: Document, reason: str) -> None:
    """Withdraw a document inside the caller's unit of work, whose rule decided it (a merger's resolutions).

    The same change and audit entry as the approver's withdrawal; search re-reads the document's revisions.
    """
    _end_document(session, actor, document, reason)
    search_log.changed(session, document.revisions)


def _end_document(session: Session, actor: User | None, document: Document, reason: str | None) -> None:
    if document.status is DocumentStatus.OBSOLETE:
        raise Conflict("Tài liệu đã bị thu hồi trước đó.", code="document_obsolete")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Cần ghi lý do thu hồi tài liệu.", code="reason_required")
    now = clock.now()
    ended = []
    for each in document.revisions:
        if each.status is RevisionStatus.EFFECTIVE:
            acknowledgement_requests.close_pending(session, each.id)
        if each.status in OPEN_STATUSES or each.status is RevisionStatus.EFFECTIVE:
            ended.append({"revision_id": each.id, "number": each.number, "was": each.status.value})
            each.status = RevisionStatus.OBSOLETE
    document.status = DocumentStatus.OBSOLETE
    document.withdrawn_at = now
    document.withdrawn_by_name = actor.full_name if actor else None
    document.withdrawn_by_title = actor.title if actor else None
    document.withdraw_reason = reason
    trail.record(session, "withdraw", actor=actor, document=document, details={"reason": reason, "revisions": ended})


def take_effect_due(session: Session, today: date) -> list[Revision]:
    """Approved revisions whose effective date has come take effect, with nobody acting."""
    due = select(Revision.id).where(Revision.status == RevisionStatus.APPROVED, Revision.effective_from <= today)
    if session.scalar(due.limit(1)) is None:
        return []
    done = []
    with unit_of_work(session):
        revision_ids = list(session.scalars(due.order_by(Revision.effective_from, Revision.id)))
        # Every document first, in id order, before the audit and index-log heads are taken: a transaction
        # that held a head while it waited for the next document would deadlock with an action on that one.
        documents = session.scalars(select(Revision.document_id).where(Revision.id.in_(revision_ids)))
        for document_id in sorted(set(documents)):
            locks.lock_document(session, document_id)
        for revision_id in revision_ids:
            revision = locks.lock_revision(session, revision_id)
            if revision.status is RevisionStatus.APPROVED:  # another worker may have got there first
                _take_effect(session, revision, actor=None)
                search_log.changed(session, revision.document.revisions)
                done.append(revision)
        legal_reviews.refresh_reviews(session, today)
    tasks.enqueue_notices(session)
    return done


def _take_effect(session: Session, revision: Revision, *, actor: User | None) -> None:
    assert revision.effective_from is not None  # approval sets the date a revision takes effect
    now = clock.now()
    previous = revision.document.current_revision
    details = {"issue_number": revision.issue_number, "effective_from": revision.effective_from.isoformat()}
    if previous is not None:
        previous.status = RevisionStatus.SUPERSEDED
        previous.superseded_at = now
        previous.superseded_by_id = revision.id
        session.flush()  # the one-effective index must see the old one go first
        trail.record(
            session, "supersede", actor=actor, revision=previous,
            details={"superseded_by": revision.id, **details}, at=now,
        )
    revision.status = RevisionStatus.EFFECTIVE
    revision.took_effect_at = now
    trail.record(session, "take_effect", actor=actor, revision=revision, details=details, at=now)
    # Its readers are asked to read it (the previous one's unread requests close); a «cần sửa đổi» is answered.
    asked = acknowledgement_requests.open_on_take_effect(session, revision, previous)
    outcomes.close_on_take_effect(session, revision)
    _tell(session, revision, events.REVISION_EFFECTIVE, (Role.SECRETARY,), skip=(actor,))
    notify(session, recipients=asked, event=events.ACKNOWLEDGEMENT_REQUESTED, params=_notice_params(revision),
           link=events.reading_page(revision.id))


# --- small pieces ----------------------------------------------------------------------------


def _notice_params(revision: Revision) -> dict[str, object]:
    """What a notice says of a revision: which document and issue, never what it says."""
    document = revision.document
    return {
        "code": document.code, "title": document.title, "number": revision.number,
        "issue_number": revision.issue_number,
        "effective_from": revision.effective_from.isoformat() if revision.effective_from else None,
    }


def _tell(
    session: Session, revision: Revision, event: str, roles: tuple[Role, ...], *, skip: tuple[User | None, ...]
) -> None:
    """Tell the people of the revision's organisation holding ``roles``, in this unit of work."""
    notify(
        session, recipients=with_roles(session, revision.document.organization_id, roles), event=event,
        params=_notice_params(revision), link=events.document_page(revision.document_id), skip=skip,
    )


def _confirmed_code_mismatch(
    session: Session, document: Document, revision: Revision, reason: str | None
) -> dict[str, str] | None:
    """The code the file's control block names, when it is another document's, with the secretary's reason."""
    stored = conformity.stored_check(session, revision.id)
    named = stored.structure.control.code if stored is not None else None
    if not named or same_code(named, document.code):
        return None
    reason = (reason or "").strip()
    if not reason:
        raise Conflict(
            Message("Khối kiểm soát trong tệp ghi mã hiệu %(named)s, khác mã hiệu của tài liệu (%(code)s). Nếu đúng"
                    " là tệp của tài liệu này, hãy xác nhận và ghi lý do.", named=named, code=document.code),
            code="code_mismatch",
        )
    return {"named": named, "reason": reason}


def _check_catalogue(session: Session, organization: Organization, procedure_code: str | None) -> bool | None:
    """A TTHC code must be on the organisation's catalogue when it has one; with none, any well-formed code is taken
    and marked as not in the catalogue (False). None when there is no code. A national code and its provincial
    variant stand for each other, as coverage counts them."""
    if procedure_code is None:
        return None
    listed = set(session.scalars(select(Procedure.code).where(Procedure.organization_id == organization.id)))
    if any(codes_match(procedure_code, code) for code in listed):
        return True
    if listed:
        raise Invalid(
            Message("Mã thủ tục hành chính %(procedure)s không có trong danh mục TTHC của %(organization)s.",
                    procedure=procedure_code, organization=organization.name),
            code="unknown_procedure",
        )
    return False


def _refuse_duplicate(document: Document, sha256: str) -> None:
    """The same bytes as the revision in force or an open revision add nothing: say which one holds them."""
    for other in document.revisions:
        if other.file_sha256 != sha256:
            continue
        if other.is_current:
            raise Conflict(
                Message("Tệp này giống hệt phiên bản %(number)s (lần ban hành %(issue)s) đang có hiệu lực.",
                        number=other.number, issue=other.issue_number),
                code="duplicate_file",
            )
        if other.status in OPEN_STATUSES:
            raise Conflict(
                Message("Tệp này giống hệt phiên bản %(number)s đang mở (%(status)s).", number=other.number,
                        status=Message(STATUS_LABELS[other.status])),
                code="duplicate_file",
            )


def _register_file(session: Session, sha256: str, size: int) -> None:
    """Record a stored file once, whoever else stores the same bytes at the same moment."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(StoredFile).values(sha256=sha256, size=size, created_at=clock.now()).on_conflict_do_nothing()
    )
