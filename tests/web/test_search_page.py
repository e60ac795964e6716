"""The search page, as the civil servant at the counter uses it."""

from __future__ import annotations

import pytest
from support.factories import make_docx, make_effective, upload
from support.pages import login

from qms.documents import lifecycle


@pytest.fixture
def extract(session, files, secretary, reviewer, approver, document, today):
    return make_effective(session, files, document, secretary, reviewer, approver, today,
                          make_docx("Cấp bản sao trích lục hộ tịch", "Căn cứ Nghị định 61/2018/NĐ-CP"), "Ban hành")


def test_search_without_diacritics_finds_and_links_the_current_procedure(client, staff, extract, document):
    login(client, staff)
    page = client.get("/search?q=cap+ban+sao+trich+luc").get_data(as_text=True)
    assert "1 kết quả" in page
    assert f'href="/revisions/{extract.id}/read" class="hit-title"' in page  # the text first, the record one click on
    assert f'href="/documents/{document.id}"' in page
    assert "<mark>Cấp bản sao trích lục</mark>" in page and "Đang hiệu lực" in page


def test_search_box_is_on_every_page(client, staff, extract):
    login(client, staff)
    assert 'action="/search"' in client.get("/").get_data(as_text=True)


def test_nothing_found_and_suggestion(client, staff, extract):
    login(client, staff)
    page = client.get("/search?q=trich+lucc").get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in page and "trich luc" in page


@pytest.mark.parametrize("typed", ['"cap ban', "AND", "*", "NOT", "x" * 3000, "<script>alert(1)</script>"])
def test_malformed_queries_get_a_page_not_an_error(client, staff, extract, typed):
    login(client, staff)
    response = client.get("/search", query_string={"q": typed})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_staff_get_no_status_choice_and_see_current_only(client, session, files, secretary, staff, extract, document):
    upload(session, files, secretary, document, make_docx("Bản sao trích lục dự thảo"), "Dự thảo")
    login(client, staff)
    page = client.get("/search?q=trich+luc&status=all").get_data(as_text=True)
    assert "1 kết quả" in page and 'name="status"' not in page


def test_secretary_may_include_drafts(client, session, files, secretary, extract, document):
    upload(session, files, secretary, document, make_docx("Bản sao trích lục dự thảo"), "Dự thảo")
    login(client, secretary)
    page = client.get("/search?q=trich+luc&status=all").get_data(as_text=True)
    assert "2 kết quả" in page and "Dự thảo" in page


def test_bad_filter_is_a_message_on_the_page(client, staff, extract):
    login(client, staff)
    response = client.get("/search?q=x&effective_from=31/31/2026")
    assert response.status_code == 422
    assert "dd/mm/yyyy" in response.get_data(as_text=True)


def test_withdrawn_document_disappears_from_results(client, session, approver, staff, extract, today):
    lifecycle.act(session, approver, extract.id, "withdraw", today=today, comment="Bãi bỏ")
    login(client, staff)
    assert "Không tìm thấy tài liệu phù hợp" in client.get("/search?q=QT-HT-04").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    assert client.get("/search?q=x").status_code == 302


def test_a_damaged_index_leaves_the_pages_serving_and_search_says_it_is_rebuilding(
    app, client, staff, extract, document
):
    from qms.search import search_index

    index = search_index(app)
    index.position()
    for toc in index._current().glob("_MAIN_*.toc"):
        toc.write_bytes(b"")
    index.close()
    login(client, staff)
    response = client.get("/search?q=trich+luc")
    assert response.status_code == 503
    assert "đang được xây dựng lại" in response.get_data(as_text=True)
    assert client.get(f"/documents/{document.id}").status_code == 200
    index._rebuilder.join(timeout=60)
    assert "1 kết quả" in client.get("/search?q=trich+luc").get_data(as_text=True)


def test_a_hit_opens_its_text_in_one_click(client, staff, extract, document):
    login(client, staff)
    page = client.get("/search?q=trich+luc").get_data(as_text=True)
    assert f'href="/revisions/{extract.id}/read"' in page
    reading = client.get(f"/revisions/{extract.id}/read")
    assert reading.status_code == 200 and "Cấp bản sao trích lục hộ tịch" in reading.get_data(as_text=True)
