"""The document pages: list and filters, creation, upload, the review-approve cycle, visibility, escaping."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select
from support.factories import make_docx, make_effective, make_user, upload
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.models import AuditEntry, Document, RevisionStatus


def revision_text(response, revision_id: int) -> str:
    """The text of one revision's entry in the timeline."""
    match = re.search(rf'<li [^>]*id="rev-{revision_id}">(.*?)</li>', response.get_data(as_text=True), flags=re.S)
    assert match, f"revision {revision_id} is not on the page"
    return text_of(match.group(1))


def action_forms(response) -> list[tuple[str, str]]:
    """(revision id, action) of every workflow form on the page."""
    html = response.get_data(as_text=True)
    return re.findall(r'action="/revisions/(\d+)/actions".*?name="action" value="(\w+)"', html, flags=re.S)


def docx_upload(client, document_id: int, summary: str, content: bytes | None = None, filename: str = "quy-trinh.docx"):
    data = {"file": (io.BytesIO(content or make_docx(summary)), filename), "change_summary": summary}
    return client.post(f"/documents/{document_id}/upload", data=data, content_type="multipart/form-data")


# --- the list ---------------------------------------------------------------------------------


def test_list_shows_current_issue_and_filters_by_kind_and_status(
    app, session, files, secretary, reviewer, approver, document, today
):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    form = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="BM-01", title="Phiếu kiểm soát quá trình", kind="form"
    )
    upload(session, files, secretary, form)
    client = signed_in(app, secretary)

    everything = text_of(client.get("/"))
    assert (
        f"QT-HT-04 Cấp bản sao trích lục hộ tịch TTHC 2.000635 Quy trình giải quyết TTHC 1 {today:%d/%m/%Y} "
        "Đang hiệu lực"
    ) in everything
    assert "BM-01 Phiếu kiểm soát quá trình Biểu mẫu — — Dự thảo" in everything

    forms_only = text_of(client.get("/?kind=form"))
    assert "BM-01" in forms_only and "QT-HT-04" not in forms_only
    drafts = text_of(client.get("/?status=draft"))
    assert "BM-01" in drafts and "QT-HT-04" not in drafts
    effective = text_of(client.get("/?status=effective"))
    assert "QT-HT-04" in effective and "BM-01" not in effective
    refused = client.get("/?kind=khong-co")
    assert refused.status_code == 422
    assert "Lựa chọn không hợp lệ." in text_of(refused)


def test_staff_list_shows_only_documents_in_force(
    app, session, files, secretary, reviewer, approver, staff, document, today
):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    draft_only = lifecycle.create_document(
        session,
        secretary,
        organization_code="XA-LOCBINH",
        code="QT-NB-01",
        title="Quy trình xử lý văn bản đến",
        kind="internal_process",
    )
    upload(session, files, secretary, draft_only)
    page = text_of(signed_in(app, staff).get("/"))
    assert "QT-HT-04" in page
    assert "QT-NB-01" not in page
    assert "Trạng thái phiên bản" not in page  # no status filter for staff


def test_inspector_chooses_among_all_organisations(app, session, files, secretary, inspector, outsider, document):
    lifecycle.create_document(
        session,
        outsider,
        organization_code="XA-DONGDANG",
        code="QT-DD-01",
        title="Quy trình của xã Đồng Đăng",
        kind="process",
    )
    client = signed_in(app, inspector)
    all_of_them = client.get("/")
    html = all_of_them.get_data(as_text=True)
    assert '<label for="organization">Đơn vị</label>' in html
    assert "UBND xã Lộc Bình" in html and "UBND xã Đồng Đăng" in html
    assert "QT-HT-04" in html and "QT-DD-01" in html
    commune = document.organization_id
    one = text_of(client.get(f"/?organization={commune}"))
    assert "QT-HT-04" in one and "QT-DD-01" not in one


def test_other_users_get_no_organisation_selector_and_cannot_peek(app, secretary, outsider, agency):
    client = signed_in(app, secretary)
    assert '<label for="organization">' not in client.get("/").get_data(as_text=True)
    assert client.get(f"/?organization={agency['other'].id}").status_code == 422


