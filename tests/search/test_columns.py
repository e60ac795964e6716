"""A segment's column is read whole once and gives what Whoosh's column reader gives, document by document."""

from __future__ import annotations

from qms.search import columns


def test_a_segments_column_is_whooshs_read_once(ix):
    with ix.searcher() as searcher:
        for leaf, _offset in searcher.leaf_searchers():
            reader = leaf.reader()
            for fieldname in ("kind", "organization_id", "effective"):
                column = reader.column_reader(fieldname)
                kept = columns.values(reader, fieldname)
                assert list(kept) == [column[docnum] for docnum in range(reader.doc_count_all())]
                assert columns.values(reader, fieldname) is kept  # not read again


def test_columns_of_other_segments_are_their_own(ix):
    with ix.searcher() as searcher:
        kept = [columns.values(leaf.reader(), "kind") for leaf, _ in searcher.leaf_searchers()]
        assert len(kept) == 3 and len({id(column) for column in kept}) == 3
        assert sum(len(column) for column in kept) == searcher.reader().doc_count_all()
