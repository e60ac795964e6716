"""A searcher that is a snapshot of one index generation, whatever writers do after it opens.

A commit that merges segments (the background merge, maintenance, another process) writes a new
table of contents and at once deletes the files of the segments it replaced. Whoosh opens a
segment's term and posting files when a reader is made, but its column files (the stored fields,
the sortable ``kind`` and ``organization_id`` used for facets, field lengths) only when first
used, and asks whether a column exists by looking for its file at that moment. A searcher opened
before such a commit then sees its old segments without their columns: ``MultiReader`` drops
them from the column's offsets and the facet counts fail with ``IndexError`` in ``columns.py``
(or, worse, count the wrong values). Here every column file of every segment is opened with the
reader, so the searcher reads one consistent generation through open files (a deleted file stays
readable while it is open); a file deleted between reading the table of contents and opening it
makes Whoosh read the newer table of contents and try again.

Reading the table of contents itself races with commits too: a commit renames the new one into place and
deletes the old, and a directory listing made meanwhile may show neither (Whoosh then says the index does
not exist) or name a file gone when it is opened. Both are read again, a few times, before giving up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME, TOC, EmptyIndexError, FileIndex
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader

T = TypeVar("T")


class _PinnedPerDocReader(W3PerDocReader):
    """A segment's per-document reader whose column files are all open from the start."""

    def __init__(self, storage, segment) -> None:
        super().__init__(storage, segment)
        prefix, suffix = f"{segment.segment_id()}.", W3Codec.COLUMN_EXT
        for filename in storage.list():
            if filename.startswith(prefix) and filename.endswith(suffix):
                fieldname = filename[len(prefix):-len(suffix)]
                # Raises FileNotFoundError if a writer has just removed the segment: the caller retries.
                self._colfiles[fieldname] = self._get_column_file(fieldname)

    def has_column(self, fieldname: str) -> bool:
        # What the segment had when it was opened, not what is on disk now.
        return fieldname in self._colfiles


class _PinningCodec(W3Codec):
    def per_document_reader(self, storage, segment):
        return _PinnedPerDocReader(storage, segment)


#: Reads of the table of contents before its absence is believed (10, 20, 30, 40 ms apart).
TOC_READS = 5


def _read_again(read: Callable[[], T]) -> T:
    """``read()``, again when the table of contents was replaced while it was being listed or read."""
    for attempt in range(1, TOC_READS):
        try:
            return read()
        except (EmptyIndexError, FileNotFoundError):
            time.sleep(0.01 * attempt)
    return read()


class SnapshotIndex(FileIndex):
    """A Whoosh ``FileIndex`` whose readers hold every file of their generation open."""

    def __init__(self, storage: FileStorage, schema: Schema | None = None, indexname: str = _DEF_INDEX_NAME) -> None:
        # Whoosh's constructor reads the table of contents once, to see that the index is there.
        _read_again(lambda: FileIndex.__init__(self, storage, schema, indexname))

    def _read_toc(self) -> TOC:
        return _read_again(super()._read_toc)

    @classmethod
    def _reader(cls, storage, schema, segments, generation, reuse=None) -> IndexReader:
        if not segments:
            return EmptyReader(schema)
        readers: list[SegmentReader] = []
        try:
            for segment in segments:
                codec = _PinningCodec() if isinstance(segment.codec(), W3Codec) else None
                readers.append(SegmentReader(storage, schema, segment, generation=generation, codec=codec))
        except BaseException:
            for reader in readers:
                reader.close()
            raise
        return readers[0] if len(readers) == 1 else MultiReader(readers, generation=generation)


def open_index(path: str) -> SnapshotIndex:
    """The index in ``path`` (as ``whoosh.index.open_dir``), its searchers snapshots."""
    return SnapshotIndex(FileStorage(path))
