"""Sessions and API tokens end when they should: sign-out, password change, deactivation and reactivation end
every session (copies of the cookie included); tokens expire, are revoked from the command line or by their owner,
and do not come back with a reactivated account."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from support.factories import PASSWORD
from support.pages import login, signed_in, text_of

from qms import clock
from qms.accounts import users
from qms.models import ApiToken, AuditEntry


def _copy_of_session(app, client):
    """Another browser holding a copy of the client's session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    response = client.get("/tasks")
    return response.status_code == 200


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_copied_session_cookie_is_worthless_after_sign_out(app, secretary):
    client = signed_in(app, secretary)
    thief = _copy_of_session(app, client)
    assert _signed_in(thief)

    assert client.post("/logout").status_code == 302

    assert not _signed_in(thief)
    assert not _signed_in(client)
    login(client, secretary)  # signing in again starts a new session that works
    assert _signed_in(client)


def test_a_password_changed_by_the_administrator_ends_the_users_other_sessions(app, session, admin, secretary):
    elsewhere = signed_in(app, secretary)
    assert _signed_in(elsewhere)

    users.update(
        session, admin, secretary.id, full_name=secretary.full_name, title=secretary.title,
        roles=["secretary"], is_active=True, password="mat-khau-moi-123",
    )

    assert not _signed_in(elsewhere)
    response = elsewhere.post("/login", data={"username": "thuky", "password": "mat-khau-moi-123"})
    # Signed in again, and first sent to choose a password of their own (the administrator set this one).
    assert response.status_code == 302 and elsewhere.get("/tasks").headers["Location"].endswith("/account/password")
    assert elsewhere.get("/account/password").status_code == 200


def test_a_reactivated_user_must_sign_in_again_and_gets_no_old_token_back(app, client, session, admin, secretary):
    browser = signed_in(app, secretary)
    token = users.issue_token(session, None, secretary)
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200

    for active in (False, True):
        users.update(
            session, admin, secretary.id, full_name=secretary.full_name, title=secretary.title,
            roles=["secretary"], is_active=active,
        )

    assert not _signed_in(browser)
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert session.scalar(select(ApiToken.revoked_at)) is not None
    login(browser, secretary)
    assert _signed_in(browser)


def test_a_token_expires_and_last_use_is_kept_once_a_minute(app, client, session, secretary):
    token = users.issue_token(session, None, secretary, days=7)
    row = session.scalar(select(ApiToken))
    assert timedelta(days=7) - timedelta(minutes=1) < row.expires_at - clock.now() <= timedelta(days=7)
    assert row.last_used_at is None

    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200
    session.refresh(row)
    first_use = row.last_used_at
    assert first_use is not None and clock.now() - first_use < timedelta(minutes=1)
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200
    session.refresh(row)
    assert row.last_used_at == first_use  # no write per request

    # A week later (the expiry moved back rather than the clock forward):
    session.execute(update(ApiToken).values(expires_at=clock.now() - timedelta(seconds=1)))
    session.commit()
    response = client.get("/api/v1/me", headers=_bearer(token))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_the_command_line_issues_with_an_expiry_lists_and_revokes(app, client, runner, session, secretary):
    issued = runner.invoke(args=["qms", "token", "thuky", "--days", "3"])
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip()
    row = session.scalar(select(ApiToken))
    assert timedelta(days=2, hours=23) < row.expires_at - clock.now() <= timedelta(days=3)
    default = runner.invoke(args=["qms", "token", "thuky"])
    assert default.exit_code == 0
    newest = session.scalar(select(ApiToken).order_by(ApiToken.id.desc()))
    assert newest.expires_at - clock.now() > timedelta(days=app.config["TOKEN_DAYS"] - 1)

    revoked = runner.invoke(args=["qms", "token", "--revoke", str(row.id)])

    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer(default.output.strip())).status_code == 200
    listing = runner.invoke(args=["qms", "token", "thuky", "--list"])
    assert f"{row.id}\t" in listing.output and "đã thu hồi" in listing.output and "còn hiệu lực" in listing.output
    actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("token_%"))))
    assert actions == ["token_issue", "token_issue", "token_revoke"]
    missing = runner.invoke(args=["qms", "token", "--revoke", "999"])
    assert missing.exit_code == 1 and "Không tìm thấy mã truy cập" in missing.output
    endless = runner.invoke(args=["qms", "token", "thuky", "--days", "0"])
    assert endless.exit_code == 1 and "ít nhất 1 ngày" in endless.output


def test_a_user_lists_and_revokes_their_own_tokens_on_a_page(app, client, session, secretary, reviewer):
    mine = users.issue_token(session, None, secretary)
    theirs = users.issue_token(session, None, reviewer)
    my_id, their_id = (
        session.scalar(select(ApiToken.id).where(ApiToken.user_id == person.id)) for person in (secretary, reviewer)
    )
    browser = signed_in(app, secretary)

    page = browser.get("/account/tokens")
    assert page.status_code == 200
    assert "Còn hiệu lực" in text_of(page) and f"/account/tokens/{my_id}/revoke" in page.get_data(as_text=True)
    assert f"/account/tokens/{their_id}/revoke" not in page.get_data(as_text=True)

    assert browser.post(f"/account/tokens/{their_id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=_bearer(theirs)).status_code == 200
    answer = browser.post(f"/account/tokens/{my_id}/revoke", follow_redirects=True)
    assert answer.status_code == 200 and "Đã thu hồi mã truy cập số" in text_of(answer)
    assert client.get("/api/v1/me", headers=_bearer(mine)).status_code == 401
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "token_revoke")) == 1


def test_signing_in_with_the_right_password_still_works(client, secretary):
    response = client.post("/login", data={"username": "thuky", "password": PASSWORD})
    assert response.status_code == 302 and _signed_in(client)
