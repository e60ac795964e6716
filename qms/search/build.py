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
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from qms.search.entries import load_revisions, revision_fields
from qms.search.schema import VietnameseText

#: Revisions read from the database and indexed at a time (bounded memory for their texts).
CHUNK = 500
#: Postings a writer keeps in memory before spilling a run (~40 bytes each).
POSTINGS_IN_MEMORY = 3_000_000

Posting = tuple[str, bytes, int, float, bytes]
#: A term's postings: field, term, and in document order the documents, weights and ids of their values.
TermPostings = tuple[str, bytes, "array[int]", "array[float]", "array[int]"]
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
        if any(field.vector or field.separate_spelling() for _, field in self.schema.items()):
            raise NotImplementedError("a bulk writer keeps no term vectors and no separate spelling words")
        self.pool = TermPostingPool(Path(ix.storage.folder))

    def add_reader(self, reader: Any) -> None:
        raise NotImplementedError("a bulk writer only adds new documents, in order")

    def add_document(self, **fields: Any) -> None:
        """Whoosh's ``add_document`` for this index's schema, with a text field's terms pooled in one call
        (``VietnameseText.term_counts``) instead of a posting tuple and a call per term."""
        if any(name.startswith("_") for name in fields):
            raise NotImplementedError("a bulk writer takes no boosts and no separate stored values")
        self._check_state()
        schema, perdocwriter, pool, docnum = self.schema, self.perdocwriter, self.pool, self.docnum
        names = sorted(fields)
        self._check_fields(schema, names)
        perdocwriter.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if isinstance(field, VietnameseText):
                    counts = field.term_counts(value)
                    pool.add_counts(name, field.format.field_boost, docnum, counts)
                    if field.scorable:
                        length = sum(counts.values())
                elif field.indexed:
                    for term, frequency, weight, encoded in field.index(value):
                        if field.scorable:
                            length += frequency
                        pool.add((name, term, docnum, weight, encoded))
                perdocwriter.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdocwriter.add_column_value(name, field.column_type, field.to_column_value(value))
        except BaseException:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = _FieldLengths(self.per_document_reader())
        try:
            _write_terms(self.fieldwriter, self.schema, lengths, self.pool.iter_terms(), self.pool.values)
            self.fieldwriter.close()
        finally:
            lengths.close()


def _write_terms(fieldwriter: Any, schema: Any, lengths: _FieldLengths, terms: Iterator[TermPostings],
                 values: list[bytes]) -> None:
    """What Whoosh's ``FieldWriter.add_postings`` writes, handed to its postings writer a block at a time.

    Whoosh calls three methods and four checks per posting; a rebuild writes some 200 million postings, and that
    was most of the segments' final write. Terms arrive sorted by (field, term), documents in order.
    """
    fieldname: str | None = None
    field_lengths: list[int] = []
    for name, term, docnums, weights, value_ids in terms:
        if name != fieldname:
            if fieldname is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(name, schema[name])
            fieldname, field_lengths = name, lengths.of_field(name)
        fieldwriter.start_term(term)
        postings = fieldwriter._postwriter
        limit = postings._blocklimit
        for start in range(0, len(docnums), limit):
            if start:
                postings._write_block()  # a full block; the last one is written (or inlined) by finish_term
            _fill_block(postings, docnums[start:start + limit], weights[start:start + limit],
                        value_ids[start:start + limit], values, field_lengths)
        fieldwriter.finish_term()
    if fieldname is not None:
        fieldwriter.finish_field()


def _fill_block(postings: Any, docnums: array[int], weights: array[float], value_ids: array[int],
                values: list[bytes], field_lengths: list[int]) -> None:
    """Set the block buffer of Whoosh's ``W3PostingsWriter`` as its ``add_posting`` would, posting by posting."""
    postings._ids = array("I", docnums)
    postings._weights = array("f", weights)
    postings._maxweight = max(0, max(weights))
    postings._values = list(filter(None, map(values.__getitem__, value_ids)))
    known = list(filter(None, map(field_lengths.__getitem__, docnums)))  # a zero length is not counted
    postings._minlength = min(known) if known else None
    postings._maxlength = max(known, default=0)


