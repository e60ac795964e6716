"""Records of the quality system through the API: publication and the scope change, audits, findings, corrective
actions closed by a revision or by verification, reviews, objectives, confirmation; files and audit entries."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from sqlalchemy import func, select
from support.factories import FIXTURES, make_effective, minimal_pdf

from qms.documents import lifecycle
from qms.models import AuditEntry, Publication, StoredFile

DECISION = minimal_pdf("Quyet dinh cong bo HTQLCL")


def import_catalogue(client, headers, name="procedures.xlsx", content=None):
    data = {"file": (io.BytesIO(content if content is not None else (FIXTURES / name).read_bytes()), name),
            "organization": "XA-LOCBINH"}
    response = client.post("/api/v1/procedures/import", data=data, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def publish(client, headers, number, signed_on, **extra):
    data = {"number": number, "signed_on": signed_on.isoformat(), "signer": "Lý Văn Đức",
            "file": (io.BytesIO(DECISION + number.encode()), "quyet-dinh.pdf"), **extra}
    return client.post("/api/v1/organizations/XA-LOCBINH/publications", data=data, headers=headers)


def test_publication_keeps_the_catalogue_as_scope_and_a_catalogue_change_asks_for_republication(
        client, bearer, session, secretary, approver, staff, outsider, today):
    codes = import_catalogue(client, bearer(secretary))["added"]
    response = publish(client, bearer(secretary), "45/QĐ-UBND", today, posted_office_on=today.isoformat(),
                       notified_to="Sở Khoa học và Công nghệ", notified_on=today.isoformat())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["scope"] == sorted(codes) and body["number"] == "45/QĐ-UBND"
    assert body["notified_to"] == "Sở Khoa học và Công nghệ" and body["posted_website_on"] is None
    stored = session.get(StoredFile, body["file_sha256"])
    assert stored is not None and body["file_sha256"] == hashlib.sha256(DECISION + "45/QĐ-UBND".encode()).hexdigest()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "publication_create"))
    assert entry.subject == f"publication:{body['id']}" and entry.file_sha256 == body["file_sha256"]

    # Anyone of the agency reads them; another commune does not see them; only secretaries and approvers write.
    assert [p["number"] for p in client.get("/api/v1/organizations/XA-LOCBINH/publications",
                                             headers=bearer(staff)).get_json()] == ["45/QĐ-UBND"]
    assert client.get("/api/v1/organizations/XA-LOCBINH/publications", headers=bearer(outsider)).status_code == 404
    assert publish(client, bearer(staff), "46/QĐ-UBND", today).status_code == 403
    file = client.get(f"/api/v1/records/publication/{body['id']}/file", headers=bearer(staff))
    assert file.status_code == 200 and file.data.startswith(b"%PDF")

    # Refusals leave nothing behind.
    assert publish(client, bearer(secretary), "", today).status_code == 422
    future = publish(client, bearer(secretary), "47/QĐ-UBND", today + timedelta(days=1))
    assert future.status_code == 422 and future.get_json()["error"]["code"] == "signed_on_future"
    bad_scope = publish(client, bearer(secretary), "48/QĐ-UBND", today, scope="1.001193; không-phải-mã")
    assert bad_scope.status_code == 422 and bad_scope.get_json()["error"]["code"] == "invalid_scope"
    assert session.scalar(select(func.count()).select_from(Publication)) == 1

    # A given scope is kept as given.
    given = publish(client, bearer(approver), "49/QĐ-UBND", today - timedelta(days=3), scope="1.001193\n2.000635")
    assert given.status_code == 201 and given.get_json()["scope"] == ["1.001193", "2.000635"]


def test_internal_audit_findings_and_corrective_actions(client, bearer, session, files, secretary, reviewer, approver,
                                                        staff, outsider, document, today):
    control = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-KS",
                                        title="Kiểm soát tài liệu", kind="system_procedure")
    make_effective(session, files, document, secretary, reviewer, approver, today)
    make_effective(session, files, control, secretary, reviewer, approver, today)
    planned = client.post("/api/v1/organizations/XA-LOCBINH/internal-audits", headers=bearer(secretary), data={
        "starts_on": (today - timedelta(days=20)).isoformat(), "ends_on": (today - timedelta(days=19)).isoformat(),
        "auditors": "Hoàng Văn Minh\nNguyễn Thị Lan", "processes": "QT-HT-04; QT-HT-KS",
        "report": (io.BytesIO(minimal_pdf("Bao cao danh gia noi bo")), "bao-cao.pdf")})
    assert planned.status_code == 201, planned.get_json()
    audit = planned.get_json()
    assert audit["auditors"] == ["Hoàng Văn Minh", "Nguyễn Thị Lan"] and audit["processes"] == ["QT-HT-04", "QT-HT-KS"]
    assert audit["report_filename"] == "bao-cao.pdf"

    findings = f"/api/v1/internal-audits/{audit['id']}/findings"
    first = client.post(findings, headers=bearer(secretary), json={
        "kind": "nonconformity", "description": "Quy trình chưa cập nhật căn cứ pháp lý.",
        "document_ids": [document.id]})
    second = client.post(findings, headers=bearer(secretary), json={
        "kind": "nonconformity", "description": "Chưa phân phối tài liệu cho bộ phận một cửa.",
        "document_ids": [control.id]})
    observation = client.post(findings, headers=bearer(secretary), json={
        "kind": "observation", "description": "Nên số hóa sổ theo dõi.", "document_ids": []})
    assert first.status_code == second.status_code == observation.status_code == 201
    assert first.get_json()["documents"] == [{"id": document.id, "code": "QT-HT-04", "title": document.title}]
    no_document = client.post(findings, headers=bearer(secretary), json={"kind": "nonconformity",
                                                                           "description": "x", "document_ids": []})
    assert no_document.status_code == 422 and no_document.get_json()["error"]["code"] == "documents_required"
    foreign = client.post(findings, headers=bearer(outsider), json={"kind": "observation", "description": "x"})
    assert foreign.status_code == 404

    def act_on(finding, due_on):
        return client.post(f"/api/v1/audit-findings/{finding.get_json()['id']}/corrective-action",
                           headers=bearer(secretary), json={"cause": "Chưa rà soát văn bản mới",
                                                             "action": "Sửa đổi quy trình", "responsible": "Thư ký ISO",
                                                             "due_on": due_on.isoformat()})

    one = act_on(first, today + timedelta(days=30))
    two = act_on(second, today - timedelta(days=5))
    assert one.status_code == two.status_code == 201
    assert one.get_json()["corrective_action"]["closed"] is False
    assert two.get_json()["corrective_action"]["overdue"] is True
    assert act_on(first, today).status_code == 409
    assert client.post(f"/api/v1/audit-findings/{observation.get_json()['id']}/corrective-action",
                       headers=bearer(secretary), json={"cause": "a", "action": "b", "responsible": "c",
                                                         "due_on": today.isoformat()}).status_code == 422

    # A new revision of the linked document taking effect closes the first action.
    make_effective(session, files, document, secretary, reviewer, approver, today, summary="Cập nhật căn cứ pháp lý")
    listed = client.get("/api/v1/organizations/XA-LOCBINH/internal-audits", headers=bearer(staff)).get_json()
    actions = {f["description"]: f["corrective_action"] for f in listed[0]["findings"]}
    closed = actions["Quy trình chưa cập nhật căn cứ pháp lý."]
    assert closed["closed"] is True and closed["closed_by"] == "revision" and closed["closed_on"] == today.isoformat()
    assert actions["Chưa phân phối tài liệu cho bộ phận một cửa."]["overdue"] is True
    assert actions["Nên số hóa sổ theo dõi."] is None

    # The second is closed by an approver with evidence; the secretary may not.
    action_id = two.get_json()["corrective_action"]["id"]
    evidence = {"note": "Đã phân phối", "file": (io.BytesIO(minimal_pdf("So giao nhan tai lieu")), "so-giao.pdf")}
    assert client.post(f"/api/v1/corrective-actions/{action_id}/verify", headers=bearer(secretary),
                       data=dict(evidence)).status_code == 403
    evidence["file"] = (io.BytesIO(minimal_pdf("So giao nhan tai lieu")), "so-giao.pdf")
    verified = client.post(f"/api/v1/corrective-actions/{action_id}/verify", headers=bearer(approver), data=evidence)
    assert verified.status_code == 200, verified.get_json()
    state = verified.get_json()["corrective_action"]
    assert state["closed_by"] == "verified" and state["overdue"] is False and state["verified_by"] == approver.full_name
    assert client.get(f"/api/v1/records/corrective-action/{action_id}/file", headers=bearer(staff)).status_code == 200
    actions_audited = session.scalars(select(AuditEntry.action).where(AuditEntry.subject.like("corrective_action:%")))
    assert sorted(actions_audited) == ["corrective_action_create", "corrective_action_create",
                                       "corrective_action_verify"]


def test_management_review_objectives_and_confirmation(client, bearer, session, secretary, approver, staff, today):
    base = "/api/v1/organizations/XA-LOCBINH"
    review = client.post(f"{base}/management-reviews", headers=bearer(secretary), data={
        "held_on": today.isoformat(), "chair": "Lý Văn Đức", "audit_results": "2 điểm không phù hợp",
        "customer_feedback": "Không có khiếu nại", "decisions": "Cập nhật quy trình theo Nghị định 118/2025/NĐ-CP",
        "minutes": (io.BytesIO(minimal_pdf("Bien ban hop xem xet")), "bien-ban.pdf")})
    assert review.status_code == 201, review.get_json()
    assert review.get_json()["inputs"] == {"audit_results": "2 điểm không phù hợp",
                                           "customer_feedback": "Không có khiếu nại"}
    empty = client.post(f"{base}/management-reviews", headers=bearer(secretary), data={
        "held_on": today.isoformat(), "chair": "Lý Văn Đức", "decisions": "x"})
    assert empty.status_code == 422 and empty.get_json()["error"]["code"] == "inputs_required"

    objective = client.post(f"{base}/objectives", headers=bearer(secretary), json={
        "year": today.year, "title": "Hồ sơ TTHC giải quyết đúng hạn", "target": "100%"})
    assert objective.status_code == 201 and objective.get_json()["approved"] is False
    objective_id = objective.get_json()["id"]
    assert client.post(f"/api/v1/objectives/{objective_id}/approve", headers=bearer(secretary)).status_code == 403
    approved = client.post(f"/api/v1/objectives/{objective_id}/approve", headers=bearer(approver))
    assert approved.status_code == 200 and approved.get_json()["approved_by_name"] == approver.full_name
    assert client.post(f"/api/v1/objectives/{objective_id}/approve", headers=bearer(approver)).status_code == 409
    result = client.post(f"/api/v1/objectives/{objective_id}/results", headers=bearer(secretary), json={
        "measured_on": today.isoformat(), "value": "98,5%", "note": "2 hồ sơ trễ hạn"})
    assert result.status_code == 201
    wrong_year = client.post(f"/api/v1/objectives/{objective_id}/results", headers=bearer(secretary), json={
        "measured_on": today.replace(year=today.year - 1).isoformat(), "value": "90%"})
    assert wrong_year.status_code == 422
    listed = client.get(f"{base}/objectives?year={today.year}", headers=bearer(staff)).get_json()
    assert listed[0]["results"] == [{"id": result.get_json()["id"], "measured_on": today.isoformat(),
                                     "value": "98,5%", "note": "2 hồ sơ trễ hạn"}]

    assert client.post(f"{base}/effectiveness-confirmations", headers=bearer(secretary),
                       data={"year": str(today.year)}).status_code == 403
    confirmed = client.post(f"{base}/effectiveness-confirmations", headers=bearer(approver),
                            data={"year": str(today.year)})
    assert confirmed.status_code == 201 and confirmed.get_json()["confirmed_by_name"] == approver.full_name
    assert client.post(f"{base}/effectiveness-confirmations", headers=bearer(approver),
                       data={"year": str(today.year)}).status_code == 409
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"management_review_create", "objective_create", "objective_approve", "objective_result",
            "effectiveness_confirm"} <= actions


def test_an_audit_report_written_later_is_attached_once(client, bearer, secretary, staff, today):
    planned = client.post("/api/v1/organizations/XA-LOCBINH/internal-audits", headers=bearer(secretary), data={
        "starts_on": today.isoformat(), "auditors": "Hoàng Văn Minh", "processes": "QT-HT-04"})
    audit_id = planned.get_json()["id"]
    assert planned.get_json()["report_filename"] is None
    url = f"/api/v1/internal-audits/{audit_id}/report"
    assert client.post(url, headers=bearer(staff), data={
        "report": (io.BytesIO(minimal_pdf("Bao cao")), "bao-cao.pdf")}).status_code == 403
    attached = client.post(url, headers=bearer(secretary), data={
        "report": (io.BytesIO(minimal_pdf("Bao cao")), "bao-cao.pdf")})
    assert attached.status_code == 200 and attached.get_json()["report_filename"] == "bao-cao.pdf"
    again = client.post(url, headers=bearer(secretary), data={
        "report": (io.BytesIO(minimal_pdf("Bao cao 2")), "bao-cao-2.pdf")})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "report_exists"
    assert client.get(f"/api/v1/records/internal-audit/{audit_id}/file", headers=bearer(staff)).data.startswith(b"%PDF")
