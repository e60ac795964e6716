"""What happens to an upload after it is stored: read at once (.docx, PDF with text) or converted and recognised
by a worker (.doc, .odt, .rtf, scans, pictures), with its state visible to everyone who sees the revision.

The upload (``lifecycle.add_revision``) records the revision and, for a file that needs a converter, a
``queued`` processing row, and enqueues ``run`` after its commit. ``run`` claims the row, converts outside
any transaction, stores the rendition by its hash, then in ONE unit of work links the rendition, sets the
text, reads TTHC codes, citations and conformity, writes the audit entry and the index-log entry. A worker
that dies leaves its row ``running`` under its claim; the next worker on that host takes it back at start,
any worker after the lease. The claim is checked again at the end, so a revision is processed once.
"""

from __future__ import annotations

import io
import logging
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, BinaryIO

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qms import clock, conformity, faults
from qms.audit import trail
from qms.catalogue import links
from qms.database import unit_of_work
from qms.documents.reading import get_revision, require_processed
from qms.files import filetypes
from qms.files.conversion import ConversionFailed, ConversionLimits, Produced, to_docx
from qms.files.recognition import page_count, recognise
from qms.files.store import FileStore
from qms.legal import basis
from qms.messages import Message
from qms.models import (
    ProcessingState,
    Rendition,
    Revision,
    RevisionProcessing,
    RevisionStatus,
    StoredFile,
    TextSource,
    User,
)
from qms.search import log as search_log
from qms.text.extract import Extracted, extract_text

STATE_LABELS = {
    ProcessingState.QUEUED: "Đang chờ xử lý",
    ProcessingState.RUNNING: "Đang xử lý",
    ProcessingState.DONE: "Đã xử lý xong",
    ProcessingState.FAILED: "Xử lý không thành công",
}
TEXT_SOURCE_LABELS = {
    TextSource.FILE: "Nội dung đọc trực tiếp từ tệp",
    TextSource.CONVERSION: "Nội dung đọc từ bản chuyển đổi .docx (LibreOffice)",
    TextSource.OCR: "Nội dung do nhận dạng chữ (OCR) từ bản quét, có thể có sai sót",
}
#: Revisions whose reading may still be changed by a rebuild; the others keep what was read when they were decided.
_OPEN = (RevisionStatus.DRAFT, RevisionStatus.RETURNED)
#: What ``run`` reports to the job that called it.
DONE, SKIPPED, RETRY, FAILED = "done", "skipped", "retry", "failed"

_log = logging.getLogger(__name__)


def worker_name() -> str:
    """``host:pid``: a restarted worker on the same host knows the runs its predecessor left unfinished."""
    import os

    return f"{socket.gethostname()}:{os.getpid()}"


def limits_from(config: Any) -> ConversionLimits:
    """The converters' limits from the application's settings."""
    return ConversionLimits(
        timeout=float(config["CONVERSION_TIMEOUT"]),
        ocr_timeout=float(config["OCR_TIMEOUT"]),
        max_pages=int(config["CONVERSION_MAX_PAGES"]),
        max_image_pixels=int(config["OCR_MAX_PIXELS"]),
        ocr_language=str(config["OCR_LANGUAGE"]),
        ocr_jobs=int(config["OCR_JOBS"]),
        converter=str(config.get("CONVERTER") or "persistent"),
        converter_python=str(config.get("CONVERTER_PYTHON") or "/usr/bin/python3"),
    )


def upload_limits(limits: ConversionLimits) -> filetypes.UploadLimits:
    return filetypes.UploadLimits(max_pages=limits.max_pages, max_image_pixels=limits.max_image_pixels)


# --- at upload, inside lifecycle.add_revision -------------------------------------------------------


def read_at_upload(stream: BinaryIO, filename: str, file_type: str, limits: ConversionLimits) -> Extracted | None:
    """The text of a .docx or a PDF with a text layer, read now; None when a worker must convert or recognise it.

    Hostile .docx files are refused here (filetypes.check_extracted); a scan over the page limit too.
    """
    if file_type in filetypes.CONVERTED or file_type in filetypes.IMAGES:
        return None
    data = stream.read()
    stream.seek(0)
    extracted = extract_text(data, filename)
    filetypes.check_extracted(extracted, filename)
    if file_type == "pdf" and needs_recognition(extracted):
        pages = page_count(data)
        if pages is not None:
            filetypes.check_pages(pages, filename, upload_limits(limits))
        return None
    return extracted


