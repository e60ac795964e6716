"""The search results and the reading view as people use them in Chromium: at a desk and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_search_results_open_the_text_read_as_text_and_mark_whole_words(open_page, live_server):
    page = open_page("canbo")
    page.goto("/search?q=ho+tich")
    hits = page.locator("li.hit")
    expect(hits.first).to_be_visible()
    passages = page.locator(".hit-text")
    assert passages.count() > 0
    for text in passages.all_inner_texts():
        assert "|" not in text, text
    marks = [mark.strip().lower() for mark in page.locator(".hit-text mark").all_inner_texts()]
    assert marks and all(mark == "hộ tịch" for mark in marks), marks

    title = page.locator("a.hit-title").first
    expect(title).to_have_attribute("href", re.compile(r"^/revisions/\d+/read$"))
    title.click()
    expect(page).to_have_url(re.compile(r"/revisions/\d+/read$"))
    expect(page.locator("article.doc-body")).to_be_visible()
    page.go_back()
    page.locator(".hit-actions a").first.click()  # the record: one click further
    expect(page).to_have_url(re.compile(r"/documents/\d+$"))


def test_facets_filter_and_the_page_box_is_the_header_box(open_page):
    page = open_page("thanhtra")
    page.goto("/search?q=quy+trinh")
    facet = page.locator(".facets a").first
    expect(facet).to_be_visible()
    facet.click()
    expect(page).to_have_url(re.compile(r"(kind|organization|category)=[^&]+"))
    expect(page.locator(".facets [aria-current=true]").first).to_be_visible()

    header, own = page.locator(".header-search .search-box"), page.locator(".search-main .search-box")
    styles = """box => { const input = box.querySelector('input'), button = box.querySelector('button');
        const a = getComputedStyle(input), b = getComputedStyle(button);
        return [a.borderTopWidth, a.borderRadius, a.paddingTop, a.fontSize, b.paddingTop, b.fontSize,
                Math.round(input.getBoundingClientRect().height)]; }"""
    assert header.evaluate(styles) == own.evaluate(styles)
    expect(own.get_by_role("searchbox")).to_have_value("quy trinh")


def test_a_long_process_on_a_phone_starts_above_the_fold_and_jumps_by_its_contents(
        open_page, live_server, assert_fits_phone_width, assert_accessible):
    document_id = live_server.document_id("QT-HT-04")
    page = open_page("canbo", viewport=PHONE)
    page.goto(f"/documents/{document_id}/read")
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= PHONE["height"] / 6, header
    first_text = page.locator("article.doc-body > *").first.bounding_box()
    assert first_text is not None and first_text["y"] < PHONE["height"], first_text
    assert_fits_phone_width(page, "the reading view")

    contents = page.locator("nav.doc-toc")
    contents.locator("summary").click()
    contents.get_by_role("link", name=re.compile("Thành phần hồ sơ")).click()
    expect(page).to_have_url(re.compile(r"#s-[\w-]*thanh-phan-ho-so"))
    heading = page.locator("article.doc-body").get_by_role("heading", name=re.compile("Thành phần hồ sơ"))
    expect(heading).to_be_in_viewport()
    contents.get_by_role("link", name=re.compile("Quy trình xử lý")).click()  # the contents stay open
    steps = page.locator("article.doc-body").get_by_role("heading", name=re.compile("Quy trình xử lý"))
    expect(steps).to_be_in_viewport()
    assert_accessible(page, "the reading view on a phone")


@pytest.mark.parametrize("path", ["/", "/search?q=ho+tich", "/tasks"])
def test_the_header_on_a_phone_takes_at_most_a_sixth_of_the_screen(open_page, path):
    page = open_page("thuky", viewport=PHONE)
    page.goto(path)
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= PHONE["height"] / 6, (path, header)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    expect(page.locator("#language-choice")).to_be_visible()
