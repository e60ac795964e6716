"""Each demo role signs in through the login page, lands on a Vietnamese page made for it, and signs out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qms import demo

pytestmark = pytest.mark.e2e

PEOPLE = {username: (organization, roles, name) for username, organization, roles, name, _title in demo.PEOPLE}
ORGANIZATION_NAMES = {
    "TINH-LS": "UBND tỉnh Lạng Sơn", "SO-KHCN": "Sở Khoa học và Công nghệ tỉnh Lạng Sơn",
    "XA-LOCBINH": "UBND xã Lộc Bình", "XA-DONGDANG": "UBND xã Đồng Đăng",
}
#: The main-menu entries a role has, and one it must not have.
MENU = {
    "quantri": (["Tài liệu", "Người dùng", "Đơn vị"], "Việc chờ tôi xử lý"),
    "thanhtra": (["Tài liệu", "Tổng quan tỉnh"], "Tạo tài liệu"),
    "thuky": (["Tài liệu", "Việc chờ tôi xử lý", "Tạo tài liệu"], "Người dùng"),
    "kiemtra": (["Tài liệu", "Việc chờ tôi xử lý"], "Tạo tài liệu"),
    "pheduyet": (["Tài liệu", "Việc chờ tôi xử lý"], "Tổng quan tỉnh"),
    "canbo": (["Tài liệu", "Tìm kiếm"], "Việc chờ tôi xử lý"),
    "thuky.dd": (["Tài liệu", "Tạo tài liệu"], "Tổng quan tỉnh"),
    "pheduyet.dd": (["Tài liệu", "Việc chờ tôi xử lý"], "Tạo tài liệu"),
}


@pytest.mark.parametrize("username", list(MENU))
def test_each_role_signs_in_to_its_landing_page(open_page, username):
    organization, _roles, name = PEOPLE[username]
    page = open_page(username)

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    header = page.get_by_role("banner")
    expect(header).to_contain_text(name)
    expect(header).to_contain_text(ORGANIZATION_NAMES[organization])
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    menu = page.get_by_role("navigation", name="Chức năng chính")
    present, absent = MENU[username]
    for entry in present:
        # A menu entry may carry a count after its name ("Việc chờ tôi xử lý 2").
        expect(menu.get_by_role("link", name=re.compile(f"^{re.escape(entry)}"))).to_be_visible()
    expect(menu.get_by_role("link", name=re.compile(f"^{re.escape(absent)}"))).to_have_count(0)

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("status")).to_contain_text("Bạn đã đăng xuất.")


def test_a_wrong_password_is_told_in_vietnamese_and_the_name_is_kept(open_page):
    page = open_page()
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("thuky")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("thuky")
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_page_asked_for_before_signing_in_opens_after_it(open_page, live_server):
    page = open_page()
    page.goto("/tasks")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Tên đăng nhập").fill("pheduyet")
    page.get_by_label("Mật khẩu").fill(demo.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server.url}/tasks")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Việc chờ tôi xử lý")


def test_sign_in_with_the_keyboard_alone(open_page, live_server):
    page = open_page()
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Bỏ qua, đến nội dung chính")).to_be_focused()
    username = page.get_by_label("Tên đăng nhập")
    for _ in range(5):  # past the skip link and the header to the first field
        if username.evaluate("field => field === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(username).to_be_focused()
    page.keyboard.type("canbo")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mật khẩu")).to_be_focused()
    page.keyboard.type(demo.PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("banner")).to_contain_text("Vi Thị Hoa")
