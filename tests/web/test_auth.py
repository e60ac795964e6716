"""Signing in and out through the pages."""

from __future__ import annotations

from sqlalchemy import select
from support.factories import PASSWORD
from support.pages import login, text_of

from qms.accounts import users
from qms.models import AuditEntry


def test_login_page_is_in_vietnamese_with_labelled_fields(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert '<label for="username">Tên đăng nhập</label>' in html
    assert '<label for="password">Mật khẩu</label>' in html


def test_login_with_the_right_password_shows_the_user_in_the_navigation(client, secretary):
    response = client.post("/login", data={"username": "thuky", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = text_of(client.get("/"))
    assert "Nguyễn Văn Thuky" in page
    assert "Công chức Văn phòng - Thống kê" in page
    assert "UBND xã Lộc Bình" in page
    assert "Thư ký ISO" in page


def test_failed_login_shows_a_generic_message_and_is_audited(client, session, secretary):
    response = client.post("/login", data={"username": "thuky", "password": "sai-mat-khau"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text_of(response)
    assert 'value="thuky"' in response.get_data(as_text=True)  # the name typed is kept
    unknown = client.post("/login", data={"username": "khongco", "password": "x"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text_of(unknown)
    failures = session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    assert [entry.details for entry in failures] == [
        '{"remote_addr":"127.0.0.1","username":"thuky"}',
        '{"remote_addr":"127.0.0.1","username":"khongco"}',
    ]
    assert client.get("/").status_code == 302  # still signed out


def test_anonymous_visitor_is_sent_to_the_login_page_and_back(client, secretary, document):
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=%2Fdocuments%2F{document.id}"
    assert "Vui lòng đăng nhập để tiếp tục." in text_of(client.get(response.headers["Location"]))
    signed_in = client.post(
        "/login", data={"username": "thuky", "password": PASSWORD, "next": f"/documents/{document.id}"}
    )
    assert signed_in.headers["Location"] == f"/documents/{document.id}"


def test_next_pointing_to_another_site_is_ignored(client, secretary):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/login", data={"username": "thuky", "password": PASSWORD, "next": target})
        assert response.headers["Location"] == "/", target


def test_logout_ends_the_session(client, secretary):
    login(client, secretary)
    assert client.get("/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_deactivated_user_loses_the_session_at_once(client, session, secretary):
    login(client, secretary)
    users.update(
        session,
        None,
        secretary.id,
        full_name=secretary.full_name,
        title=secretary.title,
        roles=["secretary"],
        is_active=False,
    )
    assert client.get("/").status_code == 302
    refused = client.post("/login", data={"username": "thuky", "password": PASSWORD})
    assert refused.status_code == 401
