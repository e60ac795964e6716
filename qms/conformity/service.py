"""Findings read with the visibility rules, re-checked on demand, and an organisation's processes with findings."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qms.accounts import permissions
from qms.audit import trail
from qms.catalogue.procedures import visible_organization
from qms.conformity.checks import ERROR, INFO, WARNING, Finding
from qms.conformity.store import (
    CHECKER_VERSION,
    CheckResult,
    check_revision,
    evaluate,
    read_revision,
    stored_check,
    stored_checks,
)
from qms.database import unit_of_work
from qms.documents import locks, reading
from qms.errors import Conflict, NotFound
from qms.files.store import FileStore
from qms.models import Document, DocumentKind, DocumentStatus, Revision, RevisionCheck, RevisionStatus, Role, User

#: Who may ask for a new check: the people who write, review and approve documents.
RECHECK_ROLES = (Role.SECRETARY, Role.REVIEWER, Role.APPROVER)
#: A superseded or withdrawn revision is history: what was found then stays as it was.
_FROZEN = (RevisionStatus.SUPERSEDED, RevisionStatus.OBSOLETE)


@dataclass(frozen=True)
class Summary:
    """How many findings a revision has, for a line on the document page."""

    count: int
    errors: int
    codes: list[str]
    warnings: int = 0

    @property
    def worst(self) -> str | None:
        """The severity of the worst finding, which gives the findings box its colour."""
        if self.errors:
            return ERROR
        return WARNING if self.warnings else (INFO if self.count else None)


@dataclass(frozen=True)
class ProcessFindings:
    document: Document
    revision: Revision
    findings: list[Finding]

    @property
    def counts(self) -> dict[str, int]:
        """Findings by code."""
        return dict(Counter(finding.code for finding in self.findings))

    def as_json(self) -> dict[str, Any]:
        """The findings as JSON values, naming the document and the revision they were read from."""
        return {
            "document": {"id": self.document.id, "code": self.document.code, "title": self.document.title},
            "revision": {"id": self.revision.id, "number": self.revision.number},
            "findings": [finding.to_dict() for finding in self.findings],
        }


def findings_for(
    session: Session, viewer: User, revision_id: int, *, today: date, files: FileStore | None = None
) -> CheckResult:
    """The stored result; a revision uploaded before checks existed is read and checked now, and nothing is stored."""
    revision = _visible(session, viewer, revision_id)
    reading.require_processed(revision)
    stored = stored_check(session, revision.id)
    if stored is not None:
        return stored
    structure = read_revision(revision, files=files)
    return CheckResult(revision.id, structure, evaluate(session, revision, structure, today), None, "")


def recheck(
    session: Session, actor: User, revision_id: int, today: date, *, files: FileStore | None = None
) -> CheckResult:
    """Read and check the revision again, because the register or the catalogue changed; audited with before/after."""
    revision = _visible(session, actor, revision_id)
    permissions.require_role(actor, RECHECK_ROLES, revision.document.organization_id)
    reading.require_processed(revision)
    if revision.status in _FROZEN:
        raise Conflict(
            "Phiên bản đã hết hiệu lực hoặc đã bị thu hồi; kết quả kiểm tra được giữ nguyên.", code="wrong_state"
        )
    with unit_of_work(session):
        locks.lock_revision(session, revision.id)
        before = stored_check(session, revision.id)
        findings = check_revision(session, revision, today=today, files=files)
        trail.record(
            session,
            "conformity_check",
            actor=actor,
            revision=revision,
            details={"before": before.codes if before else None, "after": [f.code for f in findings]},
        )
    result = stored_check(session, revision.id)
    assert result is not None
    return result


def recheck_outdated(session: Session, today: date, *, files: FileStore | None = None) -> int:
    """Read and check again every revision whose stored result an older reader made; how many were re-checked.

    Superseded and withdrawn revisions keep what was found then. Each revision is its own unit of
    work, audited as the system's check with the findings before and after.
    """
    ids = list(session.scalars(
        select(Revision.id)
        .join(RevisionCheck, RevisionCheck.revision_id == Revision.id)
        .where(RevisionCheck.checker_version != CHECKER_VERSION, Revision.status.not_in(_FROZEN))
        .order_by(Revision.id)
    ))
    for revision_id in ids:
        with unit_of_work(session):
            revision = session.get(Revision, revision_id, with_for_update=True)
            assert revision is not None
            before = stored_check(session, revision.id)
            findings = check_revision(session, revision, today=today, files=files)
            trail.record(
                session,
                "conformity_check",
                actor=None,
                revision=revision,
                details={
                    "before": before.codes if before else None,
                    "after": [f.code for f in findings],
                    "checker_version": CHECKER_VERSION,
                },
            )
    return len(ids)


def summaries(session: Session, viewer: User, revisions: list[Revision]) -> dict[int, Summary]:
    """Counts per revision for the people who see work in progress; staff get none."""
    if not permissions.sees_non_current(viewer):
        return {}
    found = stored_checks(session, [revision.id for revision in revisions])
    return {
        revision_id: Summary(
            len(result.findings),
            sum(1 for f in result.findings if f.severity == ERROR),
            result.codes,
            sum(1 for f in result.findings if f.severity == WARNING),
        )
        for revision_id, result in found.items()
    }


#: Processes in force whose current revision has findings (joined Document → Revision → RevisionCheck).
_IN_FORCE_WITH_FINDINGS = (
    Document.kind == DocumentKind.PROCESS,
    Document.status == DocumentStatus.ACTIVE,
    Revision.status == RevisionStatus.EFFECTIVE,
    RevisionCheck.finding_count > 0,
)


def organization_findings(session: Session, viewer: User, organization_code: str) -> list[ProcessFindings]:
    """Processes in force of the organisation whose current revision has findings, by document code."""
    organization = visible_organization(session, viewer, organization_code)
    if not permissions.sees_non_current(viewer):
        return []
    rows = session.execute(
        select(Document, Revision, RevisionCheck.findings)
        .join(Revision, Revision.document_id == Document.id)
        .join(RevisionCheck, RevisionCheck.revision_id == Revision.id)
        .where(Document.organization_id == organization.id, *_IN_FORCE_WITH_FINDINGS)
        .order_by(Document.code)
    )
    return [
        ProcessFindings(document, revision, [Finding.from_dict(item) for item in json.loads(findings or "[]")])
        for document, revision, findings in rows
    ]


def findings_by_organization(session: Session, viewer: User) -> dict[int, int]:
    """Per organisation, how many processes in force have findings (``organization_findings`` counted, for every
    organisation at once: the overview); inspectors and the control roles only."""
    if not permissions.sees_non_current(viewer):
        return {}
    rows = session.execute(
        select(Document.organization_id, func.count(RevisionCheck.id))
        .join(Revision, Revision.document_id == Document.id)
        .join(RevisionCheck, RevisionCheck.revision_id == Revision.id)
        .where(*_IN_FORCE_WITH_FINDINGS)
        .group_by(Document.organization_id)
    )
    return dict(rows.all())


def _visible(session: Session, viewer: User, revision_id: int) -> Revision:
    """The revision, for the roles that see work in progress (staff see no findings)."""
    revision = reading.get_revision(session, viewer, revision_id)
    if not permissions.sees_non_current(viewer):
        raise NotFound("Không tìm thấy phiên bản.")
    return revision
