"""The registrar role («Người quản lý danh mục văn bản») is granted like any other: admin pages and the CLI."""

from __future__ import annotations

from sqlalchemy import select
from support.pages import signed_in, text_of

from qms.models import Role, User


def test_the_cli_creates_a_registrar(runner, session, agency):
    result = runner.invoke(
        args=["qms", "create-user", "sotuphap", "--org", "TINH-LS", "--role", "registrar", "--name", "Lê Thị Mai",
              "--password-stdin"],
        input="mat-khau-thu-nghiem\n",
    )
    assert result.exit_code == 0, result.output
    assert "registrar" in result.output
    user = session.scalar(select(User).where(User.username == "sotuphap"))
    assert user.roles == {Role.REGISTRAR}


def test_an_administrator_grants_the_role_and_the_registrar_edits_the_register(app, session, admin, staff):
    client = signed_in(app, admin)
    form = client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert 'value="registrar"' in form and "Người quản lý danh mục văn bản" in form
    changed = client.post(
        f"/admin/users/{staff.id}",
        data={"full_name": staff.full_name, "title": staff.title, "roles": ["staff", "registrar"], "is_active": "y",
              "password": ""},
    )
    assert changed.status_code == 302
    session.refresh(staff)
    assert staff.roles == {Role.STAFF, Role.REGISTRAR}

    as_registrar = signed_in(app, staff)
    assert "Thêm văn bản" in text_of(as_registrar.get("/legal-documents"))
    created = as_registrar.post("/legal-documents/new", data={"number": "1/2026/NĐ-CP", "title": "Một"})
    assert created.status_code == 302
