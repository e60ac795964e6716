"""Nothing a signed-in person is shown is kept by a browser's or a proxy's cache; static files are."""

from __future__ import annotations

import pytest
from support.factories import make_effective
from support.pages import login


@pytest.fixture
def effective(session, files, secretary, reviewer, approver, document, today):
    return make_effective(session, files, document, secretary, reviewer, approver, today)


def not_stored(response) -> bool:
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_pages_and_downloads_for_a_signed_in_user_are_not_stored(client, secretary, document, effective):
    login(client, secretary)
    for url in (
        "/", f"/documents/{document.id}", f"/revisions/{effective.id}/download", f"/revisions/{effective.id}/read",
        f"/revisions/{effective.id}/print", "/search?q=quy", "/organizations/XA-LOCBINH/registers/internal.xlsx",
        "/no-such-page",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert not_stored(response), (url, response.headers.get("Cache-Control"))


def test_api_answers_and_files_are_not_stored(client, bearer, secretary, effective):
    headers = bearer(secretary)
    for url in ("/api/v1/search?q=quy", "/api/v1/search/facets?q=quy", "/api/v1/notifications",
                "/api/v1/notifications/unread", f"/api/v1/revisions/{effective.id}/file",
                f"/api/v1/revisions/{effective.id}"):
        response = client.get(url, headers=headers)
        assert not_stored(response), (url, response.status_code, response.headers.get("Cache-Control"))


def test_static_files_stay_cacheable(client, secretary):
    login(client, secretary)
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