def needs_recognition(extracted: Extracted) -> bool:
    """A readable PDF without a text layer (not an encrypted or broken one, which OCR cannot open either)."""
    return extracted.kind == "pdf" and not extracted.has_text and (extracted.error or "").startswith("no text layer")


def begin(session: Session, revision: Revision, file_type: str, *, deferred: bool, files: FileStore) -> list[str]:
    """The processing row of a new revision; a file read at upload is read into links, citations and checks now.

    Runs in the upload's unit of work; returns the TTHC codes linked from the text.
    """
    row = RevisionProcessing(
        revision_id=revision.id, file_type=file_type, attempts=0, updated_at=clock.now(),
        state=ProcessingState.QUEUED if deferred else ProcessingState.DONE,
        text_source=None if deferred or not revision.has_text else TextSource.FILE,
    )
    session.add(row)
    session.flush()
    if deferred:
        return []
    return read_into(session, revision, files=files)


def read_into(session: Session, revision: Revision, *, files: FileStore | None = None,
              content: bytes | None = None) -> list[str]:
    """TTHC codes, legal citations and the conformity reading of the revision's text; in the caller's transaction."""
    linked = links.link_from_revision(session, revision)
    basis.extract_basis(session, revision)
    conformity.check_revision(session, revision, files=files, content=content)
    return linked


# --- reading the state -------------------------------------------------------------------------------


def state_of(revision: Revision) -> str:
    """queued, running, done or failed; a revision from before processing existed was read at upload: done."""
    row = revision.processing
    return str(row.state) if row is not None else ProcessingState.DONE


def text_source_of(revision: Revision) -> str | None:
    row = revision.processing
    if row is not None:
        return row.text_source
    return TextSource.FILE if revision.has_text else None


def _set_detail(row: RevisionProcessing, detail: Message | None) -> None:
    """The reason kept as text (the API and registers read it) and as message data (a page reads it in English)."""
    row.detail = detail
    row.detail_data = detail.as_data() if detail is not None else None


def detail_of(row: RevisionProcessing) -> Message | str | None:
    """The reason as a Message; one stored before reasons kept their values stays the Vietnamese text it was."""
    return Message.from_data(row.detail_data) if row.detail_data else row.detail


def describe(revision: Revision) -> dict[str, Any]:
    """What the page and the API show: the state, its label, the reason of a failure, where the text comes from."""
    row = revision.processing
    state = state_of(revision)
    source = text_source_of(revision)
    rendition = revision.rendition
    return {
        "state": state,
        "label": STATE_LABELS[ProcessingState(state)],
        "detail": detail_of(row) if row is not None else None,
        "text_source": source,
        "text_source_label": TEXT_SOURCE_LABELS.get(TextSource(source)) if source else None,
        "ocr_confidence": row.ocr_confidence if row is not None else None,
        "rendition": None if rendition is None or state != ProcessingState.DONE else {
            "sha256": rendition.sha256, "kind": rendition.kind,
            "producer": f"{rendition.producer} {rendition.producer_version}",
        },
    }


def processing_status(session: Session, viewer: User, revision_id: int) -> dict[str, Any]:
    """The state of one revision the viewer may see, for the page's polling script."""
    return describe(get_revision(session, viewer, revision_id))


def open_rendition(session: Session, files: FileStore, viewer: User, revision_id: int) -> tuple[Revision, BinaryIO]:
    """The rendition of a revision the viewer may see; 409 while processing, 404 when the upload needed none."""
    from qms.errors import NotFound

    revision = get_revision(session, viewer, revision_id)
    require_processed(revision)
    if revision.rendition is None:
        raise NotFound("Phiên bản này không có bản chuyển đổi (tệp gốc được đọc trực tiếp).")
    if not revision.is_current:  # as for the original: a copy of a non-current revision is audited
        with unit_of_work(session):
            trail.record(session, "download", actor=viewer, revision=revision,
                         details={"status": revision.status.value, "rendition": True},
                         file_sha256=revision.rendition.sha256)
    return revision, files.open(revision.rendition.sha256)


# --- the worker ---------------------------------------------------------------------------------------


