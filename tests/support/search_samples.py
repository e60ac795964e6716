"""Queries as users type them, and the fixture processes in an index of three segments, for search tests."""

from __future__ import annotations

from whoosh import index as whoosh_index

from qms.search.query import build_adjacent_query, build_query, parse
from qms.search.schema import build_schema
from support.factories import fixture_index_documents

TYPED = [
    "trich luc ho tich", "chứng thực chữ ký", "giay phep xay dung", "qt ht 04", '"kiểm soát tài liệu"',
    "khai sinh NOT ket hon", "ho tich NOT trich", "61/2018/NĐ-CP", "ho so OR giay to", "đăng ký",
]


def three_segment_index(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The fixture processes in two segments, then one document replaced: a third, and a deletion in the first."""
    documents = fixture_index_documents()
    ix = whoosh_index.create_in(str(tmp_path_factory.mktemp("index")), build_schema())
    for half in (documents[: len(documents) // 2], documents[len(documents) // 2 :]):
        with ix.writer() as writer:
            for document in half:
                writer.add_document(**document)
    with ix.writer() as writer:
        writer.update_document(**{**documents[1], "title": "Cấp bản sao trích lục hộ tịch (sửa)"})
    assert len(ix._segments()) == 3
    return ix


def queries():  # type: ignore[no-untyped-def]
    for typed in TYPED:
        clauses = parse(typed)
        yield typed, build_query(clauses)
        adjacent = build_adjacent_query(clauses)
        if adjacent is not None:
            yield typed + " (together)", adjacent


