"""The demo's year of records, as the inspector's overview, scorecard, minutes and annual report show it: the
generated files are read back and compared with the data."""

from __future__ import annotations

import io

import pytest
from docx import Document as WordDocument

from qms import demo
from qms.accounts import users
from qms.demo import records as demo_records


@pytest.fixture
def inspector_headers(session, files, today, bearer):
    demo.load(session, files, today)
    return bearer(users.by_username(session, "thanhtra"))


def scorecard_of(client, headers, code):
    response = client.get(f"/api/v1/organizations/{code}/scorecard", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def word_text(content: bytes) -> list[str]:
    """Every paragraph of the body and of the tables' cells, in order."""
    word = WordDocument(io.BytesIO(content))
    lines = [paragraph.text for paragraph in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            lines.extend(" | ".join(cell.text for cell in row.cells).split("\n"))
    return lines


def test_the_demo_agency_has_its_year_and_the_second_commune_its_gaps(client, inspector_headers, today):
    base = "/api/v1/organizations/XA-LOCBINH"
    published = client.get(f"{base}/publications", headers=inspector_headers).get_json()
    assert [p["number"] for p in published] == [demo_records.SECOND_DECISION, demo_records.FIRST_DECISION]
    assert demo_records.ADDED_CODE in published[0]["scope"] and demo_records.ABOLISHED_CODE not in published[0]["scope"]
    assert demo_records.ABOLISHED_CODE in published[1]["scope"] and demo_records.ADDED_CODE not in published[1]["scope"]

    audits = client.get(f"{base}/internal-audits", headers=inspector_headers).get_json()
    actions = {f["description"]: f["corrective_action"] for f in audits[0]["findings"]}
    assert actions[demo_records.CLOSED_FINDING]["closed_by"] == "revision"
    assert actions[demo_records.OVERDUE_FINDING]["overdue"] is True

    items = {item["code"]: item for item in scorecard_of(client, inspector_headers, "XA-LOCBINH")["items"]}
    for code in ("policy_missing", "objectives_missing", "system_procedures_missing", "internal_audit_missing",
                 "management_review_missing", "publication_missing", "republication_needed"):
        assert items[code]["ok"] is True, items[code]
    assert items["corrective_action_overdue"]["ok"] is False
    assert demo_records.OVERDUE_FINDING in items["corrective_action_overdue"]["detail"]
    assert demo_records.CLOSED_FINDING not in items["corrective_action_overdue"]["detail"]

    second = {item["code"]: item for item in scorecard_of(client, inspector_headers, "XA-DONGDANG")["items"]}
    gaps = {code for code, item in second.items() if item["ok"] is False}
    assert {"objectives_missing", "system_procedures_missing", "internal_audit_missing", "management_review_missing",
            "publication_missing"} <= gaps

    overview = client.get("/api/v1/overview", headers=inspector_headers).get_json()
    rows = {row["organization"]["code"]: row for row in overview["rows"]}
    assert rows["XA-DONGDANG"]["scorecard_gaps"] == [c for c, item in second.items() if item["ok"] is False]
    assert rows["XA-LOCBINH"]["scorecard_gaps"] == [c for c, item in items.items() if item["ok"] is False]


def test_the_minutes_list_each_agency_gaps_as_the_scorecard_says(client, inspector_headers, today):
    response = client.get("/api/v1/inspection-minutes.docx?organizations=XA-LOCBINH,XA-DONGDANG",
                          headers=inspector_headers)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    lines = word_text(response.data)
    assert "BIÊN BẢN KIỂM TRA" in lines
    starts = [lines.index("I. UBND XÃ LỘC BÌNH (XA-LOCBINH)"), lines.index("II. UBND XÃ ĐỒNG ĐĂNG (XA-DONGDANG)")]
    for code, start, end in (("XA-LOCBINH", starts[0], starts[1]), ("XA-DONGDANG", starts[1], len(lines))):
        gaps = [item["detail"] for item in scorecard_of(client, inspector_headers, code)["items"]
                if item["ok"] is False]
        written = [line.split(". ", 1)[1] for line in lines[start + 2:end] if line[:1].isdigit()]
        assert written[:len(gaps)] == gaps and gaps
    again = client.get("/api/v1/inspection-minutes.docx?organizations=XA-LOCBINH,XA-DONGDANG",
                       headers=inspector_headers)
    assert again.data == response.data
    refused = client.get("/api/v1/inspection-minutes.docx?organizations=XA-KHONG-CO", headers=inspector_headers)
    assert refused.status_code == 404


def test_the_annual_report_states_the_figures_of_the_pages_and_is_the_same_twice(client, inspector_headers, today):
    url = f"/api/v1/organizations/XA-LOCBINH/reports/annual.docx?year={today.year}"
    response = client.get(url, headers=inspector_headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert client.get(url, headers=inspector_headers).data == response.data
    lines = word_text(response.data)
    items = {item["code"]: item for item in scorecard_of(client, inspector_headers, "XA-LOCBINH")["items"]}
    coverage = items["coverage_incomplete"]["detail"]  # «Chưa xây dựng quy trình cho N/T TTHC …»
    uncovered, total = coverage.split("cho ", 1)[1].split(" TTHC", 1)[0].split("/")
    covered = int(total) - int(uncovered)
    assert any(line.startswith(f"Số TTHC có quy trình đang hiệu lực: {covered}/{total} ") for line in lines)
    assert any(f"Công bố: Quyết định số {demo_records.FIRST_DECISION}" in line for line in lines)
    assert any(f"Công bố lại: Quyết định số {demo_records.SECOND_DECISION}" in line for line in lines)
    assert "Hành động khắc phục: 2, đã hoàn thành: 1, quá hạn: 1." in lines
    objectives = client.get(f"/api/v1/organizations/XA-LOCBINH/objectives?year={today.year}",
                            headers=inspector_headers).get_json()
    for number, objective in enumerate(objectives, start=1):
        last = objective["results"][-1]
        assert any(line.startswith(f"{number} | {objective['title']} | {objective['target']} | {last['value']}")
                   for line in lines)
    gaps = [item["detail"] for item in items.values() if item["ok"] is False]
    assert [line.split(". ", 1)[1] for line in lines[lines.index("7. Tồn tại, hạn chế") + 1:][:len(gaps)]] == gaps


def demo_client(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": demo.PASSWORD}).status_code == 302
    return client


def test_the_demo_records_page_tells_the_same_story(app, inspector_headers):
    from support.pages import text_of

    text = text_of(demo_client(app, "pheduyet").get("/organizations/XA-LOCBINH/records"))
    assert "Đã khắc phục" in text and "(lần ban hành mới của QT-HT-DGNB)" in text
    assert "Quá hạn" in text and demo_records.OVERDUE_FINDING in text
    assert "Xác nhận đã khắc phục" in text  # the approver may close the overdue one with evidence
    assert "Phạm vi thay đổi — cần công bố lại" not in text
    card = text_of(demo_client(app, "thanhtra").get("/organizations/XA-DONGDANG/scorecard"))
    assert "Chưa thực hiện đánh giá nội bộ trong 12 tháng qua." in card


def test_the_demo_merger_carried_dong_quans_records_and_kept_their_past(client, inspector_headers, today):
    merged = client.get("/api/v1/organizations/XA-DONGQUAN-2025/publications", headers=inspector_headers).get_json()
    assert [p["number"] for p in merged] == [demo_records.DONG_QUAN_DECISION]
    assert client.get("/api/v1/organizations/XA-DONGQUAN/publications", headers=inspector_headers).get_json() == []
    before = client.get("/api/v1/organizations/XA-DONGQUAN/scorecard", headers=inspector_headers,
                        query_string={"as_of": "2025-06-30"}).get_json()
    items = {item["code"]: item for item in before["items"]}
    assert items["publication_missing"]["ok"] is True and demo_records.DONG_QUAN_DECISION in items[
        "publication_missing"]["detail"]
    assert items["internal_audit_missing"]["ok"] is True
    after = client.get("/api/v1/organizations/XA-DONGQUAN-2025/scorecard", headers=inspector_headers,
                       query_string={"year": 2025}).get_json()
    items = {item["code"]: item for item in after["items"]}
    # The audit of May 2025 counts for the merged commune's 2025; Đông Quan's decision does not publish its scope.
    assert items["internal_audit_missing"]["ok"] is True
    assert items["republication_needed"]["ok"] is False and demo_records.DONG_QUAN_DECISION in items[
        "republication_needed"]["detail"]
