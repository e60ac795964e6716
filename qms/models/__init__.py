"""Typed SQLAlchemy models, one module per subject; import them from here."""

from qms.models.audit import AuditEntry, AuditHead
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
from qms.models.procedures import DocumentProcedure, Procedure, ProcedureTransfer, TimeUnit
from qms.models.renditions import ProcessingState, Rendition, RevisionProcessing, TextSource
from qms.models.search import IndexLogHead, IndexOperation
from qms.models.users import ApiToken, NoticePreference, Role, User, UserRole

__all__ = [
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
    "Revision",
    "RevisionCheck",
    "OPEN_STATUSES",
    "RevisionStatus",
    "Role",
    "StoredFile",
    "User",
    "UserRole",
]
