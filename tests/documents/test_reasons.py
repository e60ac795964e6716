"""Passing or approving a revision with error-level findings takes a written reason, kept beside the findings."""

from __future__ import annotations

import pytest
from support.factories import make_docx, upload
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.errors import Invalid

#: A process whose dossier only refers elsewhere: an error-level finding the reader is sure of.
REFERRED_DOSSIER = make_docx(
    "QUY TRÌNH CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", "1. Mục đích", "Quy định trình tự.", "2. Phạm vi", "Áp dụng tại xã.",
    "5. Nội dung quy trình", "5.1. Cơ sở pháp lý", "Luật Hộ tịch.", "5.2. Thành phần hồ sơ", "Theo quy định hiện hành.",
    "5.3. Thời gian xử lý", "01 ngày làm việc.",
)


def test_pass_and_approve_with_error_findings_need_a_reason(
    app, client, session, files, document, secretary, reviewer, approver, today, bearer
):
    revision = upload(session, files, secretary, document, REFERRED_DOSSIER, "Hồ sơ chỉ dẫn chiếu")
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    with pytest.raises(Invalid) as refused:
        lifecycle.act(session, reviewer, revision.id, "pass", today=today)
    assert refused.value.code == "reason_required"
    lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Thành phần hồ sơ bổ sung sau")
    answer = client.post(f"/api/v1/revisions/{revision.id}/actions",
                         json={"action": "approve", "effective_from": today.isoformat()}, headers=bearer(approver))
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "reason_required"
    answer = client.post(f"/api/v1/revisions/{revision.id}/actions", headers=bearer(approver),
                         json={"action": "approve", "effective_from": today.isoformat(), "comment": "Chấp nhận"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["review_reason"] == "Thành phần hồ sơ bổ sung sau" and body["approval_reason"] == "Chấp nhận"
    page = signed_in(app, approver).get(f"/documents/{document.id}")
    html = page.get_data(as_text=True)
    assert "alert-error findings-summary" in html  # the colour of the worst finding
    text = text_of(page)
    assert "Lý do vẫn kiểm tra đạt" in text and "Thành phần hồ sơ bổ sung sau" in text and "Chấp nhận" in text
    history = text_of(signed_in(app, approver).get(f"/documents/{document.id}/history"))
    assert "Chấp nhận" in history
