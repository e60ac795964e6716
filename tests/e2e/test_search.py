"""Search the way people type, from the box on every page, and open what was found."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("typed", "title", "code"),
    [
        ("cap ban sao trich luc", "Cấp bản sao trích lục hộ tịch", "QT-HT-04"),
        ("dang ky khai sinh", "Đăng ký khai sinh", "QT-HT-01"),
        ("chinh sach chat luong", "Chính sách chất lượng", "CSCL"),
    ],
)
def test_staff_search_without_diacritics_and_open_the_current_revision(open_page, typed, title, code):
    page = open_page("canbo")
    box = page.get_by_role("search").first.get_by_role("searchbox")
    box.fill(typed)
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?"))
    result = page.get_by_role("link", name=title, exact=True).first
    expect(result).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(code)
    result.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.get_by_text(re.compile(r"Đang áp dụng: lần ban hành \d+"))).to_be_visible()


def test_a_search_that_finds_nothing_says_so(open_page):
    page = open_page("canbo")
    page.goto("/search?q=xyzzyq+wqzzk")
    expect(page.get_by_role("main")).to_contain_text("Không tìm thấy tài liệu phù hợp")
