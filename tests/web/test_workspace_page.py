"""“Việc chờ tôi xử lý”: the secretary's workspace, the reviewer's and approver's decisions taken on the page."""

from __future__ import annotations

from support.factories import FIXTURES, fixture_file, make_docx, make_effective, make_user, upload
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.legal import csv_import
from qms.models import RevisionStatus


def submitted(session, files, secretary, reviewer, document, today, content=None, summary="Ban hành lần đầu",
              passed=False):
    revision = upload(session, files, secretary, document, content, summary)
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    if passed:
        lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
    return revision


def test_a_return_with_comment_reaches_the_secretary_on_her_task_list(
    app, session, files, secretary, reviewer, document, today
):
    revision = submitted(session, files, secretary, reviewer, document, today)
    checker = signed_in(app, reviewer)
    assert "Việc chờ tôi xử lý 1" in text_of(checker.get("/"))
    assert "Chờ tôi kiểm tra (1) QT-HT-04 Cấp bản sao trích lục hộ tịch — phiên bản 1 Chờ kiểm tra" in text_of(
        checker.get("/tasks")
    )

    response = checker.post(
        f"/tasks/revisions/{revision.id}/actions",
        data={"action": "return", "comment": "Bước 2 thiếu thời gian xử lý; bổ sung biểu mẫu BM-02"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/tasks"
    page = text_of(checker.get("/tasks"))
    assert "Đã trả lại phiên bản cho người soạn thảo." in page
    assert "Không có việc nào đang chờ bạn xử lý." in page

    author = signed_in(app, secretary)
    tasks = text_of(author.get("/tasks"))
    assert "Việc chờ tôi xử lý 1" in tasks
    assert "Bị trả lại, cần sửa (1)" in tasks and "Sửa theo ý kiến và tải lên phiên bản mới" in tasks
    assert (
        f"Ý kiến trả lại của Nguyễn Văn Kiemtra ({today:%d/%m/%Y}): "
        "Bước 2 thiếu thời gian xử lý; bổ sung biểu mẫu BM-02"
    ) in tasks

    # Once a new revision is uploaded the returned one leaves the list; the new draft waits to be submitted.
    upload(session, files, secretary, document, make_docx("v2"), "Bổ sung thời gian bước 2")
    tasks = text_of(author.get("/tasks"))
    assert "Bị trả lại, cần sửa (0)" in tasks
    assert (
        "Bản dự thảo của tôi (1) QT-HT-04 Cấp bản sao trích lục hộ tịch — phiên bản 2 Dự thảo Bổ sung thời gian bước 2"
    ) in tasks


def test_the_secretary_submits_her_draft_from_the_page(app, session, files, secretary, document, today):
    revision = upload(session, files, secretary, document)
    colleague = make_user(session, "thuky2", "XA-LOCBINH", "secretary")
    assert "Việc chờ tôi xử lý 0" in text_of(signed_in(app, colleague).get("/"))  # not her draft
    client = signed_in(app, secretary)
    assert "Việc chờ tôi xử lý 1" in text_of(client.get("/"))
    response = client.post(f"/tasks/revisions/{revision.id}/actions", data={"action": "submit"}, follow_redirects=True)
    assert "Đã trình kiểm tra." in text_of(response) and "Bản dự thảo của tôi (0)" in text_of(response)
    session.refresh(revision)
    assert revision.status is RevisionStatus.IN_REVIEW


def test_a_return_without_a_comment_is_refused_on_the_page_and_keeps_the_form(
    app, session, files, secretary, reviewer, document, today
):
    revision = submitted(session, files, secretary, reviewer, document, today)
    response = signed_in(app, reviewer).post(
        f"/tasks/revisions/{revision.id}/actions", data={"action": "return", "comment": "  "},
        headers={"Referer": "http://localhost/tasks"},
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "Không thực hiện được: Cần ghi ý kiến khi trả lại phiên bản." in text
    assert "Chờ tôi kiểm tra (1)" in text
    # The language switch on this page returns to the workspace, not to the address the form was posted to.
    assert '<input type="hidden" name="next" value="http://localhost/tasks">' in response.get_data(as_text=True)
    session.refresh(revision)
    assert revision.status is RevisionStatus.IN_REVIEW


def test_the_approver_sees_the_change_the_findings_and_the_diff_and_approves_on_the_page(
    app, session, files, secretary, reviewer, approver, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today,
                           content=fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    second = submitted(session, files, secretary, reviewer, document, today,
                       fixture_file("QT-HT-04_trich-luc_lan-02.docx"), "Cập nhật căn cứ pháp lý theo 118/2025/NĐ-CP",
                       passed=True)
    client = signed_in(app, approver)
    page = client.get("/tasks")
    text = text_of(page)
    html = page.get_data(as_text=True)
    assert "Chờ tôi phê duyệt (1)" in text
    assert "Nội dung sửa đổi Cập nhật căn cứ pháp lý theo 118/2025/NĐ-CP" in text
    assert f"Bản đang áp dụng Lần ban hành 1, hiệu lực từ ngày {today:%d/%m/%Y}" in text
    assert f'href="/documents/{document.id}/diff?from={first.id}&amp;to={second.id}"' in html
    assert "Kiểm tra nội dung:" in text
    assert f'<label for="effective-{second.id}">Ngày hiệu lực</label>' in html
    assert f'<label for="comment-{second.id}-return">' in html

    # A bad date comes back on the same page with what was typed.
    refused = client.post(
        f"/tasks/revisions/{second.id}/actions", data={"action": "approve", "comment": "Đã xem",
            "effective_from": "31/02/2026"}
    )
    assert refused.status_code == 422
    assert "Ngày không hợp lệ (nhập theo dạng dd/mm/yyyy)." in text_of(refused)
    assert 'value="31/02/2026"' in refused.get_data(as_text=True)

    response = client.post(
        f"/tasks/revisions/{second.id}/actions",
        data={"action": "approve", "comment": "Đã xem", "effective_from": f"{today:%d/%m/%Y}"},
        follow_redirects=True,
    )
    text = text_of(response)
    assert f"Đã phê duyệt. Lần ban hành 2 có hiệu lực từ {today:%d/%m/%Y}." in text
    assert "Chờ tôi phê duyệt (0)" in text
    session.refresh(first)
    assert first.status is RevisionStatus.SUPERSEDED


def test_the_secretary_sees_open_legal_reviews_and_processes_with_findings(
    app, session, files, admin, secretary, reviewer, approver, document, today
):
    csv_import.import_csv(session, admin, (FIXTURES / "legal_documents.csv").read_bytes(), today=today)
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   content=fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    building = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-XD-01",
                                         title="Cấp giấy phép xây dựng", kind="process", procedure_code="1.013225")
    make_effective(session, files, building, secretary, reviewer, approver, today,
                   content=fixture_file("QT-XD-01_giay-phep-xay-dung_lan-01.docx"))
    text = text_of(signed_in(app, secretary).get("/tasks"))
    assert "Rà soát căn cứ pháp lý đang mở (1)" in text
    assert "QT-HT-04 Cấp bản sao trích lục hộ tịch 61/2018/NĐ-CP Bị thay thế bởi 118/2025/NĐ-CP" in text
    assert "Quy trình đang áp dụng có phát hiện (2)" in text
    assert "QT-XD-01 Cấp giấy phép xây dựng: Bước chưa có người/đơn vị thực hiện; Vượt thời hạn giải quyết" in text


def test_someone_else_cannot_decide_through_the_workspace(app, session, files, secretary, reviewer, outsider,
                                                          document, today):
    revision = submitted(session, files, secretary, reviewer, document, today)
    response = signed_in(app, outsider).post(f"/tasks/revisions/{revision.id}/actions",
                                             data={"action": "pass", "comment": "Đã xem"})
    assert response.status_code == 404
    session.refresh(revision)
    assert revision.status is RevisionStatus.IN_REVIEW


def test_staff_and_inspectors_have_no_task_link(app, staff, inspector):
    for user in (staff, inspector):
        page = text_of(signed_in(app, user).get("/"))
        assert "Việc chờ tôi xử lý" not in page