def run(session: Session, files: FileStore, revision_id: int, limits: ConversionLimits, *, worker: str,
        max_attempts: int = 3, stages: dict[str, float] | None = None) -> str:
    """Claim, convert or recognise, and record the result once; DONE, SKIPPED, RETRY (try again later) or FAILED.

    ``stages`` receives the seconds of each stage (queued, convert, record), for the worker's log line.
    """
    stages = {} if stages is None else stages
    with unit_of_work(session):
        row = _lock(session, revision_id)
        if row is None or row.state != ProcessingState.QUEUED:
            return SKIPPED  # done, failed, or being run by another worker
        row.state = ProcessingState.RUNNING
        row.attempts += 1
        row.claim = worker
        row.claimed_at = row.updated_at = clock.now()
        _set_detail(row, None)
        revision = session.get(Revision, revision_id)
        assert revision is not None
        file_type, sha256 = row.file_type, revision.file_sha256
        stages["queued"] = (row.claimed_at - revision.created_at).total_seconds()
    faults.pause("processing.running")
    started = time.perf_counter()
    try:
        with files.open(sha256) as stream:
            data = stream.read()
        produced = recognise(data, file_type, limits) if needs_ocr(file_type) else to_docx(data, file_type, limits)
    except ConversionFailed as failure:
        _log.warning("processing of revision %s failed (%s): %s", revision_id, failure.code, failure.message)
        return _attempt_failed(session, revision_id, worker, failure, max_attempts)
    except Exception as error:  # noqa: BLE001 - a converter bug is a failed attempt, never a lost job
        _log.exception("processing of revision %s failed", revision_id)
        unexpected = ConversionFailed("error", Message("Lỗi khi xử lý tệp (%(error)s).", error=type(error).__name__))
        return _attempt_failed(session, revision_id, worker, unexpected, max_attempts)
    converted = time.perf_counter()
    stages["convert"] = converted - started
    # The rendition is safe on disk before any row points to it; an unreferenced file is harmless.
    stored = files.put(io.BytesIO(produced.content))
    faults.pause("processing.stored")
    with unit_of_work(session):
        row = _lock(session, revision_id)
        if row is None or row.state != ProcessingState.RUNNING or row.claim != worker:
            return SKIPPED  # taken back after our lease ran out and processed by another worker
        revision = session.get(Revision, revision_id, populate_existing=True)
        assert revision is not None
        linked = _record(session, revision, row, produced, stored.sha256, stored.size, data)
        trail.record(
            session, "processed", actor=None, revision=revision,
            details={"rendition_sha256": stored.sha256, "kind": produced.kind,
                     "producer": f"{produced.producer} {produced.version}", "text_source": row.text_source,
                     "ocr_confidence": row.ocr_confidence, "pages": produced.pages, "procedure_codes": linked},
        )
        search_log.changed(session, [revision])
    stages["record"] = time.perf_counter() - converted
    return DONE


def needs_ocr(file_type: str) -> bool:
    """Pictures and (queued) PDFs are recognised; word-processor files are converted."""
    return file_type in filetypes.IMAGES or file_type == "pdf"


def _record(session: Session, revision: Revision, row: RevisionProcessing, produced: Produced, sha256: str,
            size: int, original: bytes) -> list[str]:
    """Link the rendition, set the text read from it, and read links, citations and checks; in the caller's unit."""
    _register_file(session, sha256, size)
    rendition = session.scalar(select(Rendition).where(Rendition.revision_id == revision.id))
    if rendition is None:
        rendition = Rendition(revision_id=revision.id)
        revision.rendition = rendition
    rendition.sha256, rendition.kind, rendition.size, rendition.pages = sha256, produced.kind, size, produced.pages
    rendition.producer, rendition.producer_version = produced.producer, produced.version
    rendition.created_at = clock.now()
    if produced.text is not None:
        text, source = produced.text, TextSource.OCR
    else:
        text, source = extract_text(produced.content, f"rendition.{produced.kind}").text, TextSource.CONVERSION
    revision.text = text
    revision.has_text = bool(text.strip())
    session.flush()
    content = produced.content if produced.kind == "docx" else None
    if source is TextSource.OCR and not revision.has_text and row.file_type == "pdf":
        content = original  # recognition found nothing: the finding says the scan has no text layer
    linked = read_into(session, revision, content=content) if revision.status in _OPEN else []
    row.state = ProcessingState.DONE
    _set_detail(row, None)
    row.text_source = source
    row.ocr_confidence = produced.confidence
    row.updated_at = clock.now()
    return linked


