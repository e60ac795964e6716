"""Everything an organisation has recorded of its quality system, as its records page and the API show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import listing
from qms.accounts import permissions
from qms.errors import NotFound
from qms.files import filetypes
from qms.files.store import FileStore
from qms.models import (
    AuditFinding,
    CorrectiveAction,
    EffectivenessConfirmation,
    InternalAudit,
    ManagementReview,
    Organization,
    Publication,
    QualityObjective,
    RecordOwnership,
    User,
)
from qms.records import (
    confirmations,
    corrective_actions,
    evidence,
    internal_audits,
    management_reviews,
    objectives,
    ownership,
)
from qms.records import publications as publishing
from qms.records.corrective_actions import ActionState
from qms.records.publications import ScopeChange


@dataclass(frozen=True)
class FindingView:
    finding: AuditFinding
    #: None: no action recorded yet (or an observation, which needs none).
    state: ActionState | None


@dataclass(frozen=True)
class AuditView:
    audit: InternalAudit
    findings: list[FindingView]


@dataclass(frozen=True)
class RecordsSummary:
    organization: Organization
    publications: list[Publication]
    #: None when nothing was published; open when the scope changed since the latest publication.
    scope_change: ScopeChange | None
    audits: list[AuditView]
    reviews: list[ManagementReview]
    objectives: list[QualityObjective]
    confirmations: list[EffectivenessConfirmation]
    #: The day the lists are read as of (None: today, the records held now).
    as_of: date | None = None
    #: ``KIND:ID`` → where a record carried by a restructure belonged, oldest first (records never moved: absent).
    histories: dict[str, list[RecordOwnership]] = field(default_factory=dict)

    @property
    def overdue(self) -> list[ActionState]:
        return [view.state for audit in self.audits for view in audit.findings if view.state and view.state.overdue]


def summary(session: Session, viewer: User, organization_code: str, today: date, as_of_day: date | None = None
            ) -> RecordsSummary:
    """The records the organisation holds now, or held on ``as_of_day`` (a former organisation's before it was
    merged or split, a merged one's with what its predecessors brought)."""
    organization = evidence.readable_organization(session, viewer, organization_code)
    day = as_of_day
    found = RecordsSummary(
        organization=organization,
        publications=publishing.of_organization(session, organization.id, day),
        scope_change=publishing.scope_change(session, organization, day or today),
        audits=audit_views(session, organization.id, day or today,
                           internal_audits.of_organization(session, organization.id, day)),
        reviews=management_reviews.of_organization(session, organization.id, day),
        objectives=objectives.of_organization(session, organization.id, day=day),
        confirmations=confirmations.confirmations(session, viewer, organization.code, day),
        as_of=day,
    )
    listed = {
        "publication": [p.id for p in found.publications], "internal_audit": [a.audit.id for a in found.audits],
        "management_review": [r.id for r in found.reviews], "quality_objective": [o.id for o in found.objectives],
        "effectiveness_confirmation": [c.id for c in found.confirmations],
    }
    for kind, ids in listed.items():
        for record_id, rows in ownership.histories(session, kind, ids).items():
            found.histories[f"{kind}:{record_id}"] = rows
    return found


def audit_views(session: Session, organization_id: int, day: date, audits: list[InternalAudit] | None = None
                ) -> list[AuditView]:
    """Audits with each finding's action and its state on ``day``."""
    found = internal_audits.of_organization(session, organization_id) if audits is None else audits
    return [
        AuditView(audit, [
            FindingView(finding, corrective_actions.state_on(finding.corrective_action, day)
                        if finding.corrective_action is not None else None)
            for finding in audit.findings
        ])
        for audit in found
    ]


#: The keys an audits page sorts by; the first (latest begun first) is the default.
AUDIT_SORT_KEYS = ("starts_on", "ends_on")


def audits_page(
    session: Session, viewer: User, organization_code: str, request: listing.ListRequest, *, today: date,
    as_of: date | None = None,
) -> listing.ListPage[AuditView]:
    """A page of the audits the organisation holds now, or held on ``as_of`` as its records page lists them, each
    finding's action in its state of that day; the text matches the auditors and the processes audited (kept as
    JSON lists, so matched here: an organisation's audits are a few a year)."""
    organization = evidence.readable_organization(session, viewer, organization_code)
    day = ownership.readable_day(as_of, today)
    key = listing.check_sort(request, AUDIT_SORT_KEYS)
    found = [audit for audit in internal_audits.of_organization(session, organization.id, day)
             if listing.matches(request.q, *audit.auditors, *audit.processes)]
    descending = request.descending if request.sort else True
    found.sort(key=lambda audit: (getattr(audit, key), audit.id), reverse=descending)
    page = listing.page_of_list(found, request)
    return listing.ListPage(audit_views(session, organization.id, day or today, page.rows), page.total, request)


def audit_view(session: Session, viewer: User, audit_id: int, today: date) -> AuditView:
    audit = internal_audits.get(session, viewer, audit_id)
    return audit_views(session, audit.organization_id, today, [audit])[0]


#: The record kinds whose files can be downloaded, and the columns holding the file.
FILE_KINDS: dict[str, tuple[type, str, str]] = {
    "publication": (Publication, "file_sha256", "filename"),
    "internal-audit": (InternalAudit, "report_sha256", "report_filename"),
    "corrective-action": (CorrectiveAction, "evidence_sha256", "evidence_filename"),
    "management-review": (ManagementReview, "minutes_sha256", "minutes_filename"),
    "confirmation": (EffectivenessConfirmation, "file_sha256", "filename"),
}


def record_file(session: Session, viewer: User, kind: str, record_id: int) -> tuple[str, str]:
    """The SHA-256 and file name of a record's file, for whoever reads the organisation's records."""
    if kind not in FILE_KINDS:
        raise NotFound("Không tìm thấy hồ sơ.")
    model, sha_column, name_column = FILE_KINDS[kind]
    record = session.scalar(select(model).where(model.id == record_id))  # type: ignore[attr-defined]
    if record is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    organization_id = (record.finding.audit.organization_id if isinstance(record, CorrectiveAction)
                       else record.organization_id)
    sha256 = getattr(record, sha_column)
    if not permissions.can_read(viewer, organization_id) or sha256 is None:
        raise NotFound("Không tìm thấy tệp của hồ sơ.")
    return sha256, getattr(record, name_column)


@dataclass(frozen=True)
class RecordFile:
    stream: BinaryIO
    sha256: str
    filename: str
    content_type: str


def open_record_file(session: Session, files: FileStore, viewer: User, kind: str, record_id: int) -> RecordFile:
    """A record's file, checked against its hash as it is read."""
    sha256, filename = record_file(session, viewer, kind, record_id)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    content_type = filetypes.CONTENT_TYPES.get(extension, "application/octet-stream")
    return RecordFile(files.open_checked(sha256), sha256, filename, content_type)
