"""Records' files that need a converter (.doc, .odt, .rtf) or character recognition (scans, pictures), read by a
worker as an upload of a revision is, so that search finds the words inside them.

The record's service stores the file, writes a ``queued`` reading in its unit of work and enqueues ``run`` after the
commit. ``run`` takes the reading, converts outside any transaction, then in one unit of work keeps the text and writes
the index-log entries of every record naming the file.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qms import clock
from qms.database import unit_of_work
from qms.files import filetypes
from qms.files.conversion import ConversionFailed, ConversionLimits, to_docx
from qms.files.recognition import recognise
from qms.files.store import FileStore
from qms.messages import Message
from qms.models import FileReading, ProcessingState, TextSource
from qms.search import log as search_log
from qms.search import record_entries
from qms.text.extract import Extracted, extract_text

_log = logging.getLogger(__name__)

DONE, SKIPPED, RETRY, FAILED = "done", "skipped", "retry", "failed"


def needs_worker(file_type: str, data: bytes, filename: str) -> bool:
    """A file search cannot read at once: a word-processor file to convert, a picture, a PDF without a text layer."""
    if file_type in filetypes.CONVERTED or file_type in filetypes.IMAGES:
        return True
    return file_type == "pdf" and _scanned(extract_text(data, filename))


def _scanned(extracted: Extracted) -> bool:
    # As qms.documents.processing.needs_recognition: a readable PDF without a text layer.
    return extracted.kind == "pdf" and not extracted.has_text and (extracted.error or "").startswith("no text layer")


def queue(session: Session, sha256: str, file_type: str) -> None:
    """The file's reading, queued once, inside the caller's unit of work (two records may share the bytes)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(FileReading).values(sha256=sha256, file_type=file_type, state=ProcessingState.QUEUED, text="",
                                   attempts=0, updated_at=clock.now())
        .on_conflict_do_nothing()
    )


def run(session: Session, files: FileStore, sha256: str, limits: ConversionLimits, *, max_attempts: int = 3) -> str:
    """Convert or recognise a queued file and keep its text; DONE, SKIPPED, RETRY (later) or FAILED."""
    with unit_of_work(session):
        reading = _lock(session, sha256)
        if reading is None or reading.state != ProcessingState.QUEUED:
            return SKIPPED  # done, failed, or being read by another worker
        reading.state = ProcessingState.RUNNING
        reading.attempts += 1
        reading.updated_at = clock.now()
        file_type = reading.file_type
    try:
        with files.open(sha256) as stream:
            data = stream.read()
        ocr = file_type in filetypes.IMAGES or file_type == "pdf"
        produced = recognise(data, file_type, limits) if ocr else to_docx(data, file_type, limits)
    except ConversionFailed as failure:
        _log.warning("reading of record file %s failed (%s): %s", sha256, failure.code, failure.message)
        return _failed(session, sha256, failure, max_attempts)
    except Exception as error:  # noqa: BLE001 - a converter bug is a failed attempt, never a lost job
        _log.exception("reading of record file %s failed", sha256)
        return _failed(session, sha256, ConversionFailed("error", Message("Lỗi khi xử lý tệp (%(error)s).",
                                                                            error=type(error).__name__)),
                       max_attempts)
    if produced.text is not None:
        text, source = produced.text, TextSource.OCR
    else:
        text, source = extract_text(produced.content, f"rendition.{produced.kind}").text, TextSource.CONVERSION
    with unit_of_work(session):
        reading = _lock(session, sha256)
        if reading is None or reading.state != ProcessingState.RUNNING:
            return SKIPPED
        reading.text, reading.text_source, reading.detail = text, source, None
        reading.state = ProcessingState.DONE
        reading.updated_at = clock.now()
        search_log.records_changed(session, record_entries.keys_naming(session, sha256))
    return DONE


def recover(session: Session, *, lease_seconds: float, at_start: bool) -> list[str]:
    """Readings a dead worker left running past the lease are queued again; the hashes to enqueue: at start every
    queued one (the queue may have lost jobs with its worker), later only those freed now."""
    expired = clock.now() - timedelta(seconds=lease_seconds)
    with unit_of_work(session):
        freed = []
        for reading in session.scalars(
            select(FileReading)
            .where(FileReading.state == ProcessingState.RUNNING, FileReading.updated_at < expired)
            .with_for_update()
        ):
            _log.warning("record file %s: reading left unfinished, queued again", reading.sha256)
            reading.state = ProcessingState.QUEUED
            reading.updated_at = clock.now()
            freed.append(reading.sha256)
    if not at_start:
        return sorted(freed)
    return list(session.scalars(
        select(FileReading.sha256).where(FileReading.state == ProcessingState.QUEUED).order_by(FileReading.sha256)
    ))


def _failed(session: Session, sha256: str, failure: ConversionFailed, max_attempts: int) -> str:
    with unit_of_work(session):
        reading = _lock(session, sha256)
        if reading is None or reading.state != ProcessingState.RUNNING:
            return SKIPPED
        again = failure.retry and reading.attempts < max_attempts
        reading.state = ProcessingState.QUEUED if again else ProcessingState.FAILED
        reading.detail = failure.message
        reading.updated_at = clock.now()
    return RETRY if again else FAILED


def _lock(session: Session, sha256: str) -> FileReading | None:
    query = select(FileReading).where(FileReading.sha256 == sha256).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()
