"""The TTHC catalogue through the API: import a list, read it, and an organisation's coverage."""

from __future__ import annotations

import io

from sqlalchemy import func, select
from support.factories import FIXTURES, make_effective

from qms.documents import lifecycle
from qms.models import AuditEntry, Procedure


def post_catalogue(client, headers, name="procedures.xlsx", content=None, organization="XA-LOCBINH"):
    data = {"file": (io.BytesIO(content if content is not None else (FIXTURES / name).read_bytes()), name)}
    if organization is not None:
        data["organization"] = organization
    return client.post("/api/v1/procedures/import", data=data, headers=headers)


def test_import_reports_codes_counts_and_row_errors(client, bearer, secretary):
    response = post_catalogue(client, bearer(secretary))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["organization"] == "XA-LOCBINH" and body["filename"] == "procedures.xlsx"
    assert len(body["added"]) == 14 and "1.012753.H19" in body["added"]
    assert body["counts"] == {"added": 14, "changed": 0, "abolished": 0, "restored": 0, "unchanged": 0, "errors": 0}

    update = (FIXTURES / "procedures.csv").read_text(encoding="utf-8").replace("2.001263,", ",")
    again = post_catalogue(client, bearer(secretary), "cap-nhat.csv", update.encode())
    body = again.get_json()
    assert again.status_code == 200
    assert body["abolished"] == ["2.001263"] and body["added"] == []
    assert body["errors"] == [{"row": 13, "message": "Thiếu mã TTHC."}]
    assert {"code": "1.001193", "fields": ["level"]} in body["changed"]  # "Xã" in the workbook, "xã" in the CSV
    assert body["counts"]["changed"] == 13 and body["counts"]["errors"] == 1


def test_import_refusals(client, bearer, session, secretary, staff, outsider):
    assert post_catalogue(client, bearer(staff)).status_code == 403
    assert post_catalogue(client, bearer(outsider)).status_code == 404
    unreadable = post_catalogue(client, bearer(secretary), "danh-muc.pdf", b"%PDF-1.4")
    assert unreadable.status_code == 422
    assert unreadable.get_json()["error"] == {
        "code": "unsupported_type", "message": "Chỉ nhận danh mục TTHC dạng tệp Excel (.xlsx) hoặc CSV (.csv).",
    }
    no_heading = post_catalogue(client, bearer(secretary), "a.csv", "Cột 1,Cột 2\n1,2\n".encode())
    assert no_heading.status_code == 422 and no_heading.get_json()["error"]["code"] == "no_heading"
    missing = post_catalogue(client, bearer(secretary), organization=None)
    assert missing.status_code == 422 and "organization" in missing.get_json()["error"]["fields"]
    assert client.post("/api/v1/procedures/import").status_code == 401
    assert session.scalar(select(func.count()).select_from(Procedure)) == 0
    imports = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "procedures_import")
    assert session.scalar(imports) == 0


def test_catalogue_lists_procedures_with_abolished_ones_marked(client, bearer, secretary, staff, outsider):
    post_catalogue(client, bearer(secretary))
    update = (FIXTURES / "procedures.csv").read_text(encoding="utf-8").replace("2.001263,", "2.001264,")
    post_catalogue(client, bearer(secretary), "cap-nhat.csv", update.encode())

    response = client.get("/api/v1/organizations/XA-LOCBINH/procedures", headers=bearer(staff))
    assert response.status_code == 200
    listed = {item["code"]: item for item in response.get_json()}
    assert len(listed) == 15
    assert listed["2.001263"]["is_abolished"] and listed["2.001263"]["abolished_at"]
    assert listed["1.004873"]["time_unit"] == "working_day" and listed["1.004873"]["time_value"] == 3
    assert client.get("/api/v1/organizations/XA-LOCBINH/procedures", headers=bearer(outsider)).status_code == 404


def test_coverage_for_the_organisation_and_inspectors(
    client, bearer, session, files, secretary, reviewer, approver, inspector, outsider, document, today
):
    # Linked before the catalogue was imported: once it is, a code not on it is refused at creation.
    stray = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="QT-CU-01", title="Quy trình cũ", kind="process",
        procedure_code="1.999999",
    )
    post_catalogue(client, bearer(secretary))
    make_effective(session, files, document, secretary, reviewer, approver, today)
    make_effective(session, files, stray, secretary, reviewer, approver, today)

    response = client.get("/api/v1/organizations/XA-LOCBINH/coverage", headers=bearer(inspector))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["covered"], body["total"], body["percent"]) == (1, 14, 7.1)
    assert body["uncovered"][0] == {
        "code": "2.000815", "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "field": "Chứng thực",
        "time_text": "Trong ngày",
    }
    assert "2.000635" not in [item["code"] for item in body["uncovered"]] and len(body["uncovered"]) == 13
    assert body["covered_procedures"] == [
        {"code": "2.000635", "name": "Cấp bản sao trích lục hộ tịch", "field": "Hộ tịch",
         "document": {"id": document.id, "code": "QT-HT-04", "title": "Cấp bản sao trích lục hộ tịch"}},
    ]
    assert body["abolished_links"] == [
        {"document": {"id": stray.id, "code": "QT-CU-01", "title": "Quy trình cũ"}, "code": "1.999999",
         "abolished": False, "name": None, "abolished_at": None},
    ]
    assert client.get("/api/v1/organizations/XA-LOCBINH/coverage", headers=bearer(outsider)).status_code == 404
    assert client.get("/api/v1/organizations/KHONG-CO/coverage", headers=bearer(inspector)).status_code == 404


def test_coverage_names_abolished_procedures_a_process_points_to(
    client, bearer, session, files, secretary, reviewer, approver, today
):
    post_catalogue(client, bearer(secretary))
    adoption = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="QT-NCN-01", title="Nuôi con nuôi", kind="process",
        procedure_code="2.001263",
    )
    make_effective(session, files, adoption, secretary, reviewer, approver, today)
    update = (FIXTURES / "procedures.csv").read_text(encoding="utf-8").replace("2.001263,", "2.001264,")
    post_catalogue(client, bearer(secretary), "cap-nhat.csv", update.encode())

    [link] = client.get("/api/v1/organizations/XA-LOCBINH/coverage", headers=bearer(secretary)).get_json()[
        "abolished_links"
    ]
    assert (link["code"], link["abolished"]) == ("2.001263", True)
    assert link["name"] == "Đăng ký việc nuôi con nuôi trong nước"
    assert link["abolished_at"]


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/procedures/import"]) == {"post"}
    assert "multipart/form-data" in paths["/api/v1/procedures/import"]["post"]["requestBody"]["content"]
    assert {"200", "401", "403", "404", "422"} <= set(paths["/api/v1/procedures/import"]["post"]["responses"])
    assert set(paths["/api/v1/organizations/{code}/coverage"]) >= {"get"}
    assert set(paths["/api/v1/organizations/{code}/procedures"]) >= {"get"}
