"""A local Whoosh index kept current from the database's index log.

The index directory holds generations (``gen-…``) and a ``current`` symlink to the one
in use; each generation records the log position it has applied and its schema version
in ``position.json``. Whoosh allows one writer at a time, so every writer is opened with
a timeout and a busy index is simply caught up later: nothing is lost, because the log
in the database is the source of truth and applying an operation twice is harmless.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, case, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.index import FileIndex, LockError
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from qms.errors import DomainError
from qms.files.store import FileStore
from qms.models import IndexLogHead, IndexOperation, Revision, RevisionStatus
from qms.search import record_entries
from qms.search.build import CHUNK, write_generation
from qms.search.entries import load_revisions, revision_fields
from qms.search.merging import merge_below, merge_in_child
from qms.search.schema import SCHEMA_VERSION, build_schema
from qms.search.snapshot import open_index

log = logging.getLogger(__name__)

POSITION_FILE = "position.json"
#: Segments an index may collect from small commits before the tiny ones are merged in the background
#: (without the writer lock: appends go on meanwhile): every segment costs each query its own matchers.
MAX_SEGMENTS = 16
#: The background merge takes segments smaller than this (documents).
TINY_SEGMENT = 100
#: How long a background merge waits for the writer lock to swap its segment in: it holds it for milliseconds
#: and keeps nobody waiting meanwhile, while giving up would throw the merge's work away.
SWAP_TIMEOUT = 10.0
#: Maintenance merges every segment smaller than this (documents) into one.
SMALL_SEGMENT = 1000
#: Whoosh's compound segment files copy each sub-file into memory for every new reader
#: (``BufferFile`` over a memoryview, then ``BytesIO``): tens of MB per commit on a large index.
WRITER_OPTIONS = {"compound": False}


#: A missing index replays the log in the request when the log is this short, else it is rebuilt.
REPLAY_LIMIT = CHUNK
REBUILDING = "Chỉ mục tìm kiếm đang được xây dựng lại; vui lòng thử lại sau ít phút."


class IndexUnavailable(DomainError):
    """The index cannot be used now: damaged, or of an older schema; pages keep working without it."""

    status = 503
    code = "index_unavailable"


@dataclass
class Comparison:
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    duplicated: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    #: Records of the quality system (``kind:id``) not in the index, and in it without their row.
    missing_records: list[str] = field(default_factory=list)
    extra_records: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.duplicated or self.stale or self.missing_records
                    or self.extra_records)


class SearchIndex:
    """One process's handle on its local index; safe to share between threads."""

    def __init__(
        self, root: Path, writer_timeout: float = 1.0, build_processes: int = 1, engine: Engine | None = None,
        files: FileStore | None = None,
    ) -> None:
        self.root = Path(root)
        self.writer_timeout = writer_timeout
        self.build_processes = max(1, build_processes)
        #: With an engine, a missing, damaged or outdated index rebuilds itself in the background.
        self.engine = engine
        #: Where the records' files are read from; without it a record is indexed without its files' text.
        self.files = files
        self.replay_limit = REPLAY_LIMIT
        self.chunk = CHUNK
        self._rebuilder: threading.Thread | None = None
        self._merger: threading.Thread | None = None
        self._lock = threading.RLock()
        self._ix: FileIndex | None = None
        self._opened: Path | None = None
        self._searcher: Searcher | None = None
        self._checked_at = 0.0

    # --- generations ---------------------------------------------------------------------------

    @property
    def _link(self) -> Path:
        return self.root / "current"

    def _current(self) -> Path | None:
        return self._link.resolve() if self._link.is_symlink() and self._link.resolve().is_dir() else None

    def _new_generation(self, position: int) -> tuple[Path, FileIndex]:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        path.mkdir()
        ix = whoosh_index.create_in(str(path), build_schema())
        _write_position(path, position)
        return path, ix

    def _swap_in(self, path: Path) -> None:
        """Point ``current`` at ``path`` in one rename; readers see the old or the new, never neither."""
        temporary = self.root / f".current-{os.getpid()}-{threading.get_ident()}"
        if temporary.is_symlink():
            temporary.unlink()
        os.symlink(path.name, temporary)
        os.replace(temporary, self._link)

    def _index(self) -> FileIndex:
        with self._lock:
            current = self._current()
            if current is None:
                if self._log_head() > self.replay_limit:
                    raise self._unavailable("Chỉ mục tìm kiếm chưa có.")
                # A first start: an empty index that replays the (short) log.
                path, _ix = self._new_generation(0)
                self._swap_in(path)
                current = path
            if current != self._opened or self._ix is None:
                state = _read_position(current)
                if state.get("schema") != SCHEMA_VERSION:
                    raise self._unavailable("Chỉ mục tìm kiếm thuộc phiên bản cũ.")
                try:
                    self._ix = open_index(str(current))
                except Exception as error:  # whoosh raises many kinds for a damaged directory
                    raise self._unavailable("Chỉ mục tìm kiếm bị hỏng.") from error
                self._opened = current
                self._close_searcher()
            return self._ix

    def _log_head(self) -> int:
        """The log's last position; 0 when unknown (no engine, or a database not reachable or not set up)."""
        if self.engine is None:
            return 0
        try:
            with Session(bind=self.engine) as session:
                return session.scalar(select(IndexLogHead.position).where(IndexLogHead.id == 1)) or 0
        except SQLAlchemyError:
            return 0

    def _unavailable(self, reason: str) -> IndexUnavailable:
        """The error to answer with; starts a rebuild in the background when this process can."""
        if self.engine is None:
            return IndexUnavailable(f"{reason} Cần xây dựng lại: flask qms reindex.")
        log.warning("search index unusable (%s): rebuilding in the background", reason)
        self._start_rebuild()
        return IndexUnavailable(REBUILDING)

    def _start_rebuild(self) -> None:
        """One rebuild per host: the thread holds an exclusive lock file that other processes try first."""
        if self._rebuilder is not None and self._rebuilder.is_alive():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        lock = open(self.root / ".rebuild.lock", "w")  # noqa: SIM115 - closed by the thread
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            return  # another process of this host is rebuilding

        def run() -> None:
            try:
                assert self.engine is not None
                count = self.rebuild(self.engine)
                log.warning("search index rebuilt: %d revisions", count)
            except Exception:
                log.exception("search index rebuild failed; `flask qms reindex` rebuilds it")
            finally:
                lock.close()

        self._rebuilder = threading.Thread(target=run, name="qms-index-rebuild", daemon=True)
        self._rebuilder.start()

    def position(self) -> int:
        self._index()
        assert self._opened is not None
        return int(_read_position(self._opened)["position"])

    # --- applying the log ------------------------------------------------------------------

    def apply_log(
        self, engine: Engine | Connection, *, timeout: float | None = None, max_ops: int | None = None
    ) -> int:
        """Apply committed operations past this index's position; 0 if another writer holds it.

        Reads through a session of its own, so the caller's objects are left as they were.
        """
        ix = self._index()
        if not self.pending(engine):
            return 0  # the common case for a search: no writer lock taken
        try:
            writer = ix.writer(timeout=self.writer_timeout if timeout is None else timeout, **WRITER_OPTIONS)
        except LockError:
            return 0
        applied = 0
        session = Session(bind=engine)
        try:
            assert self._opened is not None
            position = int(_read_position(self._opened)["position"])
            query = (
                select(IndexOperation.position, IndexOperation.revision_id, IndexOperation.record)
                .where(IndexOperation.position > position)
                .order_by(IndexOperation.position)
            )
            if max_ops:
                query = query.limit(max_ops)
            operations = session.execute(query).all()
            if not operations:
                writer.cancel()
                return 0

            revision_ids = sorted({op.revision_id for op in operations if op.revision_id is not None})
            for revision in load_revisions(session, revision_ids):
                writer.update_document(**revision_fields(revision))
                applied += 1
            applied += self._write_records(writer, session, {op.record for op in operations if op.record})
            # Merging would cost the request that happens to commit up to a second on a large
            # index: segments are merged in the background once they pile up, and by maintenance.
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            raise
        finally:
            session.close()
        # After the commit: a crash here only means the same operations are applied again. Another
        # process may have applied later operations since our writer let go: never step back.
        reached = int(_read_position(self._opened)["position"])
        _write_position(self._opened, max(operations[-1].position, reached))
        self._refresh()
        if len(ix._segments()) > MAX_SEGMENTS:
            self._merge_in_background()
        return applied

    def _write_records(self, writer: SegmentWriter, session: Session, keys: set[str]) -> int:
        """Index these records as committed; a key whose row is not there leaves no entry."""
        found = record_entries.load(session, keys)
        file_text = record_entries.reader_of(session, self.files)
        for key in sorted(keys):
            if key in found:
                writer.update_document(**record_entries.record_fields(found[key], file_text))
            else:
                writer.delete_by_term("record", key)
        return len(found)

    def _merge_in_background(self) -> None:
        """The tiny segments into one, off the request, the writer lock and this process (``merge_process``)."""
        if self._merger is not None and self._merger.is_alive():
            return

        def run() -> None:
            try:
                _ix, path = self._generation()
                code = merge_in_child(path, TINY_SEGMENT, SWAP_TIMEOUT)
            except IndexUnavailable:
                return
            except Exception:
                log.exception("merging index segments failed; `flask qms reindex --catch-up` merges them")
                return
            if code:
                log.error("merging index segments failed (exit code %d); `flask qms reindex --catch-up` merges them",
                          code)
            self._refresh()

        self._merger = threading.Thread(target=run, name="qms-index-merge", daemon=True)
        self._merger.start()

    def merge_segments(self, timeout: float = 30) -> int:
        """Merge the small segments left by commits (maintenance); returns the segments before."""
        ix, path = self._generation()
        before = len(ix._segments())
        if merge_below(ix, path, SMALL_SEGMENT, writer_timeout=timeout, wait=timeout) is None:
            raise LockError("another merge of the index is still running")
        self._refresh()
        return before

    def _generation(self) -> tuple[FileIndex, Path]:
        """The open index and its directory, read together."""
        with self._lock:
            ix = self._index()
            assert self._opened is not None
            return ix, self._opened

    def pending(self, engine: Engine | Connection) -> int:
        """How many log operations this index has not applied yet."""
        with Session(bind=engine) as session:
            head = session.scalar(select(IndexLogHead.position).where(IndexLogHead.id == 1)) or 0
        return max(0, head - self.position())

    # --- rebuilding ------------------------------------------------------------------------

    def rebuild(self, engine: Engine, progress: Callable[[int, int], None] | None = None) -> int:
        """Build a new generation from the database in chunks, swap it in, then catch up."""
        with Session(bind=engine) as session:
            done = self._build(session, progress)
        while self.apply_log(engine, timeout=30):
            pass
        return done

    def _build(self, session: Session, progress: Callable[[int, int], None] | None) -> int:
        # Everything up to this committed position is in the rows read below.
        start = session.scalar(select(IndexLogHead.position).where(IndexLogHead.id == 1)) or 0
        path, ix = self._new_generation(start)
        try:
            # Current revisions first in every segment: a search for them (the default) reads only the
            # start of each posting list (qms.search.matches).
            not_current = case((Revision.status == RevisionStatus.EFFECTIVE, 0), else_=1)
            ids = list(session.scalars(select(Revision.id).order_by(not_current, Revision.id)))
            # One segment per process and no merge after: the rebuild is CPU bound in pure Python.
            engine = session.get_bind()
            assert isinstance(engine, Engine)  # rebuild opens this session on its engine
            done = write_generation(
                ix, engine, ids, processes=self.build_processes, chunk=self.chunk, progress=progress
            )
            # Records are few beside the revisions: one more segment, written here.
            writer = ix.writer(**WRITER_OPTIONS)
            try:
                done += self._write_records(writer, session, set(record_entries.all_keys(session)))
                writer.commit(merge=False)
            except BaseException:
                writer.cancel()
                raise
        except BaseException:
            # The old generation keeps serving; only the unfinished new one goes.
            shutil.rmtree(path, ignore_errors=True)
            raise
        with self._lock:
            previous = self._current()
            self._swap_in(path)
            self._ix, self._opened = None, None
            self._close_searcher()
        if previous is not None and previous != path:
            shutil.rmtree(previous, ignore_errors=True)
        return done

    # --- comparing with the database -------------------------------------------------------

    def compare(self, engine: Engine) -> Comparison:
        """Every revision once, with its current status, every record, and nothing else."""
        with Session(bind=engine) as session:
            in_db = {row.id: row.status for row in session.execute(select(Revision.id, Revision.status))}
            records_in_db = set(record_entries.all_keys(session))
        in_index: Counter[int] = Counter()
        records_in_index: set[str] = set()
        statuses: dict[int, str] = {}
        self._refresh()  # exact, not up to a second old
        with self.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                if "record" in fields:
                    records_in_index.add(fields["record"])
                    continue
                revision_id = int(fields["revision_id"])
                in_index[revision_id] += 1
                statuses[revision_id] = fields["status"]
        result = Comparison()
        result.missing = sorted(set(in_db) - set(in_index))
        result.extra = sorted(set(in_index) - set(in_db))
        result.duplicated = sorted(r for r, n in in_index.items() if n > 1)
        result.stale = sorted(r for r, s in statuses.items() if r in in_db and in_db[r].value != s)
        result.missing_records = sorted(records_in_db - records_in_index)
        result.extra_records = sorted(records_in_index - records_in_db)
        return result

    def repair(self, engine: Engine, comparison: Comparison) -> int:
        """Index what is missing or stale, drop what should not be there."""
        ix = self._index()
        writer = ix.writer(timeout=30, **WRITER_OPTIONS)
        try:
            for revision_id in comparison.extra + comparison.duplicated:
                writer.delete_by_term("revision_id", str(revision_id))
            with Session(bind=engine) as session:
                for revision in load_revisions(session, comparison.missing + comparison.stale + comparison.duplicated):
                    writer.update_document(**revision_fields(revision))
                self._write_records(writer, session, {*comparison.missing_records, *comparison.extra_records})
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        self._refresh()
        return (len(comparison.missing) + len(comparison.extra) + len(comparison.duplicated) + len(comparison.stale)
                + len(comparison.missing_records) + len(comparison.extra_records))

    # --- searching -------------------------------------------------------------------------

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """The process's one searcher, refreshed when another process has committed."""
        with self._lock:
            ix = self._index()
            if self._searcher is None:
                self._searcher = ix.searcher()
            elif time.monotonic() - self._checked_at > 1.0:
                self._refresh()
            yield self._searcher

    def _refresh(self) -> None:
        """Reopen the searcher when the index has a newer generation.

        Not ``Searcher.refresh()``: in whoosh-reloaded 2.7.5 it reuses segment readers
        with their old deletion sets, so an updated document shows twice.
        """
        with self._lock:
            if self._searcher is not None and not self._searcher.up_to_date():
                self._searcher.close()
                self._searcher = self._index().searcher()
            self._checked_at = time.monotonic()

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def close(self) -> None:
        with self._lock:
            self._close_searcher()
            self._ix, self._opened = None, None


def _read_position(path: Path) -> dict[str, int]:
    try:
        data: dict[str, int] = json.loads((path / POSITION_FILE).read_text())
    except (OSError, ValueError):
        return {"position": 0, "schema": -1}
    return data


def _write_position(path: Path, position: int) -> None:
    temporary = path / f".{POSITION_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps({"position": position, "schema": SCHEMA_VERSION}))
    os.replace(temporary, path / POSITION_FILE)
