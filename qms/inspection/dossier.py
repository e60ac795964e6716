"""The inspection dossier: one .zip with everything an inspector reads about an organisation as of a day.

It holds the three registers (.docx and .xlsx), the file of every document in force that day (copied from
the file store in chunks), the control history of every document (JSON, audit entries up to that day), the
coverage and legal-review status, the conformity findings when those checks are installed, and
``manifest.json``: every other member with its SHA-256 and size, and the audit chain head, so the dossier
can be checked later (``qms.inspection.dossier_check``). The zip is written to a file object as it is built, so no
more than one chunk of a stored file is ever held in memory.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock, conformity
from qms.accounts import users
from qms.acknowledgements import status as acknowledgement_status
from qms.audit import trail
from qms.audit.anchors import AnchorFile
from qms.audit.chain import GENESIS, check_chain
from qms.documents import as_of as state_on
from qms.documents.reading import KIND_LABELS, STATUS_LABELS
from qms.errors import Invalid
from qms.files.store import CHUNK, FileStore
from qms.inspection import control_history, dossier_status, register_files, registers
from qms.models import AuditEntry, Document, Organization, Revision, User

FORMAT = "qms-inspection-dossier/1"
MANIFEST = "manifest.json"
CONTENT_TYPE = "application/zip"
#: Files already compressed (.docx, .xlsx, .pdf, .zip) are stored as they are.
_STORED_SUFFIXES = (".docx", ".xlsx", ".pdf", ".zip")
_ZIP64_FROM = 2**31 - 1

Progress = Callable[[int, int], None]


@dataclass
class Manifest:
    organization: Organization
    as_of: date
    files: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def filename(organization: Organization, as_of: date) -> str:
    return f"ho-so-kiem-tra_{organization.code}_{as_of.isoformat()}.zip"


def build(
    session: Session,
    files: FileStore,
    viewer: User | None,
    organization_code: str,
    out: IO[bytes],
    *,
    as_of: date,
    today: date,
    progress: Progress | None = None,
    anchor_file: AnchorFile | None = None,
) -> Manifest:
    """Write the dossier into ``out``: for the organisation's control roles and inspectors (None: the operator)."""
    organization = registers.readable_organization(session, viewer, organization_code)
    if as_of > today:
        raise Invalid("Ngày lập hồ sơ không được sau ngày hôm nay.", code="as_of_future")
    manifest = Manifest(organization, as_of)
    in_force = state_on.effective_on(session, organization.id, as_of)
    all_documents = state_on.documents_on(session, organization.id, as_of)
    total = 6 + len(in_force) + len(all_documents) + 4
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        writer = _Writer(archive, manifest)
        for kind in registers.KINDS:
            register = registers.register(session, viewer, organization.code, kind, as_of=as_of)
            for fmt in register_files.FORMATS:
                writer.add_bytes(f"so-sach/{registers.FILE_STEMS[kind]}.{fmt}",
                                 register_files.render(register, fmt, made_on=today))
                step()
        # A code changed in a merger reads as it was on the day.
        codes = state_on.codes_on(session, all_documents, as_of)
        folders = _folders(all_documents, codes)
        for revision in in_force:
            _add_document_file(writer, files, revision, folders[revision.document_id], codes[revision.document_id])
            step()
        for document in all_documents:
            writer.add_json(f"lich-su/{folders[document.id]}.json",
                            _history(session, document, as_of, codes[document.id]))
            step()
        writer.add_json("bao-phu-tthc.json", dossier_status.coverage_on(session, organization, as_of))
        step()
        writer.add_json("ra-soat-can-cu-phap-ly.json", dossier_status.legal_reviews_on(session, organization, as_of))
        step()
        found = conformity.organization_findings(session, viewer or users.operator(), organization.code)
        writer.add_json("phat-hien-kiem-tra-phu-hop.json", [item.as_json() for item in found])
        step()
        writer.add_json("xac-nhan-da-doc.json", _acknowledgements(session, in_force, codes, as_of))
        step()
        writer.add_json(MANIFEST, _manifest_body(session, manifest, viewer, anchor_file), listed=False)
    return manifest