def _attempt_failed(session: Session, revision_id: int, worker: str, failure: ConversionFailed,
                    max_attempts: int) -> str:
    with unit_of_work(session):
        row = _lock(session, revision_id)
        if row is None or row.state != ProcessingState.RUNNING or row.claim != worker:
            return SKIPPED
        row.claim = None
        row.updated_at = clock.now()
        if failure.retry and row.attempts < max_attempts:
            row.state = ProcessingState.QUEUED
            _set_detail(row, Message("Lần xử lý thứ %(attempt)s không thành công (%(reason)s); sẽ thử lại.",
                                     attempt=row.attempts, reason=failure.message))
            return RETRY
        row.state = ProcessingState.FAILED
        _set_detail(row, failure.message)
        revision = session.get(Revision, revision_id)
        trail.record(session, "processing_failed", actor=None, revision=revision,
                     details={"code": failure.code, "reason": failure.message, "attempts": row.attempts,
                              "reason_data": failure.message.as_data()})
    return FAILED


def recover(session: Session, worker: str, *, lease_seconds: float, at_start: bool) -> list[int]:
    """Runs left unfinished are queued again: at start, those of this host's previous worker; always, expired ones.

    Returns the ids to enqueue: at start every queued revision (the queue may have lost jobs with its worker),
    later only those freed now; a duplicate job is skipped by the claim.
    """
    host = worker.split(":", 1)[0]
    expired = clock.now() - timedelta(seconds=lease_seconds)
    with unit_of_work(session):
        stale = [RevisionProcessing.claimed_at < expired]
        if at_start:
            stale.append(RevisionProcessing.claim.like(f"{host}:%") & (RevisionProcessing.claim != worker))
        rows = session.scalars(
            select(RevisionProcessing)
            .where(RevisionProcessing.state == ProcessingState.RUNNING, or_(*stale))
            .with_for_update()
        )
        freed = []
        for row in rows:
            _log.warning("revision %s: run of %s left unfinished, queued again", row.revision_id, row.claim)
            row.state = ProcessingState.QUEUED
            row.claim = None
            _set_detail(row, Message("Tiếp tục xử lý sau khi bộ xử lý khởi động lại."))
            row.updated_at = clock.now()
            freed.append(row.revision_id)
    if not at_start:
        return sorted(freed)
    return list(session.scalars(
        select(RevisionProcessing.revision_id)
        .where(RevisionProcessing.state == ProcessingState.QUEUED)
        .order_by(RevisionProcessing.revision_id)
    ))


def rebuild(session: Session, files: FileStore, limits: ConversionLimits,
            progress: Callable[[int, int, Revision, str], None] | None = None) -> dict[str, int]:
    """Convert or recognise every revision that has a rendition (or needed one) again, e.g. after a converter upgrade.

    The rendition and the text are replaced and re-indexed; links, citations and checks are read again only
    for drafts and returned revisions (what was decided on stays as it was). Counts by outcome.
    """
    ids = list(session.scalars(
        select(RevisionProcessing.revision_id)
        .where(RevisionProcessing.text_source.in_([TextSource.CONVERSION, TextSource.OCR])
               | (RevisionProcessing.state == ProcessingState.FAILED))
        .order_by(RevisionProcessing.revision_id)
    ))
    counts = {DONE: 0, FAILED: 0, SKIPPED: 0, RETRY: 0}
    worker = worker_name()
    for number, revision_id in enumerate(ids, start=1):
        with unit_of_work(session):
            row = _lock(session, revision_id)
            if row is None or row.state == ProcessingState.RUNNING:
                outcome = SKIPPED
            else:
                row.state, row.attempts = ProcessingState.QUEUED, 0
                _set_detail(row, None)
                outcome = ""
        if not outcome:
            outcome = run(session, files, revision_id, limits, worker=worker, max_attempts=1)
        counts[outcome] += 1
        if progress is not None:
            progress(number, len(ids), session.get(Revision, revision_id), outcome)  # type: ignore[arg-type]
    return counts


def _lock(session: Session, revision_id: int) -> RevisionProcessing | None:
    return session.scalar(
        select(RevisionProcessing)
        .where(RevisionProcessing.revision_id == revision_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _register_file(session: Session, sha256: str, size: int) -> None:
    """Record a stored file once, whoever else stores the same bytes at the same moment."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(StoredFile).values(sha256=sha256, size=size, created_at=clock.now()).on_conflict_do_nothing()
    )
