"""Typed SQLAlchemy models, one module per subject; import them from here."""

from qms.models.acknowledgements import AcknowledgementRequest, DocumentReader
from qms.models.audit import AuditEntry, AuditHead, AuditVerification
from qms.models.base import Base
from qms.models.conformity import RevisionCheck
from qms.models.documents import (
    OPEN_STATUSES,
    Document,
    DocumentKind,
    DocumentStatus,
    Revision,
    RevisionStatus,
    StoredFile,
)
from qms.models.legal import (
    Citation,
    LegalDocument,
    LegalProposal,
    LegalRelation,
    LegalReview,
    ProposalKind,
    ProposalState,
    RelationKind,
    ReviewState,
)
from qms.models.notices import MailState, Notice
from qms.models.organizations import (
    DocumentOwnership,
    Organization,
    OrganizationEvent,
    OrganizationEventMember,
    OrganizationStatus,
    RestructureKind,
)
from qms.models.periodic_reviews import PeriodicReview, ReviewInterval, ReviewOutcome
from qms.models.procedures import DocumentProcedure, Procedure, ProcedureTransfer, TimeUnit
from qms.models.records import (
    AuditFinding,
    AuditFindingDocument,
    CorrectiveAction,
    EffectivenessConfirmation,
    FindingKind,
    InternalAudit,
    ManagementReview,
    ObjectiveResult,
    Publication,
    QualityObjective,
    RecordOwnership,
)
from qms.models.renditions import FileReading, ProcessingState, Rendition, RevisionProcessing, TextSource
from qms.models.scheduled_restructures import ScheduledRestructure, ScheduleState
from qms.models.search import IndexLogHead, IndexOperation
from qms.models.users import ApiToken, NoticePreference, Role, User, UserRole

__all__ = [
    "AuditFinding",
    "AuditFindingDocument",
    "CorrectiveAction",
    "EffectivenessConfirmation",
    "FileReading",
    "FindingKind",
    "InternalAudit",
    "ManagementReview",
    "ObjectiveResult",
    "Publication",
    "QualityObjective",
    "RecordOwnership",
    "AcknowledgementRequest",
    "DocumentReader",
    "PeriodicReview",
    "ReviewInterval",
    "ReviewOutcome",
    "Citation",
    "MailState",
    "Notice",
    "NoticePreference",
    "DocumentProcedure",
    "LegalDocument",
    "LegalProposal",
    "ProposalKind",
    "ProposalState",
    "LegalRelation",
    "LegalReview",
    "Procedure",
    "ProcessingState",
    "Rendition",
    "RevisionProcessing",
    "TextSource",
    "ProcedureTransfer",
    "RelationKind",
    "ReviewState",
    "TimeUnit",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "AuditVerification",
    "Base",
    "Document",
    "DocumentKind",
    "DocumentStatus",
    "IndexLogHead",
    "IndexOperation",
    "DocumentOwnership",
    "Organization",
    "OrganizationEvent",
    "OrganizationEventMember",
    "OrganizationStatus",
    "RestructureKind",
    "ScheduledRestructure",
    "ScheduleState",
    "Revision",
    "RevisionCheck",
    "OPEN_STATUSES",
    "RevisionStatus",
    "Role",
    "StoredFile",
    "User",
    "UserRole",
]
