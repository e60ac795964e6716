"""The records page: what the agency recorded, the forms that add to it, and who sees which form."""

from __future__ import annotations

import io

from support.factories import minimal_pdf
from support.pages import signed_in, text_of


def test_secretary_records_a_publication_and_an_audit_through_the_page(app, secretary, approver, staff, inspector,
                                                                      document, today):
    browser = signed_in(app, secretary)
    refused = browser.post("/organizations/XA-LOCBINH/records/publications", data={
        "number": "45/QĐ-UBND", "signed_on": today.strftime("%d/%m/%Y"), "signer": "Lý Văn Đức"},
        content_type="multipart/form-data")
    assert refused.status_code == 422 and "Cần tải lên tệp quyết định công bố." in text_of(refused)
    done = browser.post("/organizations/XA-LOCBINH/records/publications", data={
        "number": "45/QĐ-UBND", "signed_on": today.strftime("%d/%m/%Y"), "signer": "Lý Văn Đức",
        "notified_to": "Sở Khoa học và Công nghệ", "notified_on": today.strftime("%d/%m/%Y"),
        "file": (io.BytesIO(minimal_pdf("QD")), "quyet-dinh.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 303
    audit = browser.post("/organizations/XA-LOCBINH/records/internal-audits", data={
        "starts_on": today.strftime("%d/%m/%Y"), "auditors": "Hoàng Văn Minh", "processes": "QT-HT-04"},
        content_type="multipart/form-data")
    assert audit.status_code == 303
    audit_id = 1  # the first audit of a fresh database
    finding = browser.post(f"/records/internal-audits/{audit_id}/findings", data={
        "kind": "nonconformity", "description": "Thiếu biểu mẫu", "documents": [str(document.id)]})
    assert finding.status_code == 303
    page = browser.get("/organizations/XA-LOCBINH/records")
    text = text_of(page)
    assert "Đã thêm phát hiện." in text and "45/QĐ-UBND" in text and "Điểm không phù hợp: Thiếu biểu mẫu" in text
    assert "Ghi hành động khắc phục" in text
    assert "Xác nhận hiệu lực của hệ thống" not in text.split("Chưa có xác nhận.")[1]  # the approver's form

    decision = signed_in(app, staff).get("/records/publication/1/file")
    assert decision.status_code == 200 and decision.data.startswith(b"%PDF") and decision.mimetype == "application/pdf"
    assert signed_in(app, staff).get("/records/publication/2/file").status_code == 404
    reader = text_of(signed_in(app, staff).get("/organizations/XA-LOCBINH/records"))
    assert "45/QĐ-UBND" in reader and "Ghi nhận quyết định công bố" not in reader
    inspected = signed_in(app, inspector).get("/organizations/XA-LOCBINH/records")
    assert inspected.status_code == 200 and "Ghi nhận cuộc đánh giá nội bộ" not in text_of(inspected)
    assert "Xác nhận hiệu lực của hệ thống" in text_of(signed_in(app, approver).get("/records", follow_redirects=True))


def test_an_overdue_corrective_action_waits_in_the_workspace(app, session, files, secretary, approver, document,
                                                              today):
    from datetime import timedelta

    from qms.records import corrective_actions, internal_audits

    audit = internal_audits.create(session, files, secretary, "XA-LOCBINH", starts_on=today, ends_on=None,
                                   auditors=["A"], processes=["QT-HT-04"], report=None, today=today)
    finding = internal_audits.add_finding(session, secretary, audit.id, kind="nonconformity",
                                          description="Chưa phân phối tài liệu", document_ids=[document.id])
    corrective_actions.create(session, secretary, finding.id, cause="c", action="a", responsible="Thư ký ISO",
                              due_on=today - timedelta(days=1))
    for user in (secretary, approver):
        text = text_of(signed_in(app, user).get("/tasks"))
        assert "Hành động khắc phục quá hạn (1)" in text and "Chưa phân phối tài liệu" in text
