"""A generation built in bulk holds exactly what Whoosh's own writer would write, however it spills."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from support.factories import fixture_index_documents
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from qms.search.build import BulkSegmentWriter, TermPostingPool, write_generation
from qms.search.schema import build_schema


def build(path, documents, writer_class, **pool):  # type: ignore[no-untyped-def]
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = writer_class(ix, compound=False)
    for name, value in pool.items():
        setattr(writer.pool, name, value)
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return ix


def contents(ix):  # type: ignore[no-untyped-def]
    """Every posting with its weight and value, the field lengths, and the per-term statistics."""
    with ix.reader() as reader:
        postings = {
            (field, term): [(docnum, weight, value) for docnum, weight, value in _items(reader, field, term)]
            for field, term in reader.all_terms()
        }
        info = {
            key: (i.weight(), i.doc_frequency(), i.min_length(), i.max_length(), i.max_weight())
            for key in postings
            for i in [reader.term_info(*key)]
        }
        lengths = {
            (docnum, field): reader.doc_field_length(docnum, field)
            for docnum in range(reader.doc_count_all())
            for field in ix.schema.scorable_names()
        }
        stored = list(reader.all_stored_fields())
    return postings, info, lengths, stored


def _items(reader, field, term):  # type: ignore[no-untyped-def]
    matcher = reader.postings(field, term)
    while matcher.is_active():
        yield matcher.id(), matcher.weight(), matcher.value()
        matcher.next()


@pytest.fixture(scope="module")
def documents():  # type: ignore[no-untyped-def]
    return fixture_index_documents()


@pytest.mark.parametrize("limit", [3_000_000, 2_000, 7])
def test_the_bulk_writer_writes_what_whoosh_writes(tmp_path, documents, limit):
    from whoosh.writing import SegmentWriter

    stock = build(tmp_path / "stock", documents, SegmentWriter)
    bulk = build(tmp_path / "bulk", documents, BulkSegmentWriter, limit=limit)
    assert contents(bulk) == contents(stock)
    with stock.searcher() as one, bulk.searcher() as other:
        query = QueryParser("body_folded", stock.schema).parse("trich luc")
        scored = [(hit["revision_id"], hit.score) for hit in one.search(query, limit=None)]
        assert scored and [(hit["revision_id"], hit.score) for hit in other.search(query, limit=None)] == scored


def test_terms_longer_than_a_block_are_written_as_whoosh_writes_them(tmp_path):
    """Whoosh writes a term's postings in blocks of 128: terms here span several, some documents have no body."""
    from whoosh.writing import SegmentWriter

    words = ["giấy phép", "xây dựng", "hồ sơ", "trả kết quả", "lệ phí", "chứng thực"]
    documents = [
        {"revision_id": str(n), "document_id": n, "organization_id": str(n % 7), "kind": "process",
         "status": "effective", "procedure": "", "field": "", "number": 1, "effective": 20250101, "code": f"QT-{n}",
         "title": f"Quy trình {words[n % 6]}", "title_folded": f"Quy trình {words[n % 6]}",
         "title_shingles": f"Quy trình {words[n % 6]}", "meta": "",
         **{field: "" if n % 11 == 0 else " ".join(words[: 1 + n % 6]) * (1 + n % 3)
            for field in ("body", "body_folded", "body_shingles")}}
        for n in range(400)
    ]
    stock = build(tmp_path / "stock", documents, SegmentWriter)
    bulk = build(tmp_path / "bulk", documents, BulkSegmentWriter, limit=500)
    assert contents(bulk) == contents(stock)
    with bulk.reader() as reader:
        assert reader.doc_frequency("body_folded", "giay") > 256  # three blocks and more


def test_spilled_runs_are_removed(tmp_path):
    pool = TermPostingPool(tmp_path, limit=2)
    for docnum in range(5):
        pool.add(("body", b"giay", docnum, 1.0, b"\x01"))
        pool.add(("body", b"phep", docnum, 2.0, b"\x02"))
    terms = [(field, term, list(docnums), list(weights), [pool.values[value_id] for value_id in value_ids])
             for field, term, docnums, weights, value_ids in pool.iter_terms()]
    assert terms == [
        ("body", b"giay", list(range(5)), [1.0] * 5, [b"\x01"] * 5),
        ("body", b"phep", list(range(5)), [2.0] * 5, [b"\x02"] * 5),
    ]
    pool.cleanup()
    assert list(tmp_path.iterdir()) == []  # anonymous files, gone once closed


def test_a_failing_writer_process_commits_nothing(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    empty_database = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables: reading fails
    with pytest.raises(OperationalError):
        write_generation(ix, empty_database, [1, 2, 3, 4], processes=2, chunk=1)
    assert ix.doc_count_all() == 0
    lock = ix.lock("WRITELOCK")
    assert lock.acquire()  # the parent let go of the index
    lock.release()
