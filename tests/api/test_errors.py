"""Errors of the API: one JSON shape with the right status, and the HTML pages' errors left alone."""

from __future__ import annotations

import pytest
from support.factories import upload
from werkzeug.exceptions import HTTPException

from qms import create_app, web
from qms.accounts import users


def error_of(response) -> dict:
    assert response.is_json, response.get_data(as_text=True)[:300]
    return response.get_json()["error"]


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer qms_not-a-real-token", "Basic dGh1a3k6bWF0LWtoYXU=", "qms_token-without-scheme"],
)
def test_without_a_valid_token_the_answer_is_401(client, secretary, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    error = error_of(response)
    assert error["code"] == "unauthorized" and error["message"]


def test_a_deactivated_users_token_stops_working(client, session, bearer, secretary):
    headers = bearer(secretary)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    users.update(
        session,
        None,
        secretary.id,
        full_name=secretary.full_name,
        title=secretary.title,
        roles=["secretary"],
        is_active=False,
    )
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_signed_in_session_cookie_is_not_a_way_in(client, secretary):
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"] = str(secretary.id)  # what Flask-Login keeps for a signed-in user
        cookie_session["_fresh"] = True
    assert client.get("/api/v1/me").status_code == 401


def test_api_writes_need_no_csrf_token(app, client, bearer, secretary):
    app.config["WTF_CSRF_ENABLED"] = True
    body = {"organization": "XA-LOCBINH", "code": "QT-01", "title": "Kiểm soát tài liệu", "kind": "system_procedure"}
    response = client.post("/api/v1/documents", json=body, headers=bearer(secretary))
    assert response.status_code == 201, response.get_data(as_text=True)[:300]


def test_request_validation_is_422_with_the_messages_of_each_field(client, bearer, session, files, secretary, document):
    response = client.post("/api/v1/documents", json={"kind": "novel", "extra": 1}, headers=bearer(secretary))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid" and error["message"]
    assert set(error["fields"]) == {"organization", "code", "title", "kind", "extra"}
    assert all(isinstance(messages, list) and messages for messages in error["fields"].values())

    revision = upload(session, files, secretary, document)
    response = client.post(
        f"/api/v1/revisions/{revision.id}/actions",
        json={"action": "publish", "effective_from": "01/07/2025"},
        headers=bearer(secretary),
    )
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"action", "effective_from"}


def test_a_body_that_is_not_json_is_a_json_error(client, bearer, secretary):
    response = client.post(
        "/api/v1/documents", data="{not json", content_type="application/json", headers=bearer(secretary)
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_unknown_routes_and_methods_under_the_api_are_json(client, bearer, secretary):
    missing = client.get("/api/v1/no-such-thing", headers=bearer(secretary))
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong_method = client.delete("/api/v1/documents", headers=bearer(secretary))
    assert wrong_method.status_code == 405 and error_of(wrong_method)["code"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"] and "POST" in wrong_method.headers["Allow"]


def test_a_page_that_does_not_exist_stays_an_html_page(client):
    response = client.get("/nonexistent-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html" and not response.is_json


def test_error_pages_registered_before_the_api_keep_serving_the_pages(app, monkeypatch):
    def pages(app):
        app.register_error_handler(404, lambda error: ("<h1>Không tìm thấy trang</h1>", 404))
        app.register_error_handler(HTTPException, lambda error: (f"<h1>Lỗi {error.code}</h1>", error.code))

    monkeypatch.setattr(web, "init_app", pages)
    other = create_app(
        {key: app.config[key] for key in ("TESTING", "DATABASE_URL", "STORAGE_DIR", "FILES_DIR", "SECRET_KEY")}
    )
    try:
        client = other.test_client()
        assert client.get("/nonexistent-page").get_data(as_text=True) == "<h1>Không tìm thấy trang</h1>"
        assert client.post("/static/x.css").get_data(as_text=True) == "<h1>Lỗi 405</h1>"
        assert error_of(client.get("/api/v1/no-such-thing"))["code"] == "not_found"
        assert error_of(client.delete("/api/v1/me"))["code"] == "method_not_allowed"
    finally:
        other.extensions["qms.engine"].dispose()


def test_messages_about_items_of_a_list_are_keyed_by_their_path(client, bearer, session, files, secretary, document):
    revision = upload(session, files, secretary, document)
    response = client.put(
        f"/api/v1/revisions/{revision.id}/legal-basis", json={"numbers": ["61/2018/NĐ-CP", "0" * 101]},
        headers=bearer(secretary),
    )
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert list(fields) == ["numbers.1"]
    assert all(isinstance(message, str) for message in fields["numbers.1"])
