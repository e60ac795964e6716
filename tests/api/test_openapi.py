"""The OpenAPI document: served without a token, complete, and built from the schemas that validate."""

from __future__ import annotations

from typing import Any

import pytest

ENDPOINTS = {
    "/api/v1/me": {"get", "patch"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/unread": {"get"},
    "/api/v1/notifications/read": {"post"},
    "/api/v1/me/password": {"post"},
    "/api/v1/documents": {"get", "post"},
    "/api/v1/documents/{document_id}": {"get"},
    "/api/v1/documents/{document_id}/revisions": {"post"},
    "/api/v1/documents/{document_id}/history": {"get"},
    "/api/v1/revisions/{revision_id}": {"get"},
    "/api/v1/revisions/{revision_id}/actions": {"post"},
    "/api/v1/revisions/{revision_id}/file": {"get"},
    "/api/v1/audit/verify": {"get"},
    "/api/v1/search": {"get"},
    "/api/v1/search/facets": {"get"},
    "/api/v1/procedures/import": {"post"},
    "/api/v1/organizations/{code}/procedures": {"get"},
    "/api/v1/organizations/{code}/coverage": {"get"},
    "/api/v1/legal-documents": {"get", "post"},
    "/api/v1/legal-documents/{number}": {"get", "patch"},
    "/api/v1/revisions/{revision_id}/legal-basis": {"get", "put"},
    "/api/v1/organizations/{code}/legal-reviews": {"get"},
    "/api/v1/legal-reviews/{review_id}/resolve": {"post"},
    "/api/v1/legal-proposals": {"get", "post"},
    "/api/v1/legal-proposals/{proposal_id}/accept": {"post"},
    "/api/v1/legal-proposals/{proposal_id}/decline": {"post"},
    "/api/v1/overview": {"get"},
    "/api/v1/overview/rows": {"get"},
    "/api/v1/users": {"get"},
    "/api/v1/revisions/awaiting": {"get"},
    "/api/v1/documents/{document_id}/diff": {"get"},
    "/api/v1/organizations/{code}/registers/{register}.{file_format}": {"get"},
    "/api/v1/organizations/{code}/dossier.zip": {"get"},
    "/api/v1/organizations/restructure": {"post"},
    "/api/v1/organizations/restructure/scheduled": {"get"},
    "/api/v1/organizations/restructure/scheduled/{scheduled_id}/cancel": {"post"},
    "/api/v1/organizations/{code}/lineage": {"get"},
    "/api/v1/revisions/{revision_id}/findings": {"get"},
    "/api/v1/revisions/{revision_id}/findings/recheck": {"post"},
    "/api/v1/revisions/{revision_id}/rendition": {"get"},
    "/api/v1/organizations/{code}/publications": {"get", "post"},
    "/api/v1/organizations/{code}/internal-audits": {"get", "post"},
    "/api/v1/internal-audits/{audit_id}/findings": {"post"},
    "/api/v1/internal-audits/{audit_id}/report": {"post"},
    "/api/v1/audit-findings/{finding_id}/corrective-action": {"post"},
    "/api/v1/corrective-actions/{action_id}/verify": {"post"},
    "/api/v1/organizations/{code}/management-reviews": {"get", "post"},
    "/api/v1/organizations/{code}/objectives": {"get", "post"},
    "/api/v1/objectives/{objective_id}/approve": {"post"},
    "/api/v1/objectives/{objective_id}/results": {"post"},
    "/api/v1/organizations/{code}/effectiveness-confirmations": {"get", "post"},
    "/api/v1/records/{kind}/{record_id}/file": {"get"},
    "/api/v1/organizations/{code}/scorecard": {"get"},
    "/api/v1/organizations/{code}/reports/annual.docx": {"get"},
    "/api/v1/inspection-minutes.docx": {"get"},
    "/api/v1/documents/{document_id}/periodic-review": {"post"},
    "/api/v1/documents/{document_id}/periodic-reviews": {"get"},
    "/api/v1/organizations/{code}/review-intervals": {"get", "put"},
    "/api/v1/revisions/{revision_id}/acknowledge": {"post"},
    "/api/v1/revisions/{revision_id}/acknowledgements": {"get"},
    "/api/v1/documents/{document_id}/readers": {"put"},
}


@pytest.fixture
def spec(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        section, kind, name = node["$ref"].removeprefix("#/").split("/")
        node = spec[section][kind][name]
    return node


def refs(node: Any) -> list[str]:
    """Every $ref anywhere in the document."""
    found = []
    if isinstance(node, dict):
        if "$ref" in node:
            found.append(node["$ref"])
        for value in node.values():
            found += refs(value)
    elif isinstance(node, list):
        for item in node:
            found += refs(item)
    return found


def test_the_document_is_openapi_3_with_every_endpoint(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"] == "v1"
    assert {path: set(operations) - {"parameters"} for path, operations in spec["paths"].items()} == ENDPOINTS
    for operations in spec["paths"].values():
        for method, operation in operations.items():
            if method != "parameters":
                assert any(code.startswith("2") for code in operation["responses"]), operation


def test_every_reference_resolves(spec):
    found = refs(spec)
    assert found
    for ref in found:
        assert ref.startswith("#/components/")
        resolve(spec, {"$ref": ref})  # raises KeyError when dangling


def test_every_operation_needs_the_bearer_token_and_documents_401(spec):
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert spec["security"] == [{"bearerAuth": []}]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method != "parameters":
                assert operation.get("security", spec["security"]) == [{"bearerAuth": []}], (path, method)
                assert "401" in operation["responses"], (path, method)


def test_error_responses_have_the_error_shape(spec):
    not_found = resolve(spec, spec["paths"]["/api/v1/documents/{document_id}"]["get"]["responses"]["404"])
    error = resolve(spec, not_found["content"]["application/json"]["schema"])
    body = resolve(spec, error["properties"]["error"])
    assert error["required"] == ["error"]
    assert set(body["properties"]) == {"code", "message", "fields"} and set(body["required"]) == {"code", "message"}
    create = spec["paths"]["/api/v1/documents"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(create)


def test_request_bodies_are_the_validating_schemas(spec):
    create = spec["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    create = resolve(spec, create)
    assert set(create["required"]) == {"organization", "code", "title", "kind"}
    assert "procedure_code" in create["properties"] and "process" in create["properties"]["kind"]["enum"]

    upload = spec["paths"]["/api/v1/documents/{document_id}/revisions"]["post"]["requestBody"]["content"]
    upload = resolve(spec, upload["multipart/form-data"]["schema"])
    assert (upload["properties"]["file"]["type"], upload["properties"]["file"]["format"]) == ("string", "binary")
    assert set(upload["required"]) == {"file", "change_summary"}

    action = spec["paths"]["/api/v1/revisions/{revision_id}/actions"]["post"]["requestBody"]["content"][
        "application/json"
    ]
    bodies = [resolve(spec, body) for body in action["schema"]["oneOf"]]
    assert [a for body in bodies for a in body["properties"]["action"]["enum"]] == [
        "submit", "pass", "return", "discard", "withdraw", "approve"]
    assert all(body["properties"]["effective_from"]["format"] == "date" for body in bodies)


def test_responses_describe_dates_and_nullable_signatures(spec):
    revision = spec["components"]["schemas"]["Revision"]["properties"]
    assert revision["approved_at"] == {"type": "string", "format": "date-time", "nullable": True}
    assert revision["effective_from"]["format"] == "date"
    document = spec["components"]["schemas"]["Document"]["properties"]
    assert {"current_revision", "revisions", "organization", "withdrawn_at"} <= set(document)