def _acknowledgements(
    session: Session, in_force: list[Revision], codes: dict[int, str], as_of: date
) -> list[dict[str, Any]]:
    """Each revision in force that day: who was asked to read it, who confirmed «đã đọc và hiểu» and when."""
    return [
        {"code": codes[revision.document_id], "title": revision.document.title, "revision_id": revision.id,
         "number": revision.number, "issue_number": revision.issue_number,
         **acknowledgement_status.on_day(session, revision, as_of)}
        for revision in in_force
    ]


def build_to_temporary_file(
    session: Session,
    files: FileStore,
    viewer: User | None,
    organization_code: str,
    *,
    as_of: date,
    today: date,
    directory: Path | None = None,
    anchor_file: AnchorFile | None = None,
) -> tuple[BinaryIO, int, str]:
    """The dossier in an anonymous temporary file (gone when closed), rewound; its size and download name."""
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    spool = tempfile.TemporaryFile(prefix="dossier-", suffix=".zip", dir=directory)  # noqa: SIM115 - the caller closes it
    try:
        manifest = build(session, files, viewer, organization_code, spool, as_of=as_of, today=today,
                         anchor_file=anchor_file)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, size, filename(manifest.organization, as_of)


class _Writer:
    """Adds members to the archive and lists each in the manifest with the SHA-256 of its bytes."""

    def __init__(self, archive: zipfile.ZipFile, manifest: Manifest) -> None:
        self.archive, self.manifest = archive, manifest
        self.generated_at = clock.local(clock.now())

    def _info(self, path: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=self.generated_at.timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED if path.lower().endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
        info.external_attr = 0o444 << 16
        return info

    def add_bytes(self, path: str, data: bytes, *, listed: bool = True) -> str:
        self.archive.writestr(self._info(path), data)
        sha256 = hashlib.sha256(data).hexdigest()
        if listed:
            self.manifest.files.append({"path": path, "sha256": sha256, "size": len(data)})
        return sha256

    def add_json(self, path: str, value: Any, *, listed: bool = True) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False, default=str)
        return self.add_bytes(path, text.encode("utf-8"), listed=listed)

    def add_stream(self, path: str, stream: BinaryIO, size_hint: int) -> tuple[str, int]:
        """Copy in chunks, hashing what is written."""
        digest, size = hashlib.sha256(), 0
        with self.archive.open(self._info(path), "w", force_zip64=size_hint >= _ZIP64_FROM) as member:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                member.write(chunk)
        sha256 = digest.hexdigest()
        self.manifest.files.append({"path": path, "sha256": sha256, "size": size})
        return sha256, size


