"""Reading the table of contents while another writer commits: a commit renames the new one in and deletes the
old, and a reader between the two must read again, not answer that the index is gone (a search's 500, a
background merge that fails and leaves segments piling up)."""

from __future__ import annotations

import threading

from whoosh import fields, index

from qms.search.snapshot import open_index


def test_the_table_of_contents_is_read_while_another_writer_commits(tmp_path):
    writing = index.create_in(str(tmp_path), fields.Schema(key=fields.ID(stored=True)))
    done = threading.Event()
    commits = 0

    def commit_again_and_again() -> None:
        nonlocal commits
        while not done.is_set():
            writer = writing.writer()
            writer.add_document(key=str(commits))
            writer.commit()  # Whoosh's own merge keeps the segments few
            commits += 1

    committer = threading.Thread(target=commit_again_and_again)
    writer = writing.writer()
    writer.add_document(key="first")
    writer.commit()
    committer.start()
    try:
        reads = 0
        # Each read races with the commits: a plain FileIndex loses about one in fifty.
        while commits < 200 and committer.is_alive():
            # As a worker opening the index after a swap, and as apply_log and the merge reading its segments.
            reader = open_index(str(tmp_path))
            assert reader._read_toc().generation >= 1
            assert len(reader._segments()) >= 1
            reads += 1
    finally:
        done.set()
        committer.join()
    assert commits >= 200 and reads > 50
