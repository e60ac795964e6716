"""Reading a revision in the browser: the .docx as clean HTML with its tables, the PDF inline, the banners, print."""

from __future__ import annotations

from sqlalchemy import select
from support.factories import fixture_file, make_docx, make_effective, minimal_pdf, upload
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.files.docx_html import HtmlCache, clean
from qms.models import AuditEntry

HOSTILE = make_docx(
    "Bước 1: tiếp nhận hồ sơ",
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    table=[["Bước", "Thời gian"], ["Tiếp nhận", "0,5 ngày"]],
)


def test_the_current_docx_reads_as_html_with_its_tables_and_the_banner(
    app, session, files, secretary, reviewer, approver, staff, document, today
):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today,
                              content=fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    client = signed_in(app, staff)
    response = client.get(f"/documents/{document.id}/read")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/revisions/{revision.id}/read")

    page = client.get(f"/revisions/{revision.id}/read")
    html = page.get_data(as_text=True)
    text = text_of(page)
    assert f"Đang áp dụng: lần ban hành 1, hiệu lực từ ngày {today:%d/%m/%Y}." in text
    assert "CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH" in text and "Người phê duyệt" in text
    assert html.count("<table>") >= 5
    assert "hết hiệu lực" not in text.lower()
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_document_content_is_sanitised(app, session, files, secretary, reviewer, approver, staff, document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today, content=HOSTILE)
    html = signed_in(app, staff).get(f"/revisions/{revision.id}/read").get_data(as_text=True)
    body = html[html.index('class="doc-body"'):html.index("</article>")]
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;" in body  # the text typed in Word is shown as text
    assert "<td><p>0,5 ngày</p></td>" in body
    hostile = '<p onclick="x()">a</p><a href="javascript:alert(1)">b</a><table><tr><td colspan="2">c</td></tr></table>'
    assert clean(hostile) == (
        '<p>a</p><a rel="noopener noreferrer">b</a><table><tbody><tr><td colspan="2">c</td></tr></tbody></table>'
    )


def test_the_html_is_converted_once_per_stored_file(
    app, session, files, secretary, reviewer, approver, document, today
):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today, content=HOSTILE)
    cache = HtmlCache(app.config["STORAGE_DIR"] + "/cache/html")
    assert cache.get(revision.file_sha256) is None
    client = signed_in(app, secretary)
    first = client.get(f"/revisions/{revision.id}/read").get_data(as_text=True)
    kept = cache.get(revision.file_sha256)
    assert kept is not None and "0,5 ngày" in kept
    cache.put(revision.file_sha256, "<p>Bản đã lưu sẵn</p>")
    assert "Bản đã lưu sẵn" in text_of(client.get(f"/revisions/{revision.id}/read"))
    assert "0,5 ngày" in first


def test_a_superseded_revision_is_loudly_marked_and_points_to_the_current_one(
    app, session, files, secretary, reviewer, approver, document, today
):
    old = make_effective(session, files, document, secretary, reviewer, approver, today)
    new = make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Sửa bước 2")
    client = signed_in(app, secretary)
    page = client.get(f"/revisions/{old.id}/read")
    text = text_of(page)
    assert "Đã hết hiệu lực — không sử dụng" in text
    assert f"Đọc bản đang áp dụng: lần ban hành 2, hiệu lực từ ngày {today:%d/%m/%Y}" in text
    assert f'href="/revisions/{new.id}/read"' in page.get_data(as_text=True)
    # Reading what is no longer in force is recorded, as a reading («Xem»), not a download.
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "read")).all()


def test_drafts_and_approved_revisions_warn_and_staff_cannot_read_them(
    app, session, files, secretary, reviewer, approver, staff, document, today
):
    draft = upload(session, files, secretary, document)
    client = signed_in(app, secretary)
    assert "Bản dự thảo — chưa được phê duyệt, không sử dụng" in text_of(client.get(f"/revisions/{draft.id}/read"))
    assert signed_in(app, staff).get(f"/revisions/{draft.id}/read").status_code == 404
    lifecycle.act(session, secretary, draft.id, "submit", today=today)
    lifecycle.act(session, reviewer, draft.id, "pass", today=today, comment="Đã xem")
    later = today.replace(year=today.year + 1)
    lifecycle.act(session, approver, draft.id, "approve", today=today, effective_from=later, comment="Đã xem")
    text = text_of(client.get(f"/revisions/{draft.id}/read"))
    assert "Chưa có hiệu lực — chưa sử dụng" in text
    assert f"sẽ có hiệu lực từ ngày {later:%d/%m/%Y}" in text


def test_a_pdf_is_shown_in_the_browsers_viewer(
    app, session, files, secretary, reviewer, approver, staff, document, today
):
    content = minimal_pdf("Quy trinh cap ban sao trich luc")
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    pdf = upload(session, files, secretary, document, content, "Ban PDF", filename="quy-trinh.pdf")
    for action, actor in (("submit", secretary), ("pass", reviewer)):
        lifecycle.act(session, actor, pdf.id, action, today=today, comment="Đã xem")
    lifecycle.act(session, approver, pdf.id, "approve", today=today, effective_from=today, comment="Đã xem")
    client = signed_in(app, staff)
    page = client.get(f"/revisions/{pdf.id}/read").get_data(as_text=True)
    frame = f'<iframe class="pdf-frame" src="/revisions/{pdf.id}/inline" title="Tệp PDF: quy-trinh.pdf">'
    assert frame in page
    response = client.get(f"/revisions/{pdf.id}/inline")
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "object-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    # A .docx has no inline form; staff cannot reach the superseded one at all.
    assert signed_in(app, secretary).get(f"/revisions/{revision.id}/inline").status_code == 404


def test_the_print_view_has_no_navigation(app, session, files, secretary, reviewer, approver, staff, document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today, content=HOSTILE)
    page = signed_in(app, staff).get(f"/revisions/{revision.id}/print")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "main-nav" not in html and "header-search" not in html
    text = text_of(page)
    assert f"Lần ban hành 1 · Hiệu lực từ ngày {today:%d/%m/%Y}" in text
    assert "Tiếp nhận 0,5 ngày" in text and f"In ngày {today:%d/%m/%Y}" in text


def test_a_revision_of_another_organisation_is_not_found(app, session, files, secretary, reviewer, approver, outsider,
                                                         document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    client = signed_in(app, outsider)
    for path in (f"/revisions/{revision.id}/read", f"/revisions/{revision.id}/print", f"/documents/{document.id}/read"):
        response = client.get(path)
        assert response.status_code == 404 and "Không tìm thấy" in text_of(response)
