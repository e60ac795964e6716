"""A revision's whole way through the browser: the secretary uploads issue 3 of QT-HT-01 with a mistake the
conformity check finds, the reviewer returns it with a comment, the secretary uploads it corrected, the reviewer
passes it, the approver approves it, and issue 2 is marked superseded."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from support.factories import edit_docx, fixture_file

pytestmark = pytest.mark.e2e

ISSUE_2 = fixture_file("QT-HT-01_dang-ky-khai-sinh_lan-02.docx")
#: Issue 3 as the secretary first uploads it: the control block still says issue 02.
ISSUE_3_FIRST = edit_docx(ISSUE_2, {"Mẫu 01, Mẫu 06": "Mẫu 01, Mẫu 02, Mẫu 06"})
ISSUE_3_CORRECTED = edit_docx(ISSUE_3_FIRST, {"Lần ban hành: 02": "Lần ban hành: 03"})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
COMMENT = "Ô mã hiệu vẫn ghi lần ban hành 02; sửa thành 03 trước khi trình lại."


def upload(page: Page, content: bytes, filename: str, summary: str) -> None:
    page.get_by_role("link", name="Tải lên phiên bản mới").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tải lên phiên bản mới")
    page.get_by_label("Tệp tài liệu").set_input_files({"name": filename, "mimeType": DOCX, "buffer": content})
    page.get_by_label("Nội dung sửa đổi").fill(summary)
    page.get_by_role("button", name="Tải lên", exact=True).click()


def revision(page: Page, number: int) -> Locator:
    """The part of the document page that shows one revision."""
    heading = page.get_by_role("heading", name=re.compile(f"^Phiên bản {number}\\b"))
    return page.get_by_role("listitem").filter(has=heading)


def my_task(page: Page, code: str) -> Locator:
    """A document's card on the page of what awaits this user, reached from the main menu."""
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name=re.compile("^Việc chờ tôi")).click()
    return page.locator(".task").filter(has_text=code).first


def test_upload_find_return_upload_again_pass_approve_supersede(open_page, live_server):
    document = f"/documents/{live_server.document_id('QT-HT-01')}"
    secretary, reviewer, approver = open_page("thuky"), open_page("kiemtra"), open_page("pheduyet")

    # The secretary uploads issue 3 and the check reads the stale issue number in the file.
    secretary.goto(document)
    upload(secretary, ISSUE_3_FIRST, "QT-HT-01_lan-03.docx", "Bước 1: thêm Mẫu 02 vào kết quả của bước tiếp nhận")
    expect(secretary.get_by_text("Đã tải lên phiên bản số 3 (dự thảo).")).to_be_visible()
    draft = revision(secretary, 3)
    expect(draft).to_contain_text("Dự thảo")
    expect(draft).to_contain_text("Kiểm tra nội dung: 1 phát hiện")
    draft.get_by_role("link", name=re.compile("Xem các phát hiện")).click()
    expect(secretary.get_by_role("heading", name="Phát hiện (1)")).to_be_visible()
    expect(secretary.get_by_role("main")).to_contain_text("Lần ban hành trong tệp (02) khác lần ban hành")
    secretary.go_back()
    secretary.get_by_role("button", name="Trình kiểm tra").click()
    expect(secretary.get_by_text("Đã trình kiểm tra.")).to_be_visible()

    # The reviewer sees the finding next to the form and returns the revision with a comment.
    reviewer.goto(document)
    submitted = revision(reviewer, 3)
    expect(submitted).to_contain_text("Người kiểm tra nên đối chiếu")
    submitted.get_by_label("Ý kiến trả lại").fill(COMMENT)
    submitted.get_by_role("button", name="Trả lại", exact=True).click()
    expect(reviewer.get_by_text("Đã trả lại phiên bản cho người soạn thảo.")).to_be_visible()
    expect(revision(reviewer, 3)).to_contain_text("Bị trả lại")

    # The secretary finds the comment among the tasks, uploads the corrected file and submits it.
    task = my_task(secretary, "QT-HT-01")
    expect(task).to_contain_text(COMMENT)
    task.get_by_role("link", name=re.compile("QT-HT-01")).click()
    expect(revision(secretary, 3)).to_contain_text(COMMENT)
    upload(secretary, ISSUE_3_CORRECTED, "QT-HT-01_lan-03_sua.docx",
           "Bước 1: thêm Mẫu 02; sửa lần ban hành trong ô mã hiệu theo ý kiến người kiểm tra")
    expect(revision(secretary, 4)).to_contain_text("Kiểm tra nội dung: không có phát hiện")
    secretary.get_by_role("button", name="Trình kiểm tra").click()
    expect(secretary.get_by_text("Đã trình kiểm tra.")).to_be_visible()

    # The reviewer passes it.
    reviewer.goto(document)
    revision(reviewer, 4).get_by_role("button", name="Kiểm tra đạt, chuyển phê duyệt").click()
    expect(reviewer.get_by_text("Đã kiểm tra đạt, chuyển người phê duyệt.")).to_be_visible()

    # The approver finds it among the tasks and approves it with today's date.
    my_task(approver, "QT-HT-01").get_by_role("link", name=re.compile("QT-HT-01")).click()
    revision(approver, 4).get_by_role("button", name="Phê duyệt và ban hành").click()
    approved = re.compile(r"Đã phê duyệt\. Lần ban hành 3 có hiệu lực từ \d\d/\d\d/\d{4}\.")
    expect(approver.get_by_text(approved)).to_be_visible()
    expect(approver.get_by_text("Đang áp dụng: lần ban hành 3")).to_be_visible()
    expect(revision(approver, 4)).to_contain_text("Đang hiệu lực")

    # Issue 2 is kept, loudly marked as no longer to be used.
    old = revision(approver, 2)
    expect(old).to_contain_text("Hết hiệu lực — không sử dụng")
    expect(old).to_contain_text("thay bằng lần ban hành 3")
    expect(revision(approver, 3)).to_contain_text("Bị trả lại")

    # The counter's staff, searching as they type, get issue 3.
    staff = open_page("canbo")
    staff.goto("/search?q=dang+ky+khai+sinh")
    title = staff.get_by_role("link", name="Đăng ký khai sinh", exact=True)
    hit = staff.get_by_role("listitem").filter(has=title).first
    expect(hit).to_contain_text("Lần ban hành 3")