class TermPostingPool:
    """Postings grouped by (field, term) in arrays, yielded in (field, term, document) order.

    Documents must arrive in order, as ``add_document`` gives them; merging other segments in would not.

    Past ``limit`` postings the terms in memory are written as one sorted run to an anonymous temporary
    file; runs hold consecutive documents, so a term's postings from successive runs only need joining.
    """

    def __init__(self, tempdir: Path, limit: int = POSTINGS_IN_MEMORY) -> None:
        self.tempdir, self.limit = tempdir, limit
        self._terms: dict[tuple[str, bytes], tuple[array[int], array[float], array[int]]] = {}
        #: Fields whose postings are their frequencies alone: boost, and per term documents and frequencies.
        self._counted: dict[str, tuple[float, dict[str, tuple[array[int], array[int]]]]] = {}
        self._frequency_ids = _FrequencyValueIds(self)
        self._held = 0
        self._values: list[bytes] = []
        self._value_ids: dict[bytes, int] = {}
        self._runs: list[IO[bytes]] = []

    def add(self, item: Posting) -> None:
        fieldname, term, docnum, weight, value = item
        entry = self._terms.get((fieldname, term))
        if entry is None:
            entry = self._terms[(fieldname, term)] = (array("i"), array("d"), array("I"))
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(self.value_id(value))
        self._held += 1
        if self._held >= self.limit:
            self._spill()

    def add_counts(self, fieldname: str, boost: float, docnum: int, counts: dict[str, int]) -> None:
        """A document's terms in a field whose posting weight is the frequency times ``boost`` and whose value is
        the frequency encoded (``whoosh.formats.Frequency``)."""
        field = self._counted.get(fieldname)
        if field is None:
            field = self._counted[fieldname] = (boost, {})
        terms = field[1]
        get = terms.get
        for term, frequency in counts.items():
            entry = get(term)
            if entry is None:
                entry = terms[term] = (array("i"), array("i"))
            entry[0].append(docnum)
            entry[1].append(frequency)
        self._held += len(counts)
        if self._held >= self.limit:
            self._spill()

    def value_id(self, value: bytes) -> int:
        """The id under which a distinct encoded value is kept (few: encoded frequencies)."""
        value_id = self._value_ids.get(value)
        if value_id is None:
            value_id = self._value_ids[value] = len(self._values)
            self._values.append(value)
        return value_id

    def _spill(self) -> None:
        # Open until cleanup(): the runs are read back when the segment is written.
        run = tempfile.TemporaryFile(dir=self.tempdir, prefix="postings-", suffix=".run")  # noqa: SIM115
        for record in self._sorted_in_memory():
            marshal.dump(record, run)
        run.seek(0)
        self._runs.append(run)
        self._terms, self._counted, self._held = {}, {}, 0

    def _sorted_in_memory(self) -> Iterator[tuple[str, bytes, bytes, bytes, bytes]]:
        # A field is either counted or not; UTF-8 bytes sort as the text's code points, so each part is in order.
        return heapq.merge(self._sorted_terms(), self._sorted_counted(), key=operator.itemgetter(0, 1))

    def _sorted_terms(self) -> Iterator[tuple[str, bytes, bytes, bytes, bytes]]:
        for key in sorted(self._terms):
            docnums, weights, values = self._terms[key]
            yield key[0], key[1], docnums.tobytes(), weights.tobytes(), values.tobytes()

    def _sorted_counted(self) -> Iterator[tuple[str, bytes, bytes, bytes, bytes]]:
        value_ids = self._frequency_ids
        for fieldname in sorted(self._counted):
            boost, terms = self._counted[fieldname]
            for term in sorted(terms):
                docnums, frequencies = terms[term]
                weights = array("d", [frequency * boost for frequency in frequencies])
                yield (fieldname, term.encode("utf-8"), docnums.tobytes(), weights.tobytes(),
                       array("I", map(value_ids.__getitem__, frequencies)).tobytes())

    @property
    def values(self) -> list[bytes]:
        """The distinct encoded values, by the ids ``iter_terms`` gives."""
        return self._values

    def iter_terms(self) -> Iterator[TermPostings]:
        """Each (field, term) once, in order, with its documents, weights and value ids in document order."""
        sources = [*(_read_run(run) for run in self._runs), self._sorted_in_memory()]
        # heapq.merge keeps the order of the sources for equal keys: earlier documents first.
        merged = heapq.merge(*sources, key=operator.itemgetter(0, 1))
        for (fieldname, term), records in itertools.groupby(merged, key=operator.itemgetter(0, 1)):
            docnums, weights, value_ids = array("i"), array("d"), array("I")
            for _, _, docnum_bytes, weight_bytes, value_bytes in records:
                docnums.frombytes(docnum_bytes)
                weights.frombytes(weight_bytes)
                value_ids.frombytes(value_bytes)
            yield fieldname, term, docnums, weights, value_ids

    def cleanup(self) -> None:
        for run in self._runs:
            run.close()
        self._runs, self._terms, self._counted, self._held = [], {}, {}, 0


class _FrequencyValueIds(dict[int, int]):
    """The pool's value id of each frequency's encoding, found once per frequency."""

    def __init__(self, pool: TermPostingPool) -> None:
        super().__init__()
        self._pool = pool

    def __missing__(self, frequency: int) -> int:
        value_id = self[frequency] = self._pool.value_id(pack_uint(frequency))
        return value_id


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

    def of_field(self, fieldname: str) -> list[int]:
        """Every document's length in the field (0 where it has none), by document number."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            reader = self._reader
            count = reader.doc_count_all()
            lengths = self._lengths[fieldname] = [reader.doc_field_length(n, fieldname, 0) for n in range(count)]
        return lengths

    def close(self) -> None:
        self._reader.close()
