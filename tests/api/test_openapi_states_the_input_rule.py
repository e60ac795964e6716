"""Every string a client may send is documented under the input rule (``qms.input_rule``): a pattern that refuses
the control characters the API refuses with 400, so that whatever the schema admits the API accepts; and the
refusals no schema can state are listed under the 422 response."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from qms.api import rules

#: Refused in every value: C0 controls but tab, line feed and carriage return; DEL; C1 controls.
REFUSED_IN_TEXT = ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]
#: Refused in a path segment besides: tab, line feed, carriage return.
REFUSED_IN_PATHS = [*REFUSED_IN_TEXT, "\t", "\n", "\r"]


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _strings(spec, schema, where: str) -> Iterator[tuple[str, dict]]:
    """Every string schema reachable from ``schema`` (properties, items, combinations), with where it was found."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") == "string" and "enum" not in schema and schema.get("format") not in ("date", "binary"):
        yield where, schema
    for name, member in schema.get("properties", {}).items():
        yield from _strings(spec, member, f"{where}.{name}")
    if "items" in schema:
        yield from _strings(spec, schema["items"], f"{where}[]")
    for combined in ("oneOf", "anyOf", "allOf"):
        for member in schema.get(combined, []):
            yield from _strings(spec, member, where)


def _sent(spec) -> Iterator[tuple[str, str, dict]]:
    """(operation and field, location, schema) of every string parameter and body field of every operation."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                if parameter["in"] == "header":  # HTTP itself keeps controls out of header values
                    continue
                for where, schema in _strings(spec, parameter["schema"], f"{method} {path} {parameter['name']}"):
                    yield where, parameter["in"], schema
            for content in operation.get("requestBody", {}).get("content", {}).values():
                for where, schema in _strings(spec, content["schema"], f"{method} {path} body"):
                    yield where, "body", schema


def test_every_string_a_client_sends_states_the_input_rule(spec):
    sent = list(_sent(spec))
    assert len(sent) > 50  # the walk reaches the parameters and bodies
    for where, location, schema in sent:
        assert "pattern" in schema, where
        refused = REFUSED_IN_PATHS if location == "path" else REFUSED_IN_TEXT
        pattern = rules.as_searched(schema["pattern"])  # as a JSON Schema client reads it
        admitted = [c for c in refused if pattern.search(f"1/2020/QH{c}") or pattern.search(c)]
        assert not admitted, f"{where} admits {admitted!r}"


def test_the_input_rule_patterns_admit_ordinary_text(spec):
    text = "Quy trình cấp bản sao\ttrích lục hộ tịch\r\n(có xác minh) — 😀"
    assert re.search(rules.TEXT, text) and re.search(rules.NON_BLANK, text)
    assert re.search(rules.SEGMENT, "XA-LOCBINH") and re.search(rules.SEGMENT, "61/2018/NĐ-CP")
    assert re.search(f"^{rules.BLANK}$", " \t\u00a0\r\n") and not re.search(f"^{rules.BLANK}$", "\x0b")
    assert rules.as_searched(rules.SEGMENT).search("XA") and not rules.as_searched(rules.SEGMENT).search("XA\n")


def test_the_refusals_no_schema_can_state_are_listed_under_422(spec):
    described = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["description"]
    for code in ("wrong_password", "weak_password", "empty_proposal", "title_required"):
        assert f"`{code}`" in described


def test_a_schema_valid_body_with_a_tab_and_a_line_break_is_accepted(client, bearer, secretary):
    """What the pattern admits the input rule admits too: a multi-line title reaches the service."""
    response = client.post("/api/v1/documents", headers=bearer(secretary), json={
        "organization": "XA-LOCBINH", "code": "QT-77", "title": "Quy trình\tmột cửa\r\nliên thông", "kind": "process",
    })
    assert response.status_code == 201, response.get_json()
    refused = client.post("/api/v1/documents", headers=bearer(secretary), json={
        "organization": "XA-LOCBINH", "code": "QT-78", "title": "Quy trình\x0bmột cửa", "kind": "process",
    })
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (400, "control_character")