# --- creating a document -------------------------------------------------------------------------


def test_secretary_creates_a_document_in_her_organisation(app, session, secretary):
    client = signed_in(app, secretary)
    form = client.get("/documents/new").get_data(as_text=True)
    assert '<option selected value="process">Quy trình giải quyết TTHC</option>' in form
    response = client.post(
        "/documents/new",
        data={"code": "QT-HT-05", "title": "Đăng ký khai sinh", "kind": "process", "procedure_code": "1.001193"},
    )
    assert response.status_code == 302
    created = session.scalar(select(Document).where(Document.code == "QT-HT-05"))
    assert response.headers["Location"] == f"/documents/{created.id}"
    assert created.organization.code == "XA-LOCBINH"
    page = text_of(client.get(response.headers["Location"]))
    assert "Đã tạo tài liệu QT-HT-05." in page
    assert "QT-HT-05 Đăng ký khai sinh" in page
    assert "Mã TTHC 1.001193" in page
    assert "Chưa có lần ban hành nào có hiệu lực." in page


def test_a_refusal_is_shown_on_the_form_with_what_was_typed(app, session, secretary, document):
    client = signed_in(app, secretary)
    response = client.post(
        "/documents/new", data={"code": "QT-HT-04", "title": "Tên mới gõ vào", "kind": "form", "procedure_code": ""}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Đơn vị đã có tài liệu mã hiệu QT-HT-04." in text_of(response)
    assert 'value="QT-HT-04"' in html and 'value="Tên mới gõ vào"' in html
    assert '<option selected value="form">Biểu mẫu</option>' in html
    assert "Traceback" not in html
    assert session.scalar(select(func.count()).select_from(Document)) == 1


def test_only_secretaries_are_offered_the_creation_form(app, reviewer, staff):
    for user in (reviewer, staff):
        client = signed_in(app, user)
        assert "Tạo tài liệu" not in text_of(client.get("/"))
        refused = client.get("/documents/new")
        assert refused.status_code == 403
        assert "Cần vai trò Thư ký ISO của đơn vị" in text_of(refused)


# --- upload and the cycle --------------------------------------------------------------------


def test_upload_of_a_real_docx_shows_the_draft(app, session, secretary, document):
    client = signed_in(app, secretary)
    form = client.get(f"/documents/{document.id}/upload").get_data(as_text=True)
    assert "Nội dung sửa đổi (sửa gì, ở đâu, vì sao)" in form
    content = make_docx("Quy trình cấp bản sao trích lục hộ tịch", table=[["Bước", "Nội dung"], ["B1", "Tiếp nhận"]])
    response = docx_upload(client, document.id, "Ban hành lần đầu theo NĐ 118/2025/NĐ-CP", content, "QT-HT-04 v1.docx")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    revision = session.scalar(select(lifecycle.Revision).where(lifecycle.Revision.document_id == document.id))
    entry = revision_text(page, revision.id)
    assert "Phiên bản 1" in entry and "Dự thảo" in entry
    assert "Ban hành lần đầu theo NĐ 118/2025/NĐ-CP" in entry
    assert "QT-HT-04 v1.docx" in entry
    assert f"SHA-256: {revision.file_sha256[:16]}" in entry
    assert f'title="{revision.file_sha256}"' in page.get_data(as_text=True)
    assert "Nguyễn Văn Thuky, Công chức Văn phòng - Thống kê" in entry
    assert "Đã tải lên phiên bản số 1 (dự thảo)." in text_of(page)
    download = client.get(f"/revisions/{revision.id}/download")
    assert download.status_code == 200
    assert download.data == content
    assert download.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in download.headers["Content-Disposition"]


def test_upload_refusal_keeps_the_description(app, secretary, document):
    client = signed_in(app, secretary)
    response = docx_upload(client, document.id, "Sửa bước 3, thời gian giải quyết", b"not a word file", "gia-mao.docx")
    assert response.status_code == 422
    assert "Nội dung tệp không phải là tệp .docx hợp lệ" in text_of(response)
    assert "Sửa bước 3, thời gian giải quyết</textarea>" in response.get_data(as_text=True)
    missing = client.post(
        f"/documents/{document.id}/upload", data={"change_summary": "Thiếu tệp"}, content_type="multipart/form-data"
    )
    assert missing.status_code == 422
    assert "Cần chọn tệp để tải lên." in text_of(missing)


def test_the_upload_form_is_enhanced_by_a_local_script_and_still_posts_without_it(app, secretary, document):
    client = signed_in(app, secretary)
    form = client.get(f"/documents/{document.id}/upload").get_data(as_text=True)
    assert '<script src="/static/upload.js" defer></script>' in form
    assert 'method="post"' in form and 'enctype="multipart/form-data"' in form and "data-upload" in form
    assert 'data-max-bytes="52428800"' in form and '<label for="file">' in form
    # The script's own words come from the page, in the page's language.
    assert 'data-text-progress="Đang tải lên: {percent}%"' in form
    assert client.get("/static/upload.js").status_code == 200


def test_the_script_gets_json_where_the_plain_form_gets_a_page(app, session, secretary, document):
    client = signed_in(app, secretary)
    script = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
    data = {"file": (io.BytesIO(make_docx("Bước 1")), "quy-trinh.docx"), "change_summary": "Ban hành lần đầu"}
    done = client.post(f"/documents/{document.id}/upload", data=data, headers=script)
    assert done.status_code == 200 and done.json == {"location": f"/documents/{document.id}"}
    # The flash waits for the page the script opens next.
    assert "Đã tải lên phiên bản số 1 (dự thảo)." in text_of(client.get(done.json["location"]))
    bad = {"file": (io.BytesIO(b"not a word file"), "gia-mao.docx"), "change_summary": "Sửa bước 3"}
    refused = client.post(f"/documents/{document.id}/upload", data=bad, headers=script)
    assert refused.status_code == 422
    assert "Nội dung tệp không phải là tệp .docx hợp lệ" in refused.json["error"]["message"]


def test_full_cycle_through_the_forms(app, session, secretary, reviewer, approver, document, today):
    author, checker, head = signed_in(app, secretary), signed_in(app, reviewer), signed_in(app, approver)
    assert docx_upload(author, document.id, "Ban hành lần đầu").status_code == 302
    first = session.scalar(select(lifecycle.Revision).where(lifecycle.Revision.document_id == document.id))
    page = f"/documents/{document.id}"

    assert action_forms(author.get(page)) == [(str(first.id), "submit"), (str(first.id), "discard")]
    assert action_forms(checker.get(page)) == []
    submitted = author.post(f"/revisions/{first.id}/actions", data={"action": "submit"})
    assert submitted.headers["Location"] == page
    assert "Đã trình kiểm tra." in text_of(author.get(page))

    assert action_forms(checker.get(page)) == [(str(first.id), "pass"), (str(first.id), "return")]
    checker.post(f"/revisions/{first.id}/actions", data={"action": "pass", "comment": "Đã xem"})
    assert "Đã kiểm tra đạt, chuyển người phê duyệt." in text_of(checker.get(page))

    approver_page = head.get(page)
    assert action_forms(approver_page) == [
        (str(first.id), "approve"),
        (str(first.id), "return"),
        (str(first.id), "withdraw"),
    ]
    assert f'placeholder="dd/mm/yyyy" type="text" value="{today:%d/%m/%Y}"' in approver_page.get_data(as_text=True)
    head.post(f"/revisions/{first.id}/actions", data={"action": "approve", "comment": "Đã xem",
        "effective_from": f"{today:%d/%m/%Y}"})
    after = head.get(page)
    assert f"Đã phê duyệt. Lần ban hành 1 có hiệu lực từ {today:%d/%m/%Y}." in text_of(after)
    assert f"Đang áp dụng: lần ban hành 1, hiệu lực từ ngày {today:%d/%m/%Y}." in text_of(after)
    entry = revision_text(after, first.id)
    assert "Lần ban hành 1" in entry and "Đang hiệu lực" in entry
    assert "Kiểm tra Nguyễn Văn Kiemtra, Phó Chủ tịch UBND xã" in entry
    assert "Phê duyệt Nguyễn Văn Pheduyet, Chủ tịch UBND xã" in entry

    # A second issue replaces the first, which stays on the page marked as superseded.
    docx_upload(author, document.id, "Cập nhật căn cứ pháp lý", make_docx("Lần 2"))
    second = session.scalar(
        select(lifecycle.Revision).where(lifecycle.Revision.document_id == document.id, lifecycle.Revision.number == 2)
    )
    author.post(f"/revisions/{second.id}/actions", data={"action": "submit"})
    checker.post(f"/revisions/{second.id}/actions", data={"action": "pass", "comment": "Đã xem"})
    head.post(f"/revisions/{second.id}/actions", data={"action": "approve", "comment": "Đã xem",
        "effective_from": today.isoformat()})
    final = author.get(page)
    html = final.get_data(as_text=True)
    assert html.index(f'id="rev-{second.id}"') < html.index(f'id="rev-{first.id}"')  # newest first
    assert f"Hết hiệu lực — không sử dụng (từ ngày {today:%d/%m/%Y}, thay bằng lần ban hành 2)." in revision_text(
        final, first.id
    )
    assert "Đang hiệu lực" in revision_text(final, second.id)
    assert "Đang áp dụng: lần ban hành 2" in text_of(final)


def test_a_refused_action_is_shown_on_the_document_page_with_the_input_kept(
    app, session, files, secretary, reviewer, approver, document, today
):
    revision = upload(session, files, secretary, document)
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
    client = signed_in(app, approver)
    yesterday = f"{today.fromordinal(today.toordinal() - 1):%d/%m/%Y}"
    response = client.post(f"/revisions/{revision.id}/actions", data={"action": "approve", "comment": "Đã xem",
        "effective_from": yesterday})
    assert response.status_code == 422
    assert "Ngày hiệu lực không được trước ngày hôm nay." in text_of(response)
    assert f'type="text" value="{yesterday}"' in response.get_data(as_text=True)
    nonsense = client.post(
        f"/revisions/{revision.id}/actions", data={"action": "approve", "comment": "Đã xem",
            "effective_from": "31/02/2026"}
    )
    assert nonsense.status_code == 422
    assert "Không thực hiện được: Ngày không hợp lệ (nhập theo dạng dd/mm/yyyy)." in text_of(nonsense)
    assert 'type="text" value="31/02/2026"' in nonsense.get_data(as_text=True)
    session.refresh(revision)
    assert revision.status is RevisionStatus.REVIEWED


def test_withdrawal_needs_a_reason_and_then_shows_who_withdrew_and_why(
    app, session, files, secretary, reviewer, approver, document, today
):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    client = signed_in(app, approver)
    refused = client.post(f"/revisions/{revision.id}/actions", data={"action": "withdraw", "comment": "  "})
    assert refused.status_code == 422
    assert "Cần ghi lý do thu hồi tài liệu." in text_of(refused)
    client.post(f"/revisions/{revision.id}/actions", data={"action": "withdraw", "comment": "TTHC đã bị bãi bỏ"})
    page = text_of(client.get(f"/documents/{document.id}"))
    assert "Đã thu hồi tài liệu." in page
    assert "Tài liệu đã bị thu hồi — không sử dụng." in page
    assert f"Thu hồi ngày {today:%d/%m/%Y} bởi Nguyễn Văn Pheduyet, Chủ tịch UBND xã." in page
    assert "Lý do: TTHC đã bị bãi bỏ" in page
    assert "Đã thu hồi — không sử dụng." in page


# --- who sees what ---------------------------------------------------------------------------------


def test_staff_see_only_the_current_revision_and_get_404_for_others(
    app, session, files, secretary, reviewer, approver, staff, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Lần 2")
    draft = upload(session, files, secretary, document, make_docx("v3"), "Dự thảo lần 3")
    client = signed_in(app, staff)
    page = client.get(f"/documents/{document.id}")
    html = page.get_data(as_text=True)
    assert f'id="rev-{second.id}"' in html
    assert f'id="rev-{first.id}"' not in html and f'id="rev-{draft.id}"' not in html
    assert "Phiên bản hiện hành" in text_of(page)
    assert action_forms(page) == []
    assert client.get(f"/revisions/{second.id}/download").status_code == 200
    for hidden in (first, draft):
        response = client.get(f"/revisions/{hidden.id}/download")
        assert response.status_code == 404
        assert "Không tìm thấy phiên bản." in text_of(response)


def test_staff_get_404_for_a_document_not_yet_in_force(app, session, files, secretary, staff, document):
    upload(session, files, secretary, document)
    assert signed_in(app, staff).get(f"/documents/{document.id}").status_code == 404


def test_another_organisation_gets_404(app, session, files, secretary, reviewer, approver, outsider, document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    client = signed_in(app, outsider)
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 404
    assert "Không tìm thấy tài liệu." in text_of(response)
    assert "Cấp bản sao trích lục hộ tịch" not in text_of(response)
    assert client.get(f"/revisions/{revision.id}/download").status_code == 404
    assert (
        client.post(f"/revisions/{revision.id}/actions", data={"action": "withdraw", "comment": "x"}).status_code == 404
    )
    session.refresh(revision)
    assert revision.status is RevisionStatus.EFFECTIVE


def test_inspector_sees_everything_but_is_offered_no_action_and_refused_one(
    app, session, files, secretary, reviewer, approver, inspector, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = upload(session, files, secretary, document, make_docx("v2"), "Sửa đổi lần 2")
    lifecycle.act(session, secretary, second.id, "submit", today=today)
    lifecycle.act(session, reviewer, second.id, "pass", today=today, comment="Đã xem")
    client = signed_in(app, inspector)
    page = client.get(f"/documents/{document.id}")
    assert f'id="rev-{first.id}"' in page.get_data(as_text=True)
    assert "Chờ phê duyệt" in revision_text(page, second.id)
    assert action_forms(page) == []
    assert "Tải lên phiên bản mới" not in text_of(page)
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    refused = client.post(
        f"/revisions/{second.id}/actions", data={"action": "approve", "comment": "Đã xem",
            "effective_from": today.isoformat()}
    )
    assert refused.status_code == 403
    assert "Cần vai trò Người phê duyệt của đơn vị" in text_of(refused)
    session.refresh(second)
    assert second.status is RevisionStatus.REVIEWED
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert client.get(f"/documents/{document.id}/upload").status_code == 403


def test_user_provided_text_is_escaped(app, session, files, secretary, agency):
    evil = lifecycle.create_document(
        session,
        secretary,
        organization_code="XA-LOCBINH",
        code="QT-X",
        title='<script>alert("x")</script> Quy trình',
        kind="process",
    )
    upload(session, files, secretary, evil, summary="<b>đậm</b> & <img src=x onerror=alert(1)>")
    client = signed_in(app, secretary)
    for url in ("/", f"/documents/{evil.id}", "/tasks"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html, url
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Quy trình" in html, url
    page = client.get(f"/documents/{evil.id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;đậm&lt;/b&gt; &amp;" in page


def test_a_second_user_with_two_roles_may_not_review_own_draft(app, session, files, agency, document, today):
    both = make_user(session, "thukykiemtra", "XA-LOCBINH", "secretary", "reviewer")
    revision = upload(session, files, both, document)
    lifecycle.act(session, both, revision.id, "submit", today=today)
    client = signed_in(app, both)
    refused = client.post(f"/revisions/{revision.id}/actions", data={"action": "pass", "comment": "Đã xem"})
    assert refused.status_code == 403
    assert "Người soạn thảo không được tự kiểm tra phiên bản của mình." in text_of(refused)
