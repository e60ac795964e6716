"""Checking a revision and keeping the result with it, inside the caller's unit of work.

``check_revision`` is called by ``documents.add_revision`` after the legal basis is extracted, and
``finding_codes`` by the approval, so this module never imports ``qms.documents.lifecycle``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock
from qms.conformity.checks import Finding, run_checks
from qms.conformity.context import gather
from qms.conformity.reader import read_structure, read_text_structure
from qms.conformity.structure import Structure
from qms.files.store import FileStore
from qms.models import Revision, RevisionCheck

#: Bump when the reading or the checks change: ``flask qms recheck`` re-computes results of older versions.
CHECKER_VERSION = "2"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    revision_id: int
    structure: Structure
    findings: list[Finding]
    checked_at: datetime | None
    checker_version: str

    @property
    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]


def check_revision(
    session: Session,
    revision: Revision,
    *,
    today: date | None = None,
    files: FileStore | None = None,
    content: bytes | None = None,
) -> list[Finding]:
    """Read the revision's file (its text when the file is not at hand), check it, store the result; no commit."""
    structure = read_revision(revision, files=files, content=content)
    return _check_and_store(session, revision, structure, today or clock.today())


def finding_codes(session: Session, revision: Revision, *, today: date | None = None) -> list[str]:
    """Check again on the structure already read (register and catalogue may have changed); a code per finding."""
    return [finding.code for finding in current_findings(session, revision, today=today)]


def current_findings(session: Session, revision: Revision, *, today: date | None = None) -> list[Finding]:
    """Check again on the structure already read (register and catalogue may have changed), and store the result."""
    stored = stored_check(session, revision.id)
    structure = stored.structure if stored is not None else read_revision(revision)
    return _check_and_store(session, revision, structure, today or clock.today())


def stored_check(session: Session, revision_id: int) -> CheckResult | None:
    row = session.scalar(select(RevisionCheck).where(RevisionCheck.revision_id == revision_id))
    return _result(row) if row is not None else None


def stored_checks(session: Session, revision_ids: list[int]) -> dict[int, CheckResult]:
    """The stored results of several revisions, by revision id."""
    if not revision_ids:
        return {}
    rows = session.scalars(select(RevisionCheck).where(RevisionCheck.revision_id.in_(revision_ids)))
    return {row.revision_id: _result(row) for row in rows}


def read_revision(revision: Revision, *, files: FileStore | None = None, content: bytes | None = None) -> Structure:
    """The structure of the revision's file (its .docx rendition for a converted file; the recognised text of a
    scan); from its extracted text when the file cannot be opened."""
    sha256, name = revision.file_sha256, revision.filename
    rendition = revision.rendition
    if rendition is not None:
        if rendition.kind != "docx":
            files = None  # a searchable PDF's text is the recognised text already kept
        sha256, name = rendition.sha256, "rendition.docx"
    if content is None and files is not None:
        try:
            with files.open(sha256) as stream:
                content = stream.read()
        except (OSError, ValueError) as exc:
            _log.warning("file of revision %s not readable from the store: %s", revision.id, exc)
    if content is not None:
        return read_structure(content, name)
    return read_text_structure(revision.text if revision.has_text else "", source="text")


def evaluate(session: Session, revision: Revision, structure: Structure, today: date) -> list[Finding]:
    """The findings for a structure as the application knows things today; nothing stored."""
    context = gather(session, revision, structure, today)
    try:
        return run_checks(structure, context)
    except Exception:  # noqa: BLE001 - a checking bug must never fail an upload or an approval
        _log.exception("conformity checks failed for revision %s", revision.id)
        return []


def _check_and_store(session: Session, revision: Revision, structure: Structure, today: date) -> list[Finding]:
    findings = evaluate(session, revision, structure, today)
    row = session.scalar(select(RevisionCheck).where(RevisionCheck.revision_id == revision.id))
    if row is None:
        row = RevisionCheck(revision_id=revision.id)
        session.add(row)
    row.structure = json.dumps(structure.to_dict(), ensure_ascii=False)
    row.findings = json.dumps([finding.to_stored() for finding in findings], ensure_ascii=False)
    row.finding_count = len(findings)
    row.checked_at = clock.now()
    row.checker_version = CHECKER_VERSION
    session.flush()
    return findings


def _result(row: RevisionCheck) -> CheckResult:
    try:
        structure = Structure.from_dict(json.loads(row.structure or "{}"))
        findings = [Finding.from_dict(item) for item in json.loads(row.findings or "[]")]
    except (ValueError, TypeError, KeyError) as exc:
        _log.warning("stored check of revision %s unreadable: %s", row.revision_id, exc)
        structure, findings = Structure(source="unknown"), []
    return CheckResult(row.revision_id, structure, findings, row.checked_at, row.checker_version)
