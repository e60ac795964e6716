"""Everyone changes their own password; an administrator's password is changed at first sign-in; weak passwords are
refused; an administrator keeps their own admin role and the last active administrator stays one."""

from __future__ import annotations

import pytest
from support.factories import PASSWORD, make_user
from support.pages import signed_in

from qms.accounts import users
from qms.errors import Conflict, Forbidden, Invalid
from qms.models import Role

NEW = "Hoa-dao-no-som-2026"


@pytest.mark.parametrize("weak", ["matkhau123", "12345678", "qwertyuiop", "canbo.moi", "xx-canbo.moi-yy", "ngắn"])
def test_weak_passwords_are_refused(session, agency, weak):
    with pytest.raises(Invalid) as refused:
        make_user_with(session, "canbo.moi", weak)
    assert refused.value.code == "weak_password"


def make_user_with(session, username, password):
    return users.create(session, None, username=username, full_name="Cán bộ mới", title="",
                        organization_code="XA-LOCBINH", roles=["staff"], password=password)


def test_an_inspector_changes_their_own_password_through_the_api(client, session, inspector, bearer):
    headers = bearer(inspector)
    wrong = client.post("/api/v1/me/password", json={"current_password": "sai", "new_password": NEW}, headers=headers)
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "wrong_password"
    weak = client.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "12345678"},
                       headers=headers)
    assert weak.status_code == 422 and weak.get_json()["error"]["code"] == "weak_password"
    done = client.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW},
                       headers=headers)
    assert done.status_code == 200, done.get_json()
    assert client.post("/login", data={"username": inspector.username, "password": NEW}).status_code == 302


def test_a_password_set_by_an_administrator_is_changed_at_first_sign_in(app, session, admin, agency):
    newcomer = users.create(session, admin, username="thuky.moi", full_name="Thư ký mới", title="",
                            organization_code="XA-LOCBINH", roles=["secretary"], password=PASSWORD)
    assert newcomer.must_change_password
    client = signed_in(app, newcomer)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    changed = client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW})
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    session.refresh(newcomer)
    assert not newcomer.must_change_password


def test_the_page_refuses_a_wrong_current_password(app, secretary):
    client = signed_in(app, secretary)
    assert client.get("/account/password").status_code == 200
    refused = client.post("/account/password", data={"current_password": "sai-roi-nhe", "new_password": NEW})
    assert refused.status_code == 422 and "Mật khẩu hiện tại không đúng" in refused.get_data(as_text=True)


def test_an_administrator_keeps_their_own_role_and_the_last_one_stays(session, admin, agency):
    with pytest.raises(Forbidden) as refused:
        users.update(session, admin, admin.id, full_name=admin.full_name, title="", roles=["staff"], is_active=True)
    assert refused.value.code == "own_admin_role"
    with pytest.raises(Conflict) as refused:
        users.update(session, admin, admin.id, full_name=admin.full_name, title="", roles=["admin"], is_active=False)
    assert refused.value.code == "last_admin"
    with pytest.raises(Conflict):
        users.update(session, None, admin.id, full_name=admin.full_name, title="", roles=["staff"], is_active=True)
    second = make_user(session, "quantri2", "XA-LOCBINH", "admin")
    users.update(session, second, admin.id, full_name=admin.full_name, title="", roles=["staff"], is_active=True)
    session.refresh(admin)
    assert Role.ADMIN not in admin.roles
