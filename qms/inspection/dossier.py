"""The inspection dossier: one .zip with everything an inspector reads about an organisation as of a day.

It holds a cover and index in Vietnamese (``00-bia-va-muc-luc.docx``: whose dossier, the figures, how to check it,
what each member is), the three registers (.docx and .xlsx), the file of every document in force that day (copied
from the file store in chunks), the control history of every document, the coverage and legal-review status and the
conformity findings when those checks are installed: each as JSON for machines and beside it as a workbook for a
person (times on the agency's clock). Two manifests let the dossier be checked later: ``manifest.json`` (every
other member with its SHA-256 and size, and the audit chain head; ``qms.inspection.dossier_check``) and
``SHA256SUMS`` (every member, ``manifest.json`` included, in the format ``sha256sum -c`` reads, so standard tools
check it without this application). The zip is written to a file object as it is built, so no more than one chunk
of a stored file is ever held in memory.
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
from qms.audit.chain import GENESIS, ChainHealth, check_chain
from qms.documents import as_of as state_on
from qms.documents.reading import KIND_LABELS, STATUS_LABELS
from qms.errors import Invalid
from qms.files.store import CHUNK, FileStore
from qms.inspection import control_history, dossier_cover, dossier_readable, dossier_status, register_files, registers
from qms.models import AuditEntry, Document, Organization, Revision, User

FORMAT = "qms-inspection-dossier/2"
#: Formats ``verify-dossier`` still checks: /1 had no cover, workbooks nor SHA256SUMS.
FORMATS = ("qms-inspection-dossier/1", FORMAT)
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
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
    #: The problems in Vietnamese, for the cover.
    notes: list[str] = field(default_factory=list)


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

    day = f"{as_of:%d/%m/%Y}"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        writer = _Writer(archive, manifest)
        for kind in registers.KINDS:
            register = registers.register(session, viewer, organization.code, kind, as_of=as_of)
            for fmt, how in (("docx", "Word, có phần ký"), ("xlsx", "Excel, lọc và sắp xếp được")):
                writer.add_bytes(f"so-sach/{registers.FILE_STEMS[kind]}.{fmt}",
                                 register_files.render(register, fmt, made_on=today),
                                 description=f"{registers.LABELS[kind]} tại ngày {day} ({how})")
                step()
        # A code changed in a merger reads as it was on the day.
        codes = state_on.codes_on(session, all_documents, as_of)
        folders = _folders(all_documents, codes)
        for revision in in_force:
            _add_document_file(writer, files, revision, folders[revision.document_id], codes[revision.document_id])
            step()
        for document in all_documents:
            history = _history(session, document, as_of, codes[document.id])
            named = f"{codes[document.id]} · {document.title}"
            writer.add_json(f"lich-su/{folders[document.id]}.json", history,
                            description=f"Lịch sử kiểm soát tài liệu {named} (JSON, cho máy đọc)")
            writer.add_bytes(f"lich-su/{folders[document.id]}.xlsx", dossier_readable.history_workbook(history),
                             description=f"Lịch sử kiểm soát tài liệu {named}: diễn biến (ai, làm gì, lúc nào) và "
                                         "các phiên bản (Excel)")
            step()
        coverage, reviews, found = _add_lists(writer, session, viewer, organization, as_of, today, step)
        read = _acknowledgements(session, in_force, codes, as_of)
        writer.add_json("xac-nhan-da-doc.json", read, description="Xác nhận đã đọc và hiểu (JSON, cho máy đọc)")
        writer.add_bytes("xac-nhan-da-doc.xlsx", dossier_readable.acknowledgements_workbook(read, organization.name,
                                                                                             as_of),
                         description=f"Ai được yêu cầu đọc từng tài liệu đang hiệu lực, ai đã xác nhận «đã đọc và "
                                     f"hiểu» và khi nào, tại ngày {as_of:%d/%m/%Y} (Excel)")
        step()
        chain = check_chain(session, anchor_file)
        as_of_seq, as_of_hash = _as_of_entry(session, as_of)
        figures = dossier_cover.Figures(
            in_force=len(in_force), documents=len(all_documents), covered=coverage["covered"],
            total=coverage["total"], percent=coverage["percent"], reviews_open=reviews["open"],
            reviews_closed=reviews["closed"], processes_with_findings=len(found), chain_ok=chain.ok,
            first_bad=chain.first_bad, as_of_seq=as_of_seq, as_of_hash=as_of_hash,
        )
        _add_cover(writer, viewer, figures, today)
        writer.add_json(MANIFEST, _manifest_body(manifest, viewer, chain, as_of_seq, as_of_hash), listed=False)
        writer.add_sums(SUMS)
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


def _add_lists(
    writer: _Writer, session: Session, viewer: User | None, organization: Organization, as_of: date, today: date,
    step: Callable[[], None],
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """Coverage, legal reviews and conformity findings: each as JSON and, beside it, as a workbook."""
    day = f"{as_of:%d/%m/%Y}"
    coverage = dossier_status.coverage_on(session, organization, as_of)
    writer.add_json("bao-phu-tthc.json", coverage,
                    description="Mức độ bao phủ thủ tục hành chính (JSON, cho máy đọc)")
    writer.add_bytes("bao-phu-tthc.xlsx", dossier_readable.coverage_workbook(coverage, organization.name),
                     description=f"Mức độ bao phủ thủ tục hành chính tại ngày {day}: thủ tục nào đã có, chưa có "
                                 "quy trình đang hiệu lực (Excel)")
    step()
    reviews = dossier_status.legal_reviews_on(session, organization, as_of)
    writer.add_json("ra-soat-can-cu-phap-ly.json", reviews,
                    description="Rà soát căn cứ pháp lý (JSON, cho máy đọc)")
    writer.add_bytes("ra-soat-can-cu-phap-ly.xlsx", dossier_readable.legal_reviews_workbook(reviews, organization.name),
                     description=f"Rà soát căn cứ pháp lý khi văn bản được trích dẫn bị sửa đổi, thay thế, "
                                 f"mở hoặc đã đóng tại ngày {day} (Excel)")
    step()
    found = [item.as_json() for item in
             conformity.organization_findings(session, viewer or users.operator(), organization.code)]
    writer.add_json("phat-hien-kiem-tra-phu-hop.json", found,
                    description="Kết quả kiểm tra sự phù hợp của các quy trình (JSON, cho máy đọc)")
    writer.add_bytes("phat-hien-kiem-tra-phu-hop.xlsx",
                     dossier_readable.findings_workbook(found, organization.name, today),
                     description="Kết quả kiểm tra sự phù hợp của các quy trình đang hiệu lực: thiếu thành phần "
                                 "hồ sơ, thời gian, trách nhiệm, biểu mẫu … (Excel)")
    step()
    return coverage, reviews, found


def _add_cover(writer: _Writer, viewer: User | None, figures: dossier_cover.Figures, today: date) -> None:
    """The cover and index: every member written so far, then the manifests still to come, each in words."""
    members = [
        (dossier_cover.PATH, "Bìa và mục lục của hồ sơ (tệp này)"), *writer.described,
        (MANIFEST, "Danh sách các tệp với mã SHA-256 và kích thước, đầu chuỗi nhật ký: cho lệnh "
                   "«flask qms verify-dossier»"),
        (SUMS, "Mã SHA-256 của mọi tệp trong hồ sơ: kiểm tra bằng «sha256sum -c SHA256SUMS»"),
    ]
    generated_by = None
    if viewer is not None:
        generated_by = f"{viewer.full_name}, {viewer.title}" if viewer.title else viewer.full_name
    manifest = writer.manifest
    writer.add_bytes(dossier_cover.PATH, dossier_cover.cover_bytes(
        manifest.organization, as_of=manifest.as_of, made_on=today, generated_at=writer.generated_at,
        generated_by=generated_by, figures=figures, members=members, problems=manifest.notes,
    ))


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
    """Adds members to the archive, lists each in the manifest with the SHA-256 of its bytes, and keeps what each
    is (for the index) and every member's hash (for SHA256SUMS)."""

    def __init__(self, archive: zipfile.ZipFile, manifest: Manifest) -> None:
        self.archive, self.manifest = archive, manifest
        self.generated_at = clock.local(clock.now())
        self.described: list[tuple[str, str]] = []
        self.sums: list[tuple[str, str]] = []

    def _info(self, path: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=self.generated_at.timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED if path.lower().endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
        info.external_attr = 0o444 << 16
        return info

    def _added(self, path: str, sha256: str, size: int, listed: bool, description: str | None) -> None:
        self.sums.append((path, sha256))
        if listed:
            self.manifest.files.append({"path": path, "sha256": sha256, "size": size})
        if description is not None:
            self.described.append((path, description))

    def add_bytes(self, path: str, data: bytes, *, listed: bool = True, description: str | None = None) -> str:
        self.archive.writestr(self._info(path), data)
        sha256 = hashlib.sha256(data).hexdigest()
        self._added(path, sha256, len(data), listed, description)
        return sha256

    def add_json(self, path: str, value: Any, *, listed: bool = True, description: str | None = None) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False, default=str)
        return self.add_bytes(path, text.encode("utf-8"), listed=listed, description=description)

    def add_stream(self, path: str, stream: BinaryIO, size_hint: int, *, description: str) -> tuple[str, int]:
        """Copy in chunks, hashing what is written."""
        digest, size = hashlib.sha256(), 0
        with self.archive.open(self._info(path), "w", force_zip64=size_hint >= _ZIP64_FROM) as member:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                member.write(chunk)
        sha256 = digest.hexdigest()
        self._added(path, sha256, size, True, description)
        return sha256, size

    def add_sums(self, path: str) -> None:
        """Every member written so far, one ``<sha256>  <path>`` line each, as ``sha256sum`` writes and reads."""
        lines = "".join(f"{sha256}  {member}\n" for member, sha256 in self.sums)
        self.archive.writestr(self._info(path), lines.encode("utf-8"))


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
    since = f", hiệu lực từ {revision.effective_from:%d/%m/%Y}" if revision.effective_from else ""
    named = f"{code} · {revision.document.title} · lần ban hành {revision.issue_number}{since}"
    label = f"{code} (phiên bản {revision.number})"
    try:
        with files.open(revision.file_sha256) as stream:
            sha256, _size = writer.add_stream(path, stream, revision.size,
                                              description=f"{named}: tệp như đã ban hành")
    except FileNotFoundError:
        writer.manifest.problems.append(f"file of {revision.document.code} (revision {revision.number}) is missing")
        writer.manifest.notes.append(f"Không tìm thấy tệp của {label} trong kho lưu trữ.")
        entry["path"] = None
    else:
        if sha256 != revision.file_sha256:
            writer.manifest.problems.append(
                f"file of {revision.document.code} (revision {revision.number}) differs from its recorded hash"
            )
            writer.manifest.notes.append(f"Tệp của {label} không khớp mã SHA-256 đã ghi khi tải lên.")
    rendition = revision.rendition
    if rendition is not None:  # the .docx or searchable PDF its text was read from, beside the file as issued
        stem = _member_name(revision.filename).rsplit(".", 1)[0]
        entry["rendition"] = {"path": f"tai-lieu/{folder}/ban-chuyen-doi/{stem}.{rendition.kind}",
                              "recorded_sha256": rendition.sha256, "kind": rendition.kind,
                              "producer": f"{rendition.producer} {rendition.producer_version}"}
        made = f"bản chuyển đổi .{rendition.kind} ({rendition.producer} {rendition.producer_version})"
        try:
            with files.open(rendition.sha256) as stream:
                sha256, _size = writer.add_stream(entry["rendition"]["path"], stream, rendition.size,
                                                  description=f"{named}: {made}, để đọc và tìm nội dung")
        except FileNotFoundError:
            writer.manifest.problems.append(f"rendition of {revision.document.code} (revision {revision.number}) "
                                            "is missing")
            writer.manifest.notes.append(f"Không tìm thấy bản chuyển đổi của {label} trong kho lưu trữ.")
            entry["rendition"]["path"] = None
        else:
            if sha256 != rendition.sha256:
                writer.manifest.problems.append(f"rendition of {revision.document.code} (revision {revision.number}) "
                                                "differs from its recorded hash")
                writer.manifest.notes.append(f"Bản chuyển đổi của {label} không khớp mã SHA-256 đã ghi.")
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


def _as_of_entry(session: Session, as_of: date) -> tuple[int, str]:
    """The last audit entry recorded by the end of the day: its number and hash."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.occurred_at < _end_of(as_of))
        .order_by(AuditEntry.seq.desc()).limit(1)
    ).one_or_none()
    return (last.seq, last.hash) if last else (0, GENESIS)


def _manifest_body(manifest: Manifest, viewer: User | None, chain: ChainHealth, as_of_seq: int,
                   as_of_hash: str) -> dict[str, Any]:
    anchor = chain.last_anchor
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
            "as_of_seq": as_of_seq,
            "as_of_hash": as_of_hash,
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