def _folders(documents: list[Document], codes: dict[int, str]) -> dict[int, str]:
    """A member-safe name per document from its code, unique within the dossier."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for document in documents:
        name = "".join(c if c.isalnum() or c in "-._" else "-" for c in codes[document.id]).strip("-.") or "tai-lieu"
        if name.casefold() in taken:
            name = f"{name}_{document.id}"
        taken.add(name.casefold())
        names[document.id] = name
    return names


def _add_document_file(writer: _Writer, files: FileStore, revision: Revision, folder: str, code: str) -> None:
    path = f"tai-lieu/{folder}/{_member_name(revision.filename)}"
    entry: dict[str, Any] = {
        "code": code, "title": revision.document.title,
        "kind": revision.document.kind.value, "revision": revision.number, "issue_number": revision.issue_number,
        "effective_from": revision.effective_from.isoformat() if revision.effective_from else None,
        "recorded_sha256": revision.file_sha256, "path": path,
    }
    try:
        with files.open(revision.file_sha256) as stream:
            sha256, _size = writer.add_stream(path, stream, revision.size)
    except FileNotFoundError:
        writer.manifest.problems.append(f"file of {revision.document.code} (revision {revision.number}) is missing")
        entry["path"] = None
    else:
        if sha256 != revision.file_sha256:
            writer.manifest.problems.append(
                f"file of {revision.document.code} (revision {revision.number}) differs from its recorded hash"
            )
    rendition = revision.rendition
    if rendition is not None:  # the .docx or searchable PDF its text was read from, beside the file as issued
        stem = _member_name(revision.filename).rsplit(".", 1)[0]
        entry["rendition"] = {"path": f"tai-lieu/{folder}/ban-chuyen-doi/{stem}.{rendition.kind}",
                              "recorded_sha256": rendition.sha256, "kind": rendition.kind,
                              "producer": f"{rendition.producer} {rendition.producer_version}"}
        try:
            with files.open(rendition.sha256) as stream:
                sha256, _size = writer.add_stream(entry["rendition"]["path"], stream, rendition.size)
        except FileNotFoundError:
            writer.manifest.problems.append(f"rendition of {revision.document.code} (revision {revision.number}) "
                                            "is missing")
            entry["rendition"]["path"] = None
        else:
            if sha256 != rendition.sha256:
                writer.manifest.problems.append(f"rendition of {revision.document.code} (revision {revision.number}) "
                                                "differs from its recorded hash")
    writer.manifest.documents.append(entry)


def _member_name(name: str) -> str:
    return "".join(c for c in name.replace("/", "_").replace("\\", "_") if c.isprintable()) or "tep"


def _history(session: Session, document: Document, as_of: date, code: str) -> dict[str, Any]:
    entries = trail.document_history(session, document.id)
    events = control_history.events_of(document, entries, until=as_of)
    prev = {entry.seq: entry.prev_hash for entry in entries}
    revisions = []
    for revision in document.revisions:
        status = state_on.status_on(revision, as_of)
        if status is None:
            continue
        revisions.append({
            "number": revision.number, "issue_number": revision.issue_number, "status": status.value,
            "status_label": STATUS_LABELS[status], "filename": revision.filename, "sha256": revision.file_sha256,
            "change_summary": revision.change_summary,
            "drafted_by": {"name": revision.drafted_by_name, "title": revision.drafted_by_title},
            "drafted_at": revision.created_at.isoformat(),
            "effective_from": revision.effective_from.isoformat() if revision.effective_from else None,
        })
    return {
        "document": {"code": code, "title": document.title, "kind": document.kind.value,
                     "kind_label": KIND_LABELS[document.kind], "procedure_code": document.procedure_code},
        "as_of": as_of.isoformat(),
        "revisions": revisions,
        "events": [
            {
                "seq": event.seq, "occurred_at": event.occurred_at.isoformat(), "action": event.action,
                "label": event.label, "actor": {"username": event.actor_username, "name": event.actor_name,
                                                "title": event.actor_title} if event.actor_name else None,
                "revision": event.revision_number, "file_sha256": event.file_sha256,
                "facts": [{"label": label, "value": value} for label, value in event.facts],
                "details": event.details, "hash": event.hash, "prev_hash": prev[event.seq],
            }
            for event in events
        ],
    }


def _end_of(day: date) -> datetime:
    """The first instant after the local day, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=clock.zone()).astimezone(UTC)


def _manifest_body(session: Session, manifest: Manifest, viewer: User | None,
                   anchor_file: AnchorFile | None) -> dict[str, Any]:
    chain = check_chain(session, anchor_file)
    anchor = chain.last_anchor
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.occurred_at < _end_of(manifest.as_of))
        .order_by(AuditEntry.seq.desc()).limit(1)
    ).one_or_none()
    organization = manifest.organization
    return {
        "format": FORMAT,
        "organization": {"code": organization.code, "name": organization.name,
                         "parent": organization.parent.name if organization.parent else None},
        "as_of": manifest.as_of.isoformat(),
        "generated_at": clock.now().isoformat(),
        "generated_by": {"username": viewer.username, "name": viewer.full_name, "title": viewer.title}
        if viewer is not None else None,
        "audit": {
            "head_seq": chain.head_seq,
            "head_hash": chain.head_hash,
            "as_of_seq": last.seq if last else 0,
            "as_of_hash": last.hash if last else GENESIS,
            "chain_verified": chain.ok,
            "organization_entries_verified": chain.organization_ok(organization.id),
            "first_bad": chain.first_bad,
            # The latest head kept outside the database: entries removed before it cannot go unnoticed.
            "last_anchor": {"date": anchor.day.isoformat(), "seq": anchor.seq, "hash": anchor.hash,
                            "source": anchor.source} if anchor is not None else None,
        },
        "documents": manifest.documents,
        "problems": manifest.problems,
        "files": manifest.files,
    }
