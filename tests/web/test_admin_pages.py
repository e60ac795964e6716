"""Administration pages: organisations and users."""

from __future__ import annotations

import re

from sqlalchemy import select
from support.factories import PASSWORD
from support.pages import signed_in, text_of

from qms.models import AuditEntry, Organization, Role, User


def test_admin_creates_an_organisation_under_a_parent_and_sees_it_indented(app, session, admin, agency):
    client = signed_in(app, admin)
    response = client.post(
        "/admin/organizations", data={"code": "PHUONG-TX", "name": "UBND phường Tam Thanh", "parent": "TINH-LS"}
    )
    assert response.status_code == 302
    created = session.scalar(select(Organization).where(Organization.code == "PHUONG-TX"))
    assert created.parent_id == agency["province"].id
    page = client.get("/admin/organizations")
    assert "Đã tạo đơn vị UBND phường Tam Thanh (PHUONG-TX)." in text_of(page)
    assert re.search(
        r'<li class="depth-1">\s*<a href="/admin/organizations/\d+" lang="vi">UBND phường Tam Thanh</a>',
        page.get_data(as_text=True),
    )


def test_a_duplicate_organisation_code_is_refused_with_the_input_kept(app, admin, agency):
    response = signed_in(app, admin).post(
        "/admin/organizations", data={"code": "XA-LOCBINH", "name": "Tên khác", "parent": ""}
    )
    assert response.status_code == 409
    assert "Mã đơn vị XA-LOCBINH đã tồn tại." in text_of(response)
    assert 'value="Tên khác"' in response.get_data(as_text=True)


def test_admin_renames_and_moves_an_organisation(app, session, admin, agency):
    client = signed_in(app, admin)
    commune = agency["commune"]
    form = client.get(f"/admin/organizations/{commune.id}").get_data(as_text=True)
    assert 'value="UBND xã Lộc Bình"' in form
    response = client.post(
        f"/admin/organizations/{commune.id}",
        data={"code": "XA-LOCBINH-MOI", "name": "UBND xã Lộc Bình (mới)", "parent": ""},
    )
    assert response.status_code == 302
    session.refresh(commune)
    assert (commune.code, commune.name, commune.parent_id) == ("XA-LOCBINH-MOI", "UBND xã Lộc Bình (mới)", None)


def test_admin_creates_a_user_who_can_then_sign_in(app, session, admin, agency):
    client = signed_in(app, admin)
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert '<input id="roles-0" name="roles" type="checkbox" value="secretary">' in form
    assert '<label for="roles-0">Thư ký ISO</label>' in form
    response = client.post(
        "/admin/users/new",
        data={
            "username": "thuky2",
            "full_name": "Trần Thị Hoa",
            "title": "Công chức Văn phòng",
            "organization": "XA-LOCBINH",
            "roles": ["secretary", "reviewer"],
            "password": "mat-khau-moi-1",
        },
    )
    assert response.status_code == 302
    listing = text_of(client.get("/admin/users"))
    assert "Đã tạo người dùng thuky2." in listing
    assert (
        "thuky2 Trần Thị Hoa Công chức Văn phòng UBND xã Lộc Bình Thư ký ISO, Người kiểm tra Đang hoạt động" in listing
    )
    newcomer = app.test_client()
    assert newcomer.post("/login", data={"username": "thuky2", "password": "mat-khau-moi-1"}).status_code == 302


def test_a_refused_user_creation_keeps_the_input(app, admin, agency):
    response = signed_in(app, admin).post(
        "/admin/users/new",
        data={
            "username": "ab",
            "full_name": "Lê Văn Bình",
            "title": "",
            "organization": "XA-LOCBINH",
            "roles": [],
            "password": "mat-khau-moi-1",
        },
    )
    assert response.status_code == 422
    assert "Người dùng cần ít nhất một vai trò." in text_of(response)
    html = response.get_data(as_text=True)
    assert 'value="Lê Văn Bình"' in html and '<option lang="vi" selected value="XA-LOCBINH">' in html


def test_admin_changes_roles_and_the_change_is_audited(app, session, admin, staff):
    client = signed_in(app, admin)
    form = client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert 'checked id="roles-3" name="roles" type="checkbox" value="staff"' in form
    response = client.post(
        f"/admin/users/{staff.id}",
        data={
            "full_name": staff.full_name,
            "title": staff.title,
            "roles": ["staff", "reviewer"],
            "is_active": "y",
            "password": "",
        },
    )
    assert response.status_code == 302
    session.refresh(staff)
    assert staff.roles == {Role.STAFF, Role.REVIEWER}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "role_change"))
    assert entry.actor_username == "quantri"
    assert "Nguyễn Văn Canbo Công chức Tư pháp - Hộ tịch UBND xã Lộc Bình Người kiểm tra, Cán bộ, công chức" in text_of(
        client.get("/admin/users")
    )


def test_admin_deactivates_a_user_and_sets_a_new_password(app, session, admin, staff):
    client = signed_in(app, admin)
    client.post(
        f"/admin/users/{staff.id}",
        data={"full_name": "Nguyễn Văn Canbo", "title": "Công chức", "roles": ["staff"], "password": "mat-khau-khac-2"},
    )
    session.refresh(staff)
    assert staff.is_active is False
    assert (
        app.test_client().post("/login", data={"username": "canbo", "password": "mat-khau-khac-2"}).status_code == 401
    )
    short = client.post(
        f"/admin/users/{staff.id}",
        data={"full_name": "X", "title": "", "roles": ["staff"], "is_active": "y", "password": "ngan"},
    )
    assert short.status_code == 422
    assert "Mật khẩu cần ít nhất 10 ký tự." in text_of(short)


def test_non_admins_are_refused_the_admin_pages(app, session, secretary, inspector):
    for user in (secretary, inspector):
        client = signed_in(app, user)
        assert "Người dùng" not in text_of(client.get("/")).split("Tài liệu", 1)[0]
        for url in ("/admin/organizations", "/admin/users", "/admin/users/new", f"/admin/users/{user.id}"):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "Chỉ quản trị hệ thống được thực hiện thao tác này." in text_of(response)
        refused = client.post(
            "/admin/users/new",
            data={
                "username": "lau",
                "full_name": "X",
                "title": "",
                "organization": "XA-LOCBINH",
                "roles": ["admin"],
                "password": PASSWORD,
            },
        )
        assert refused.status_code == 403
    assert session.scalar(select(User).where(User.username == "lau")) is None
