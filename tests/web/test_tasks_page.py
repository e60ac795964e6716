"""“Việc chờ tôi xử lý”: what waits for whom, with the count in the navigation."""

from __future__ import annotations

import re
from html import unescape

from factories import login, make_docx, upload

from qms import documents


def text_of(response) -> str:
    """What a reader sees: block tags become spaces, inline tags vanish, whitespace collapses."""
    html = re.sub(r"<(title|script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    html = re.sub(
        r"</?(p|div|li|td|th|dt|dd|h\d|br|option|label|legend|nav|header|footer|form|button|caption)\b[^>]*>", " ", html
    )
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_a_return_with_comment_reaches_the_secretary_on_her_task_list(
    app, session, files, secretary, reviewer, document, today
):
    revision = upload(session, files, secretary, document)
    documents.act(session, secretary, revision.id, "submit", today=today)
    checker = signed_in(app, reviewer)
    assert "Việc chờ tôi xử lý 1" in text_of(checker.get("/"))
    assert "QT-HT-04 Cấp bản sao trích lục hộ tịch 1 Chờ kiểm tra Kiểm tra" in text_of(checker.get("/tasks"))

    response = checker.post(
        f"/revisions/{revision.id}/actions",
        data={"action": "return", "comment": "Bước 2 thiếu thời gian xử lý; bổ sung biểu mẫu BM-02"},
    )
    assert response.status_code == 302
    assert "Đã trả lại phiên bản cho người soạn thảo." in text_of(checker.get(response.headers["Location"]))
    assert "Không có việc nào đang chờ bạn xử lý." in text_of(checker.get("/tasks"))

    author = signed_in(app, secretary)
    tasks = text_of(author.get("/tasks"))
    assert "Việc chờ tôi xử lý 1" in tasks
    assert "Bị trả lại Sửa theo ý kiến và tải lên phiên bản mới" in tasks
    assert (
        f"Ý kiến trả lại của Nguyễn Văn Kiemtra ({today:%d/%m/%Y}): "
        "Bước 2 thiếu thời gian xử lý; bổ sung biểu mẫu BM-02"
    ) in tasks

    # Once a new revision is uploaded the returned one leaves the list; the new draft waits to be submitted.
    upload(session, files, secretary, document, make_docx("v2"), "Bổ sung thời gian bước 2")
    tasks = text_of(author.get("/tasks"))
    assert "Bị trả lại" not in tasks
    assert "2 Dự thảo Trình kiểm tra" in tasks


def test_a_return_without_a_comment_is_refused_on_the_page(app, session, files, secretary, reviewer, document, today):
    revision = upload(session, files, secretary, document)
    documents.act(session, secretary, revision.id, "submit", today=today)
    response = signed_in(app, reviewer).post(
        f"/revisions/{revision.id}/actions", data={"action": "return", "comment": ""}
    )
    assert response.status_code == 422
    assert "Cần ghi ý kiến khi trả lại phiên bản." in text_of(response)
    session.refresh(revision)
    assert revision.status.value == "in_review"


def test_staff_and_inspectors_have_no_task_link(app, staff, inspector):
    for user in (staff, inspector):
        page = text_of(signed_in(app, user).get("/"))
        assert "Việc chờ tôi xử lý" not in page
