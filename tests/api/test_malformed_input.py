"""Control characters and unreadable JSON in API bodies, query strings and paths: a 400 in the API's error shape,
on both databases, and nothing written (qms/input_rule.py)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from support.factories import upload

from qms.documents import lifecycle
from qms.models import AuditEntry, Document, RevisionStatus

NEW_DOCUMENT = {"organization": "XA-LOCBINH", "code": "QT-HT-09", "title": "Quy trình mới", "kind": "process"}


def _refused(response, code: str = "control_character") -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]


def _post_raw(client, url: str, body: str | bytes, headers: dict) -> object:
    return client.post(url, data=body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("title", ["Quy\x00 trình", "Quy trình\x1b[31m", "Quy\x7f trình"])
def test_a_title_with_a_control_character_is_refused(client, session, bearer, secretary, title):
    response = client.post("/api/v1/documents", json={**NEW_DOCUMENT, "title": title}, headers=bearer(secretary))

    _refused(response)
    assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_key_with_a_control_character_is_refused(client, bearer, secretary):
    body = {**NEW_DOCUMENT, "ti\x00tle": "x"}
    _refused(client.post("/api/v1/documents", json=body, headers=bearer(secretary)))


def test_a_lone_surrogate_in_a_title_is_refused(client, session, bearer, secretary):
    # json.dumps escapes it as \ud800, exactly what a broken client sends; Python reads it back as a lone surrogate.
    body = json.dumps({**NEW_DOCUMENT, "title": "a\ud800b"})
    assert "\\ud800" in body

    _refused(_post_raw(client, "/api/v1/documents", body, bearer(secretary)))
    assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_lone_surrogate_or_a_nul_in_a_comment_is_refused_and_the_revision_stays(
    client, session, files, bearer, secretary, reviewer, document, today
):
    revision = upload(session, files, secretary, document)
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    url, headers = f"/api/v1/revisions/{revision.id}/actions", bearer(reviewer)
    entries = session.scalar(select(func.count()).select_from(AuditEntry))

    for comment in ("sai\ud800 chỗ này", "sai\x00 chỗ này"):
        body = json.dumps({"action": "return", "comment": comment})
        _refused(_post_raw(client, url, body, headers))

    session.refresh(revision)
    assert revision.status is RevisionStatus.IN_REVIEW
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    # A comment of several lines is text, not a control character.
    answer = client.post(url, json={"action": "return", "comment": "Dòng một\n\tdòng hai"}, headers=headers)
    assert answer.status_code == 200, answer.get_json()


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_body_nested_a_hundred_thousand_levels_deep_is_refused(client, session, bearer, secretary, opening):
    closing = "]" if opening == "[" else "}"
    body = opening * 100_000 + "1" + closing * 100_000

    _refused(_post_raw(client, "/api/v1/documents", body, bearer(secretary)), "json_too_deep")
    assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_body_deeper_than_any_request_needs_is_refused_before_it_is_read(client, bearer, secretary):
    body = {**NEW_DOCUMENT, "procedure_code": json.loads("[" * 40 + "]" * 40)}
    _refused(client.post("/api/v1/documents", json=body, headers=bearer(secretary)), "json_too_deep")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organizations/XA%00/procedures",
        "/api/v1/organizations/XA%0B/coverage",
        "/api/v1/organizations/XA%C2%85/legal-reviews",
        "/api/v1/organizations/XA%09/registers/internal.xlsx",
        "/api/v1/legal-documents/61%2F2018%2FN%C4%90-CP%0A",
    ],
)
def test_a_control_character_in_a_path_names_nothing(client, bearer, secretary, url):
    """Nothing is named with a control character (every code and number is checked on the way in): 404, as for any
    other name that does not exist, never a 500."""
    response = client.get(url, headers=bearer(secretary))
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/search?q=khai%00sinh",
        "/api/v1/documents?organization=XA%00",
        "/api/v1/search?q%00=khai",
    ],
)
def test_a_control_character_in_a_query_is_refused(client, bearer, secretary, url):
    _refused(client.get(url, headers=bearer(secretary)))
