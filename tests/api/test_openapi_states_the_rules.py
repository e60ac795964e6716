"""The OpenAPI document says what the API does: the media types of the files it sends, the rules it enforces on
what it is sent (each one a pattern the API itself checks), and an over-long query answered by the application
as JSON, also behind gunicorn."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from support.factories import make_effective
from support.servers import running, server_env

from qms.api import rules
from qms.documents.lifecycle import DOCUMENT_CODE
from qms.files import filetypes
from qms.inspection import register_files
from qms.text.citations import NUMBER_PATTERN


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body(spec, path, method, media_type="application/json"):
    return spec["paths"][path][method]["requestBody"]["content"][media_type]


def _parameter(spec, path, method, name):
    return next(p for p in spec["paths"][path][method]["parameters"] if p["name"] == name)["schema"]


def test_files_are_documented_in_the_media_types_they_are_sent_in(spec):
    register = spec["paths"]["/api/v1/organizations/{code}/registers/{register}.{file_format}"]["get"]
    assert set(register["responses"]["200"]["content"]) == set(register_files.CONTENT_TYPES.values())
    dossier = spec["paths"]["/api/v1/organizations/{code}/dossier.zip"]["get"]
    assert set(dossier["responses"]["200"]["content"]) == {"application/zip"}
    assert "application/octet-stream" not in str(spec)


def test_the_rules_the_api_enforces_are_patterns_and_enums_of_the_schema(spec, today):
    upload = _body(spec, "/api/v1/documents/{document_id}/revisions", "post", "multipart/form-data")
    assert _resolve(spec, upload["schema"])["properties"]["change_summary"]["pattern"] == rules.NON_BLANK
    assert upload["encoding"]["file"]["contentType"] == ", ".join(filetypes.CONTENT_TYPES.values())

    legal = _resolve(spec, _body(spec, "/api/v1/legal-documents", "post")["schema"])
    assert legal["properties"]["number"]["pattern"] == NUMBER_PATTERN
    assert legal["properties"]["title"]["pattern"] == rules.NON_BLANK
    document = _resolve(spec, _body(spec, "/api/v1/documents", "post")["schema"])
    assert document["properties"]["title"]["pattern"] == rules.NON_BLANK
    assert document["properties"]["code"]["pattern"] == DOCUMENT_CODE.pattern

    as_of = _parameter(spec, "/api/v1/organizations/{code}/dossier.zip", "get", "as_of")["pattern"]
    assert re.search(as_of, today.isoformat()) and not re.search(as_of, (today + timedelta(days=1)).isoformat())
    statuses = _parameter(spec, "/api/v1/search", "get", "status")["pattern"]
    assert re.search(statuses, "draft,effective") and re.search(statuses, "all")
    assert not re.search(statuses, "bogus") and not re.search(statuses, "draft,bogus")

    actions = _body(spec, "/api/v1/revisions/{revision_id}/actions", "post")["schema"]["oneOf"]
    by_action = {tuple(_resolve(spec, each)["properties"]["action"]["enum"]): _resolve(spec, each) for each in actions}
    assert by_action[("approve",)]["required"] == ["action", "effective_from"]
    approve_from = by_action[("approve",)]["properties"]["effective_from"]["pattern"]
    yesterday = (today - timedelta(days=1)).isoformat()
    assert re.search(approve_from, today.isoformat()) and not re.search(approve_from, yesterday)
    for needs_a_comment in (("return",), ("withdraw",)):
        assert set(by_action[needs_a_comment]["required"]) == {"action", "comment"}
        assert by_action[needs_a_comment]["properties"]["comment"]["pattern"] == rules.NON_BLANK


def test_what_the_schema_refuses_the_api_refuses(client, bearer, session, files, secretary, reviewer, approver,
                                                 admin, inspector, document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    tomorrow = (today + timedelta(days=1)).isoformat()
    for path in (f"/api/v1/organizations/XA-LOCBINH/dossier.zip?as_of={tomorrow}",
                 f"/api/v1/organizations/XA-LOCBINH/registers/internal.xlsx?as_of={tomorrow}"):
        response = client.get(path, headers=bearer(inspector))
        error = response.get_json()["error"]
        assert (response.status_code, error["code"]) == (422, "as_of_future") and "as_of" in error["fields"], path
    response = client.get("/api/v1/search?status=draft,bogus", headers=bearer(secretary))
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "invalid_status")
    response = client.post("/api/v1/legal-documents", headers=bearer(admin),
                           json={"number": "61/2018", "title": "Một cửa"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "invalid_number")
    # The longest number the schema allows fits the audit log (it was a 500 on PostgreSQL past 74 characters).
    longest = "1/2020/TT-" + "A" * 64
    created = client.post("/api/v1/legal-documents", headers=bearer(admin), json={"number": longest, "title": "Dài"})
    assert created.status_code == 201, created.get_json()
    response = client.post("/api/v1/legal-documents", headers=bearer(admin),
                           json={"number": longest + "A", "title": "Dài"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "invalid_number")
    response = client.post("/api/v1/documents", headers=bearer(secretary),
                           json={"organization": "XA-LOCBINH", "code": "QT-09", "title": "   ", "kind": "process"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "title_required")
    response = client.post(f"/api/v1/revisions/{revision.id}/actions", headers=bearer(approver),
                           json={"action": "withdraw", "comment": " "})
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "reason_required")
    assert "comment" in response.get_json()["error"]["fields"]


def test_an_over_long_query_is_answered_by_the_application_as_json(client, bearer, secretary):
    response = client.get("/api/v1/search", query_string={"q": "x" * 8000}, headers=bearer(secretary))
    assert response.status_code == 414
    assert response.get_json()["error"]["code"] == "uri_too_long"
    # The longest query the search documents fits under the limit.
    longest = {"q": "\U0001d11e" * 200, "field": "\U0001d11e" * 200, "organization": "\U0001d11e" * 64,
               "procedure": "\U0001d11e" * 64, "status": "all"}
    assert client.get("/api/v1/search", query_string=longest, headers=bearer(secretary)).status_code != 414


def test_behind_gunicorn_an_over_long_query_still_gets_the_json_answer(app, tmp_path, bearer, secretary):
    headers = bearer(secretary)
    with running(server_env(app.config), tmp_path / "server.log", workers=1) as server:
        response = server.request("/api/v1/search?q=" + "x" * 7500, headers=headers)
    assert response.status == 414
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "uri_too_long"
