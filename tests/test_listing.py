"""The listing mechanism: the text filter folds Vietnamese in SQL as search folds it, on both databases; sorts are
whitelisted; a page never holds more than its size; the page size is bounded."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support.statements import statements_sent

from qms import listing
from qms.errors import Invalid
from qms.models import Organization
from qms.text.vietnamese import fold


def test_the_sql_fold_is_the_search_fold(session):
    names = ["Hộ tịch", "ĐĂNG KÝ KHAI SINH", "Chứng thực bản sao", "Quản lý đất đai", "Thủy lợi", "Ðồng Đăng"]
    for number, name in enumerate(names):
        session.add(Organization(code=f"T-{number}", name=name))
    session.commit()
    folded = dict(session.execute(
        select(Organization.name, listing.folded(Organization.name)).where(Organization.code.like("T-%"))
    ).all())
    assert folded == {name: " " + fold(name).lower() for name in names}
    assert " dong dang" in folded.values()  # the look-alike Ð is folded as Đ
    assert session.scalar(select(listing.folded("QT-HT/04.1(a)"))) == listing.folded_text("QT-HT/04.1(a)")


def test_words_typed_without_diacritics_find_the_rows_with_them(session):
    for number, name in enumerate(["UBND xã Hộ Tịch", "UBND xã Hồ Tây", "Phòng Tư pháp 50% _x_"]):
        session.add(Organization(code=f"T-{number}", name=name))
    session.commit()

    def names(q: str) -> list[str]:
        request = listing.ListRequest(q=q)
        query = select(Organization).where(Organization.code.like("T-%"))
        sorting = listing.Sorting({"code": (Organization.code,)}, "code")
        return [o.name for o in listing.page_of(session, query, request, sorting, text=(Organization.name,)).rows]

    assert names("ho tich") == ["UBND xã Hộ Tịch"]
    assert names("HỘ") == ["UBND xã Hộ Tịch", "UBND xã Hồ Tây"]  # folded both ways, never inside «Phòng»
    assert names("50%") == ["Phòng Tư pháp 50% _x_"]
    assert names("%") == []  # LIKE's wildcard is a literal here: no word starts with it
    assert names("tich tay") == []  # every word must match
    assert names("ich") == []  # a word typed starts a word


def test_pages_sorts_and_sizes(session):
    for number in range(7):
        session.add(Organization(code=f"T-{number}", name=f"Đơn vị {6 - number}"))
    session.commit()
    query = select(Organization).where(Organization.code.like("T-%"))
    sorting = listing.Sorting({"code": (Organization.code,), "name": (Organization.name,)}, "code")
    page = listing.page_of(session, query, listing.ListRequest(page=2, page_size=3, sort="-name"), sorting)
    assert [o.name for o in page.rows] == ["Đơn vị 3", "Đơn vị 2", "Đơn vị 1"]
    assert (page.total, page.pages) == (7, 3)
    assert listing.page_of(session, query, listing.ListRequest(page=9, page_size=3), sorting).rows == []
    with pytest.raises(Invalid) as refused:
        listing.page_of(session, query, listing.ListRequest(sort="password_hash"), sorting)
    assert refused.value.code == "invalid_sort"
    assert listing.ListRequest(page_size=10_000).page_size == listing.MAX_PAGE_SIZE


def test_a_text_filtered_page_is_read_and_counted_in_one_statement(app, session):
    for number in range(7):
        session.add(Organization(code=f"T-{number}", name=f"Xã Hộ {number}" if number % 2 else f"Phường {number}"))
    session.commit()
    query = select(Organization).where(Organization.code.like("T-%"))
    sorting = listing.Sorting({"code": (Organization.code,)}, "code")
    with statements_sent(app.extensions["qms.engine"]) as sent:
        second = listing.page_of(session, query, listing.ListRequest(page=2, page_size=2, q="ho"), sorting,
                                 text=(Organization.name,))
        assert ([o.code for o in second.rows], second.total) == (["T-5"], 3)
        selects = [statement for statement in sent if statement.startswith("SELECT")]  # not the BEGIN
        assert len(selects) == 1, selects
        past = listing.page_of(session, query, listing.ListRequest(page=5, page_size=2, q="ho"), sorting,
                               text=(Organization.name,))
        assert (past.rows, past.total) == ([], 3)  # a page past the end still says how many there are
        none = listing.page_of(session, query, listing.ListRequest(q="khong co"), sorting, text=(Organization.name,))
        assert (none.rows, none.total) == ([], 0)


def test_the_stored_fold_is_the_sql_fold(session):
    for texts in (("QT-HT/04", "Cấp bản sao trích lục HỘ TỊCH", None), ("", "Ðồng Đăng: 50% _x_", "1.001193")):
        joined = " ".join(text or "" for text in texts)
        assert listing.stored_folded(*texts) == session.scalar(select(listing.folded(joined)))


def test_the_documents_list_filters_on_the_text_kept_with_each_write(session, secretary):
    from qms.documents import lifecycle, reading

    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-09",
                                         title="Cấp bản sao trích lục hộ tịch", kind="process",
                                         procedure_code="2.000635")

    def found(q: str) -> list[str]:
        return [d.code for d in reading.list_documents(session, secretary, listing.ListRequest(q=q)).rows]

    assert found("trich luc ho tich") == ["QT-HT-09"] and found("2.000635") == ["QT-HT-09"]
    document.code, document.title = "QT-HT-10", "Đăng ký khai sinh"  # as a restructure gives a new code
    session.commit()
    assert found("trich luc") == [] and found("khai sinh qt ht 10") == ["QT-HT-10"]


@pytest.mark.parametrize("path", ["/api/v1/revisions/awaiting", "/api/v1/legal-documents", "/api/v1/documents"])
def test_a_page_far_past_the_end_is_empty_not_an_error(client, bearer, secretary, path):
    """A page number larger than the databases' integers (a program's mistake) reads an empty page."""
    response = client.get(path, headers=bearer(secretary), query_string={"page": 10**19, "page_size": 200})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == []

