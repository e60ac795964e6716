"""Building a whole index generation: one segment per writer process, postings kept per term.

Whoosh's own writer keeps every posting as a tuple, pickles sorted runs of them to disk, merges them
back one posting at a time and reads each posting's field length from disk again: two thirds of a
rebuild. Here a term's postings are kept together in arrays (documents arrive in order, so they need
no sorting), whole terms are spilled in sorted runs when memory runs short, and the field lengths
are read once per field. Whoosh's codec still writes the segment, so the files are its own.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import marshal
import multiprocessing
import operator
import queue
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from qms.search.entries import load_revisions, revision_fields

#: Revisions read from the database and indexed at a time (bounded memory for their texts).
CHUNK = 500
#: Postings a writer keeps in memory before spilling a run (~40 bytes each).
POSTINGS_IN_MEMORY = 3_000_000

Posting = tuple[str, bytes, int, float, bytes]
Progress = Callable[[int, int], None]


def write_generation(
    ix: FileIndex,
    engine: Engine,
    revision_ids: list[int],
    *,
    processes: int = 1,
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> int:
    """Index these revisions into the empty index ``ix``: one segment per process, no merge after.

    The index's write lock is held throughout; on any failure nothing is committed.
    """
    chunks = [revision_ids[i : i + chunk] for i in range(0, len(revision_ids), chunk)]
    shares = [share for share in (chunks[k::processes] for k in range(max(1, processes))) if share]
    total = len(revision_ids)
    writer = ix.writer(compound=False)
    try:
        if len(shares) > 1 and engine.url.database not in (None, "", ":memory:"):
            segments = _write_in_processes(ix, engine, shares, total, progress)
        else:
            counted = _Counted(total, progress)
            segments = [_write_segment(ix, engine, chunks, counted.add)] if chunks else []
        # The new segments join the (empty) list of existing ones in one table-of-contents commit.
        writer.commit(mergetype=lambda _writer, existing: [*existing, *segments])
    except BaseException:
        writer.cancel()
        raise
    return total


def _write_segment(ix: FileIndex, engine: Engine, chunks: Iterable[list[int]], done: Callable[[int], None]) -> Any:
    """One segment of these revisions, written beside the other writers' under the parent's lock."""
    writer = BulkSegmentWriter(ix, _lk=False, compound=False)
    try:
        with Session(bind=engine) as session:
            for ids in chunks:
                loaded = {revision.id: revision for revision in load_revisions(session, ids)}
                for revision_id in ids:  # in the order given: current revisions first
                    if revision_id in loaded:
                        writer.add_document(**revision_fields(loaded[revision_id]))
                session.expunge_all()  # bounded memory: drop the chunk's texts
                done(len(ids))
        return writer._finalize_segment()
    except BaseException:
        writer._close_segment()
        raise
    finally:
        writer.pool.cleanup()


def _write_in_processes(
    ix: FileIndex, engine: Engine, shares: list[list[list[int]]], total: int, progress: Progress | None
) -> list[Any]:
    # Spawned, not forked: the parent may be a web worker with threads holding locks.
    context = multiprocessing.get_context("spawn")
    reports: multiprocessing.Queue[int] = context.Queue()
    url = engine.url.render_as_string(hide_password=False)
    counted = _Counted(total, progress)
    with context.Pool(len(shares), initializer=_child_reports_to, initargs=(reports,)) as pool:
        results = [
            pool.apply_async(_write_segment_in_child, (ix.storage.folder, ix.indexname, url, share))
            for share in shares
        ]
        try:
            while not all(result.ready() for result in results):
                failed = [result for result in results if result.ready() and not result.successful()]
                if failed:
                    failed[0].get()  # raises the child's error; leaving the block terminates the others
                with contextlib.suppress(queue.Empty):
                    counted.add(reports.get(timeout=0.2))
            return [result.get() for result in results]
        finally:
            pool.terminate()


_reports: Any = None


def _child_reports_to(reports: Any) -> None:
    global _reports
    _reports = reports


def _write_segment_in_child(folder: str, indexname: str, url: str, chunks: list[list[int]]) -> Any:
    from qms.database import make_engine

    engine = make_engine(url)
    try:
        ix = whoosh_index.open_dir(folder, indexname=indexname)
        return _write_segment(ix, engine, chunks, _reports.put)
    finally:
        engine.dispose()


class _Counted:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def add(self, count: int) -> None:
        self.done += count
        if self.progress:
            self.progress(self.done, self.total)


class BulkSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with postings pooled per term and field lengths read once per field."""

    def __init__(self, ix: FileIndex, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = TermPostingPool(Path(ix.storage.folder))

    def add_reader(self, reader: Any) -> None:
        raise NotImplementedError("a bulk writer only adds new documents, in order")

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = _FieldLengths(self.per_document_reader())
        try:
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            self.fieldwriter.close()
        finally:
            lengths.close()


class TermPostingPool:
    """Postings grouped by (field, term) in arrays, yielded in (field, term, document) order.

    Documents must arrive in order, as ``add_document`` gives them; merging other segments in would not.

    Past ``limit`` postings the terms in memory are written as one sorted run to an anonymous temporary
    file; runs hold consecutive documents, so a term's postings from successive runs only need joining.
    """

    def __init__(self, tempdir: Path, limit: int = POSTINGS_IN_MEMORY) -> None:
        self.tempdir, self.limit = tempdir, limit
        self._terms: dict[tuple[str, bytes], tuple[array[int], array[float], array[int]]] = {}
        self._held = 0
        self._values: list[bytes] = []
        self._value_ids: dict[bytes, int] = {}
        self._runs: list[IO[bytes]] = []

    def add(self, item: Posting) -> None:
        fieldname, term, docnum, weight, value = item
        entry = self._terms.get((fieldname, term))
        if entry is None:
            entry = self._terms[(fieldname, term)] = (array("i"), array("d"), array("I"))
        value_id = self._value_ids.get(value)
        if value_id is None:  # few distinct values (encoded frequencies): keep each once
            value_id = self._value_ids[value] = len(self._values)
            self._values.append(value)
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(value_id)
        self._held += 1
        if self._held >= self.limit:
            self._spill()

    def _spill(self) -> None:
        # Open until cleanup(): the runs are read back when the segment is written.
        run = tempfile.TemporaryFile(dir=self.tempdir, prefix="postings-", suffix=".run")  # noqa: SIM115
        for record in self._sorted_in_memory():
            marshal.dump(record, run)
        run.seek(0)
        self._runs.append(run)
        self._terms, self._held = {}, 0

    def _sorted_in_memory(self) -> Iterator[tuple[str, bytes, bytes, bytes, bytes]]:
        for key in sorted(self._terms):
            docnums, weights, values = self._terms[key]
            yield key[0], key[1], docnums.tobytes(), weights.tobytes(), values.tobytes()

    def iter_postings(self) -> Iterator[Posting]:
        sources = [*(_read_run(run) for run in self._runs), self._sorted_in_memory()]
        # heapq.merge keeps the order of the sources for equal keys: earlier documents first.
        merged = heapq.merge(*sources, key=operator.itemgetter(0, 1))
        values = self._values
        for (fieldname, term), records in itertools.groupby(merged, key=operator.itemgetter(0, 1)):
            docnums, weights, value_ids = array("i"), array("d"), array("I")
            for _, _, docnum_bytes, weight_bytes, value_bytes in records:
                docnums.frombytes(docnum_bytes)
                weights.frombytes(weight_bytes)
                value_ids.frombytes(value_bytes)
            for docnum, weight, value_id in zip(docnums, weights, value_ids, strict=True):
                yield fieldname, term, docnum, weight, values[value_id]

    def cleanup(self) -> None:
        for run in self._runs:
            run.close()
        self._runs, self._terms, self._held = [], {}, 0


def _read_run(run: IO[bytes]) -> Iterator[tuple[str, bytes, bytes, bytes, bytes]]:
    while True:
        try:
            yield marshal.load(run)
        except EOFError:
            return


class _FieldLengths:
    """The per-document reader's field lengths, read into memory once per field."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            reader = self._reader
            count = reader.doc_count_all()
            lengths = self._lengths[fieldname] = [reader.doc_field_length(n, fieldname, default) for n in range(count)]
        return lengths[docnum]

    def close(self) -> None:
        self._reader.close()
