"""Merging small segments without holding the index's writer lock.

Whoosh merges inside a commit, under the writer lock: merging a pile of one-revision segments holds it
for seconds, and every request that appends to the index meanwhile waits for it. Here the merged segment
is written from a snapshot of the table of contents into a scratch directory, with no lock held; then,
under the writer lock for a few milliseconds, its files move into the index and a new table of contents
replaces exactly the segments it read. Whatever was appended meanwhile stays, and the deletions made
meanwhile in the segments it read (a superseded revision re-indexed, a withdrawn document) are carried
over to the merged segment. Merges of one index directory run one at a time (a lock file), across processes.

The background merge runs in a process of its own (``python -m qms.search.merge_process DIR SIZE``), at a lower
priority: a merge is seconds of pure Python, and in a thread of the worker it would hold the interpreter's lock
against the requests of that worker (an append waiting for it at every database or file call).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.index import TOC, FileIndex, LockError

from qms.search.snapshot import SnapshotIndex, open_index

MERGE_LOCK = ".merge.lock"


def merge_below(ix: FileIndex, path: Path, size: int, *, writer_timeout: float, wait: float = 0.0) -> int | None:
    """Merge the segments of fewer than ``size`` documents into one.

    Returns how many segments it replaced (0: fewer than two, or they changed under it), or None when
    another merge of this directory is running and did not finish within ``wait`` seconds.
    """
    with _merge_lock(path, wait) as held:
        if not held:
            return None
        for leftover in path.glob(".merge-*"):  # of a merge whose process died: none other runs now
            shutil.rmtree(leftover, ignore_errors=True)
        merge = prepare(ix, path, size)
        if merge is None:
            return 0
        try:
            return len(merge.chosen) if merge.swap_in(writer_timeout) else 0
        finally:
            merge.discard()


def prepare(ix: FileIndex, path: Path, size: int) -> PreparedMerge | None:
    """Write the merged segment of the segments under ``size`` documents, no lock held; None if fewer than two."""
    snapshot = ix._read_toc()
    chosen = [segment for segment in snapshot.segments if segment.doc_count_all() < size]
    if len(chosen) < 2:
        return None
    scratch = path / f".merge-{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}"
    try:
        merged, docmaps = _write_merged(ix, snapshot, chosen, scratch)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return PreparedMerge(ix, path, chosen, merged, docmaps, scratch)


@dataclass
class PreparedMerge:
    """A merged segment waiting in its scratch directory to replace the segments it was read from."""

    ix: FileIndex
    path: Path
    chosen: list[Segment]
    #: None when every document of the chosen segments had been deleted.
    merged: Segment | None
    #: Per chosen segment: its live document numbers at the snapshot → their numbers in the merged segment.
    docmaps: list[dict[int, int]]
    scratch: Path

    def swap_in(self, writer_timeout: float) -> bool:
        """Under the writer lock: the merged segment in place of the chosen ones, with the deletions made since."""
        try:
            writer = self.ix.writer(timeout=writer_timeout, compound=False)
        except LockError:
            return False  # appends keep the lock busy: the next merge tries again
        try:
            current = {segment.segment_id(): segment for segment in writer.segments}
            if any(segment.segment_id() not in current for segment in self.chosen):
                writer.cancel()  # a maintenance commit merged them meanwhile: this merge is out of date
                return False
            if self.merged is not None:
                self._carry_deletions(current)
                prefix = self.merged.segment_id() + "."
                for name in os.listdir(self.scratch):
                    if name.startswith(prefix):
                        os.replace(self.scratch / name, self.path / name)
            replaced = {segment.segment_id() for segment in self.chosen}
            final: list[Segment] = []
            for segment in writer.segments:
                if segment.segment_id() not in replaced:
                    final.append(segment)
                elif self.merged is not None and segment.segment_id() == self.chosen[0].segment_id():
                    final.append(self.merged)
            # No documents of its own: the commit writes the new table of contents and deletes the replaced files.
            writer.commit(mergetype=lambda _writer, _segments: final)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        return True

    def _carry_deletions(self, current: dict[str, Segment]) -> None:
        assert self.merged is not None
        for segment, docmap in zip(self.chosen, self.docmaps, strict=True):
            now = current[segment.segment_id()]
            for docnum, merged_docnum in docmap.items():
                if now.is_deleted(docnum):
                    self.merged.delete_document(merged_docnum)

    def discard(self) -> None:
        """Remove the scratch directory (after a swap it holds only the scratch index's table of contents)."""
        shutil.rmtree(self.scratch, ignore_errors=True)


@contextmanager
def _merge_lock(path: Path, wait: float) -> Iterator[bool]:
    with open(path / MERGE_LOCK, "w") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.1)
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_merged(
    ix: FileIndex, snapshot: TOC, chosen: list[Segment], scratch: Path
) -> tuple[Segment | None, list[dict[int, int]]]:
    """The chosen segments' live documents, in order, as one segment in ``scratch``; and each one's doc map."""
    scratch.mkdir()
    scratch_ix = whoosh_index.create_in(str(scratch), snapshot.schema, indexname=ix.indexname)
    # Not compound, as every segment of the index (qms.search.index.WRITER_OPTIONS).
    writer = scratch_ix.writer(compound=False)
    docmaps: list[dict[int, int]] = []
    base = 0
    try:
        for segment in chosen:
            # Every file opened at once: a file deleted under us fails here, not halfway.
            reader = SnapshotIndex._reader(ix.storage, snapshot.schema, [segment], snapshot.generation)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
            # Whoosh copies the live documents in order, numbered on from the previous segment's.
            live = [docnum for docnum in range(segment.doc_count_all()) if not segment.is_deleted(docnum)]
            docmaps.append(dict(zip(live, range(base, base + len(live)), strict=True)))
            base += len(live)
        writer.commit(merge=False)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    segments = scratch_ix._read_toc().segments
    merged = segments[0] if segments and segments[0].doc_count_all() else None
    if merged is not None and merged.doc_count_all() != base:
        raise RuntimeError(f"merged segment holds {merged.doc_count_all()} documents, expected {base}")
    return merged, docmaps


def merge_in_child(path: Path, size: int, writer_timeout: float) -> int:
    """``merge_below`` in a child process at a lower priority; waits for it and returns its exit code."""
    command = [sys.executable, "-m", "qms.search.merge_process", str(path), str(size), str(writer_timeout)]
    # The child imports this very code, wherever the server was started from.
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    return subprocess.run(command, check=False, stdin=subprocess.DEVNULL, env=env).returncode


def _lower_priority() -> None:
    # Done by the child itself, not by a ``preexec_fn``: that runs Python between fork and exec, which Python's
    # documentation calls unsafe in a process with threads (the merge is started from one).
    os.nice(10)  # the requests of this host come first; the merge takes what CPU is left


def main(argv: list[str]) -> int:
    """The merge of ``merge_in_child``, in the child: DIR SIZE WRITER_TIMEOUT."""
    path, size, writer_timeout = Path(argv[0]), int(argv[1]), float(argv[2])
    _lower_priority()
    merge_below(open_index(str(path)), path, size, writer_timeout=writer_timeout)
    return 0

