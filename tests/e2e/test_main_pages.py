"""Every main page, as the person who uses it sees it with the demo data: in Vietnamese, without serious or
critical accessibility violations (axe-core) at 1366×768 and at a phone's width, not scrolling sideways on the phone,
pictured at both sizes under test-output/screenshots/ for a reviewer to look at."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

if TYPE_CHECKING:
    from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class MainPage:
    name: str  # the screenshots' file name
    username: str | None
    path: Callable[[LiveServer], str]
    heading: str  # what the page's level-1 heading says
    status: int = 200


def document(code: str, suffix: str = "") -> Callable[[LiveServer], str]:
    return lambda live: f"/documents/{live.document_id(code)}{suffix}"


def findings(code: str, number: int) -> Callable[[LiveServer], str]:
    return revision(code, number, "/findings")


def revision(code: str, number: int, suffix: str) -> Callable[[LiveServer], str]:
    return lambda live: f"/revisions/{live.revision_id(code, number)}{suffix}"


PAGES = [
    MainPage("01-dang-nhap", None, lambda _: "/login", "Đăng nhập"),
    MainPage("02-tai-lieu_thuky", "thuky", lambda _: "/", "Tài liệu"),
    MainPage("03-tai-lieu-QT-HT-04_canbo", "canbo", document("QT-HT-04"), "Cấp bản sao trích lục hộ tịch"),
    MainPage("04-tai-lieu-QT-HT-04_pheduyet", "pheduyet", document("QT-HT-04"), "Cấp bản sao trích lục hộ tịch"),
    MainPage("05-tai-lieu-QT-HT-01-cac-lan-ban-hanh_kiemtra", "kiemtra", document("QT-HT-01"), "Đăng ký khai sinh"),
    MainPage("06-phat-hien-QT-CT-02_kiemtra", "kiemtra", findings("QT-CT-02", 1), "Kiểm tra nội dung"),
    MainPage("07-tim-kiem-cap-ban-sao-trich-luc_canbo", "canbo", lambda _: "/search?q=cap+ban+sao+trich+luc",
             "Tìm kiếm tài liệu"),
    MainPage("08-viec-cho-xu-ly_thuky", "thuky", lambda _: "/tasks", "Việc chờ tôi xử lý"),
    MainPage("09-viec-cho-xu-ly_pheduyet", "pheduyet", lambda _: "/tasks", "Việc chờ tôi xử lý"),
    MainPage("10-tong-quan_thuky", "thuky", lambda _: "/dashboard", "Tổng quan"),
    MainPage("11-tong-quan-tinh_thanhtra", "thanhtra", lambda _: "/inspect", "Tổng quan tỉnh"),
    MainPage("12-tai-len-QT-XD-01_thuky", "thuky", document("QT-XD-01", "/upload"), "Tải lên phiên bản mới"),
    MainPage("13-so-sanh-QT-HT-04_pheduyet", "pheduyet", document("QT-HT-04", "/diff"), "So sánh phiên bản"),
    MainPage("14-lich-su-QT-HT-01_thanhtra", "thanhtra", document("QT-HT-01", "/history"), "Lịch sử kiểm soát"),
    MainPage("15-so-sach_thanhtra", "thanhtra", lambda _: "/organizations/XA-LOCBINH/registers", "Sổ sách"),
    MainPage("16-bao-phu_thuky", "thuky", lambda _: "/procedures/coverage", "bao phủ"),
    MainPage("17-ra-soat-phap-ly_pheduyet", "pheduyet", lambda _: "/legal-reviews", "Rà soát căn cứ pháp lý"),
    MainPage("18-nguoi-dung_quantri", "quantri", lambda _: "/admin/users", "Người dùng"),
    MainPage("19-loi-khong-tim-thay_canbo", "canbo", lambda _: "/documents/999999", "Không tìm thấy", status=404),
    MainPage("20-doc-QT-HT-04_canbo", "canbo", document("QT-HT-04", "/read"), "Cấp bản sao trích lục hộ tịch"),
    MainPage("21-doc-ban-het-hieu-luc-QT-HT-01_kiemtra", "kiemtra", revision("QT-HT-01", 1, "/read"),
             "Đăng ký khai sinh"),
    MainPage("22-ban-in-QT-HT-04_canbo", "canbo", revision("QT-HT-04", 1, "/print"), "Cấp bản sao trích lục hộ tịch"),
]


@pytest.mark.parametrize("main_page", PAGES, ids=[p.name for p in PAGES])
def test_main_page_in_vietnamese_accessible_and_pictured(open_page, live_server, assert_accessible, save_screenshots,
                                                        assert_fits_phone_width, main_page):
    page = open_page(main_page.username)
    response = page.goto(main_page.path(live_server))
    assert response is not None and response.status == main_page.status, f"{main_page.name}: HTTP {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_contain_text(main_page.heading)

    save_screenshots(page, main_page.name)
    assert_accessible(page, f"{main_page.name} at 1366×768")
    assert_fits_phone_width(page, main_page.name)
    assert_accessible(page, f"{main_page.name} at a phone's width")


def test_the_accessibility_check_fails_on_what_it_must_refuse(open_page, assert_accessible):
    page = open_page()
    page.set_content(
        '<html><head><title>Trang thử</title></head><body><main><h1>Trang thử</h1><input type="text" name="q">'
        '<p style="color: #bbbbbb; background: #ffffff">chữ quá nhạt</p></main></body></html>'
    )
    with pytest.raises(pytest.fail.Exception) as refused:
        assert_accessible(page, "a page made wrong")
    assert "[critical] label" in str(refused.value)
    assert "[serious] color-contrast" in str(refused.value)
    assert "[serious] html-has-lang" in str(refused.value)
