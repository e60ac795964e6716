"""The search results as people use them: the text first, facets that filter, passages that read as text."""

from __future__ import annotations

import re

import pytest
from support.factories import make_docx, make_effective
from support.pages import signed_in, text_of

from qms.documents import lifecycle


@pytest.fixture
def two_processes(session, files, secretary, reviewer, approver, document, today):
    table = [["Bước", "Nội dung công việc", "Trách nhiệm", "Thời gian"], ["1", "Tiếp nhận hồ sơ hộ tịch", "", "1 giờ"]]
    extract = make_effective(session, files, document, secretary, reviewer, approver, today,
                             make_docx("Cấp bản sao trích lục hộ tịch", "Hồ sơ gồm tờ khai.", table=table), "Ban hành")
    form = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="BM-01",
                                     title="Tờ khai hộ tịch", kind="form")
    make_effective(session, files, form, secretary, reviewer, approver, today,
                   make_docx("Tờ khai hộ tịch", "Mẫu tờ khai dùng cho hồ sơ hộ tịch."), "Ban hành")
    return extract, form


def test_the_title_opens_the_text_and_the_record_is_one_click_further(app, staff, two_processes):
    extract, _form = two_processes
    page = signed_in(app, staff).get("/search?q=trich+luc").get_data(as_text=True)
    title = re.search(r'<a href="([^"]+)" class="hit-title"', page)
    assert title is not None and title.group(1) == f"/revisions/{extract.id}/read"
    assert f'href="/documents/{extract.document_id}"' in page


def test_passages_read_as_text_and_mark_the_words_together(app, staff, two_processes):
    page = signed_in(app, staff).get("/search?q=ho+tich&kind=process").get_data(as_text=True)
    passage = re.search(r'<p class="hit-text" lang="vi">(.*?)</p>', page, re.S)
    assert passage is not None
    assert "|" not in passage.group(1) and "·" in passage.group(1)
    assert "<mark>hộ tịch</mark>" in passage.group(1) and "<mark>hồ</mark>" not in passage.group(1).lower()


def test_facets_are_links_that_filter_and_can_be_taken_off(app, inspector, agency, two_processes):
    client = signed_in(app, inspector)
    page = client.get("/search?q=ho+tich").get_data(as_text=True)
    assert "2 kết quả" in text_of(page)
    kind_link = re.search(r'<a href="(/search\?[^"]*kind=form[^"]*)">', page)
    assert kind_link is not None
    filtered = client.get(kind_link.group(1).replace("&amp;", "&"))
    assert "1 kết quả" in text_of(filtered) and "BM-01" in text_of(filtered) and "QT-HT-04" not in text_of(filtered)
    assert 'aria-current="true"' in filtered.get_data(as_text=True) and "bỏ lọc" in text_of(filtered)
    organization = agency["commune"].id
    link = re.search(rf'<a href="(/search\?[^"]*organization={organization}[^"]*)" lang="vi">', page)
    assert link is not None
    assert "2 kết quả" in text_of(client.get(link.group(1).replace("&amp;", "&")))


def test_the_page_search_box_is_the_header_one(app, staff, two_processes):
    client = signed_in(app, staff)
    home = client.get("/").get_data(as_text=True)
    page = client.get("/search?q=ho+tich").get_data(as_text=True)
    box = re.compile(r'<div class="search-box">\s*<label for="(\w|-)+" class="visually-hidden">')
    assert box.search(home) and len(box.findall(page)) >= 1
    assert 'id="q" type="search" name="q" value="ho tich"' in page
