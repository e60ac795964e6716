"""E-mail addresses of accounts: validated, unique whatever their case, set by the administrator (pages, CLI), and
by each person with their notice preference (account page, API)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support.factories import PASSWORD, make_user
from support.pages import signed_in, text_of

from qms.accounts import users
from qms.errors import Conflict, Invalid
from qms.models import AuditEntry, NoticePreference, User


@pytest.mark.parametrize("address", ["a b@x.vn", "thuky", "thuky@", "@locbinh.gov.vn", "thuky@locbinh", "x@y..vn",
                                     "thuky@locbinh.gov.vn\r\nBcc: all@x.vn", "a" * 250 + "@x.vn"])
def test_a_malformed_address_is_refused(address):
    with pytest.raises(Invalid) as refused:
        users.clean_email(address)
    assert refused.value.code == "invalid_email"


def test_an_address_is_kept_trimmed_with_its_domain_in_lower_case():
    assert users.clean_email("  Thu.Ky+iso@LocBinh.Gov.VN ") == "Thu.Ky+iso@locbinh.gov.vn"
    assert users.clean_email("   ") is None


def test_one_address_one_account_whatever_its_case(session, secretary, reviewer):
    users.change_own_notices(session, secretary, email="thuky@locbinh.gov.vn", preference="each")
    with pytest.raises(Conflict) as taken:
        users.change_own_notices(session, reviewer, email="THUKY@locbinh.gov.vn", preference="each")
    assert taken.value.code == "duplicate_email"
    with pytest.raises(Conflict):
        users.create(session, None, username="moi", full_name="Mới", title="", organization_code="XA-LOCBINH",
                     roles=["staff"], password=PASSWORD, email="ThuKy@LocBinh.gov.vn")
    # Several accounts without one are fine.
    make_user(session, "khong1", "XA-LOCBINH", "staff")
    make_user(session, "khong2", "XA-LOCBINH", "staff")


def test_the_administrator_sets_an_address_on_the_user_pages(app, session, admin, agency):
    client = signed_in(app, admin)
    created = client.post("/admin/users/new", data={
        "username": "vanthu", "full_name": "Lê Văn Thư", "title": "Văn thư", "email": "vanthu@locbinh.gov.vn",
        "organization": "XA-LOCBINH", "roles": ["staff"], "password": "Mot-mat-khau-dai-2026!",
    })
    assert created.status_code == 302, text_of(created)[:500]
    user = users.by_username(session, "vanthu")
    assert user.email == "vanthu@locbinh.gov.vn"
    page = client.get(f"/admin/users/{user.id}")
    assert 'value="vanthu@locbinh.gov.vn"' in page.get_data(as_text=True)
    bad = client.post(f"/admin/users/{user.id}", data={"full_name": "Lê Văn Thư", "title": "", "roles": ["staff"],
                                                     "is_active": "y", "email": "khong-phai-thu"})
    assert bad.status_code == 422 and "Địa chỉ thư điện tử không hợp lệ" in text_of(bad)
    cleared = client.post(f"/admin/users/{user.id}", data={"full_name": "Lê Văn Thư", "title": "",
                                                         "roles": ["staff"], "is_active": "y", "email": ""})
    assert cleared.status_code == 302
    session.refresh(user)
    assert user.email is None
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user_update")).all()[-1]
    assert "vanthu@locbinh.gov.vn" not in entry.details and '"email_changed":true' in entry.details


def test_an_edit_that_does_not_name_the_address_keeps_it(session, admin, secretary):
    users.change_own_notices(session, secretary, email="thuky@locbinh.gov.vn", preference="daily")
    users.update(session, admin, secretary.id, full_name="Thư Ký", title="", roles=["secretary"], is_active=True)
    session.refresh(secretary)
    assert secretary.email == "thuky@locbinh.gov.vn"


def test_the_command_line_creates_a_user_with_an_address(app, session, runner, agency):
    result = runner.invoke(args=["qms", "create-user", "canbo2", "--org", "XA-LOCBINH", "--role", "staff",
                                 "--email", "CanBo2@LocBinh.gov.vn", "--password-stdin"],
                           input="Mot-mat-khau-dai-2026!\n")
    assert result.exit_code == 0, result.output
    assert users.by_username(session, "canbo2").email == "CanBo2@locbinh.gov.vn"
    bad = runner.invoke(args=["qms", "create-user", "canbo3", "--org", "XA-LOCBINH", "--role", "staff",
                              "--email", "canbo3", "--password-stdin"], input="Mot-mat-khau-dai-2026!\n")
    assert bad.exit_code != 0 and "thư điện tử không hợp lệ" in bad.output


def test_each_person_sets_their_address_and_preference_on_their_account_page(app, session, staff):
    client = signed_in(app, staff)
    page = client.get("/account")
    assert page.status_code == 200 and "Tổng hợp hằng ngày" in text_of(page)
    saved = client.post("/account", data={"email": "canbo@locbinh.gov.vn", "preference": "daily"},
                        follow_redirects=True)
    assert "Đã lưu cách nhận thông báo." in text_of(saved)
    session.refresh(staff)
    assert (staff.email, staff.notice_preference) == ("canbo@locbinh.gov.vn", NoticePreference.DAILY)
    wrong = client.post("/account", data={"email": "canbo@locbinh.gov.vn", "preference": "hourly"})
    assert wrong.status_code == 422
    assert signed_in(app, staff).get("/account").status_code == 200


def test_each_person_sets_their_own_through_the_api_inspectors_too(app, session, bearer, inspector):
    client = app.test_client()
    headers = bearer(inspector)
    changed = client.patch("/api/v1/me", json={"email": "doan@khcn.langson.gov.vn", "notice_preference": "off"},
                           headers=headers)
    assert changed.status_code == 200, changed.get_json()
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert (me["email"], me["notice_preference"], me["language"]) == ("doan@khcn.langson.gov.vn", "off", None)
    kept = client.patch("/api/v1/me", json={"notice_preference": "each"}, headers=headers).get_json()
    assert kept["email"] == "doan@khcn.langson.gov.vn"
    assert client.patch("/api/v1/me", json={"email": "x"}, headers=headers).status_code == 422
    assert client.patch("/api/v1/me", json={"notice_preference": "hourly"}, headers=headers).status_code == 422
    removed = client.patch("/api/v1/me", json={"email": None}, headers=headers).get_json()
    assert removed["email"] is None


def test_the_language_switch_is_kept_on_the_account_and_restored_at_sign_in(app, session, staff):
    client = signed_in(app, staff)
    client.post("/language", data={"language": "en", "next": "/"})
    assert session.scalar(select(User.language).where(User.id == staff.id)) == "en"
    again = signed_in(app, staff)  # another device
    assert 'lang="en"' in again.get("/documents").get_data(as_text=True)
