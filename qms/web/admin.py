"""Administration pages: the organisation tree and the users with their roles."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from qms import clock
from qms.accounts import organizations, permissions, restructure, restructure_schedule, users
from qms.errors import DomainError
from qms.extensions import db
from qms.models import Organization, Role, User
from qms.web import errors
from qms.web.filters import format_date
from qms.web.forms.accounts import OrganizationForm, RestructureForm, UserCreateForm, UserEditForm, UserFilterForm
from qms.web.forms.common import first_error
from qms.web.lists import list_request

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.register_error_handler(DomainError, errors.domain_error_page)


def _options(tree: list[tuple[int, Organization]], *, by_code: bool) -> list[SelectChoice]:
    """Select options that show the tree by indenting children under their parent."""
    return [
        SelectChoice(
            organization.code if by_code else str(organization.id),
            "\u2003" * depth + f"{organization.name} ({organization.code})",
            render_kw={"lang": "vi"},
        )
        for depth, organization in tree
    ]


# --- organisations -------------------------------------------------------------------------------


@bp.route("/organizations", methods=["GET", "POST"])
@login_required
def organization_list() -> ResponseReturnValue:
    permissions.require_admin(current_user)
    tree = organizations.tree(db.session)
    form = OrganizationForm()
    form.parent.choices = [SelectChoice("", _("— Không có (đơn vị cấp cao nhất) —")), *_options(tree, by_code=True)]
    if request.method == "GET":
        return render_template("admin/organizations.html", form=form, tree=tree)
    if not form.validate():
        return render_template("admin/organizations.html", form=form, tree=tree, error=first_error(form)), 422
    try:
        organization = organizations.create(
            db.session, current_user, form.code.data or "", form.name.data or "", form.parent.data or None
        )
    except DomainError as error:
        return render_template("admin/organizations.html", form=form, tree=tree, error=error.message), error.status
    flash(_("Đã tạo đơn vị %(name)s (%(code)s).", name=organization.name, code=organization.code), "success")
    return redirect(url_for(".organization_list"))


@bp.route("/organizations/<int:organization_id>", methods=["GET", "POST"])
@login_required
def organization_edit(organization_id: int) -> ResponseReturnValue:
    permissions.require_admin(current_user)
    tree = organizations.tree(db.session)
    organization = next((o for _depth, o in tree if o.id == organization_id), None)
    if organization is None:
        abort(404)
    if request.method == "GET":
        form = OrganizationForm(
            data={"code": organization.code, "name": organization.name, "parent": str(organization.parent_id or "")}
        )
    else:
        form = OrganizationForm()
    others = [(depth, o) for depth, o in tree if o.id != organization.id]
    form.parent.choices = [SelectChoice("", _("— Không có (đơn vị cấp cao nhất) —")), *_options(others, by_code=False)]
    page = {"form": form, "organization": organization}
    if request.method == "GET":
        return render_template("admin/organization_edit.html", **page)
    if not form.validate():
        return render_template("admin/organization_edit.html", error=first_error(form), **page), 422
    try:
        organizations.update(
            db.session,
            current_user,
            organization.id,
            code=form.code.data or "",
            name=form.name.data or "",
            parent_id=int(form.parent.data) if form.parent.data else None,
        )
    except DomainError as error:
        return render_template("admin/organization_edit.html", error=error.message, **page), error.status
    flash(_("Đã lưu đơn vị %(data)s (%(data2)s).", data=form.name.data, data2=form.code.data), "success")
    return redirect(url_for(".organization_list"))


@bp.route("/organizations/restructure", methods=["GET", "POST"])
@login_required
def organization_restructure() -> ResponseReturnValue:
    """Merge, split or move: the preview first, then the confirm button carries out what the preview showed."""
    permissions.require_admin(current_user)
    form = RestructureForm()
    if request.method == "GET":
        return render_template("admin/restructure.html", form=form, scheduled=_scheduled())
    if not form.validate():
        return render_template("admin/restructure.html", form=form, error=first_error(form),
                               scheduled=_scheduled()), 422
    assert form.effective_on.data is not None  # DataRequired
    arguments = {
        "kind": form.kind.data or "",
        "sources": [code.strip() for code in (form.sources.data or "").split(",") if code.strip()],
        "targets": [
            dict(zip(("code", "name", "parent"), (part.strip() for part in line.split("|")), strict=False))
            for line in (form.targets.data or "").splitlines() if line.strip()
        ],
        "effective_on": form.effective_on.data,
        "resolutions": {
            name: _pairs(getattr(form, name).data)
            for name in ("codes", "procedures", "documents", "users", "records")
        },
    }
    try:
        if form.confirm.data:
            submitted = restructure_schedule.submit(db.session, current_user, **arguments, today=clock.today())
            plan = submitted.plan
        else:
            plan = restructure.preview(db.session, current_user, **arguments)
    except DomainError as error:
        return render_template("admin/restructure.html", form=form, error=error.message,
                               scheduled=_scheduled()), error.status
    if form.confirm.data and submitted.scheduled is not None:
        flash(_("Đã hẹn sắp xếp đơn vị vào ngày %(day)s: thực hiện tự động khi đến ngày.",
                day=format_date(submitted.scheduled.effective_on)), "success")
        return redirect(url_for(".organization_restructure"))
    if form.confirm.data:
        flash(_("Đã sắp xếp đơn vị: %(count)s tài liệu và %(records)s hồ sơ HTQLCL được chuyển.",
                count=len(plan.moves), records=len(plan.records)), "success")
        return redirect(url_for(".organization_list"))
    return render_template("admin/restructure.html", form=form, plan=plan.as_dict(), scheduled=_scheduled())


def _scheduled() -> list[Any]:
    return restructure_schedule.scheduled(db.session, current_user)


@bp.post("/organizations/restructure/scheduled/<int:scheduled_id>/cancel")
@login_required
def cancel_scheduled_restructure(scheduled_id: int) -> ResponseReturnValue:
    """An administrator cancels a restructure whose day has not come."""
    row = restructure_schedule.cancel(db.session, current_user, scheduled_id)
    flash(_("Đã huỷ sắp xếp hẹn ngày %(day)s.", day=format_date(row.effective_on)), "success")
    return redirect(url_for(".organization_restructure"))


def _pairs(text: str | None) -> dict[str, str]:
    """Lines of ``key = value``; a line without ``=`` is left out."""
    pairs = {}
    for line in (text or "").splitlines():
        key, sign, value = line.partition("=")
        if sign and key.strip() and value.strip():
            pairs[key.strip()] = value.strip()
    return pairs


# --- users ---------------------------------------------------------------------------------------


@bp.get("/users")
@login_required
def user_list() -> ResponseReturnValue:
    permissions.require_admin(current_user)
    form = UserFilterForm(request.args)
    form.organization.choices = [SelectChoice("", _("Tất cả đơn vị")), *_options(organizations.tree(db.session),
                                                                                  by_code=False)]
    if not form.validate():
        return render_template("admin/users.html", form=form, page=None, error=first_error(form)), 422
    found = users.users_page(
        db.session,
        current_user,
        list_request(),
        organization_id=int(form.organization.data) if form.organization.data else None,
        role=Role(form.role.data) if form.role.data else None,
        active={"yes": True, "no": False}.get(form.active.data or ""),
    )
    return render_template("admin/users.html", form=form, page=found)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def user_new() -> ResponseReturnValue:
    permissions.require_admin(current_user)
    form = UserCreateForm()
    tree = organizations.tree(db.session)
    form.organization.choices = [SelectChoice("", _("— Chọn đơn vị —")), *_options(tree, by_code=True)]
    if request.method == "GET":
        return render_template("admin/user_new.html", form=form)
    if not form.validate():
        return render_template("admin/user_new.html", form=form, error=first_error(form)), 422
    try:
        user = users.create(
            db.session,
            current_user,
            username=form.username.data or "",
            full_name=form.full_name.data or "",
            title=form.title.data or "",
            organization_code=form.organization.data or "",
            roles=form.roles.data or [],
            password=form.password.data or "",
            email=form.email.data or None,
        )
    except DomainError as error:
        return render_template("admin/user_new.html", form=form, error=error.message), error.status
    flash(_("Đã tạo người dùng %(username)s.", username=user.username), "success")
    return redirect(url_for(".user_list"))


def _find_user(user_id: int) -> User:
    found = next((u for u in users.list_users(db.session, current_user) if u.id == user_id), None)
    if found is None:
        abort(404)
    return found


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int) -> ResponseReturnValue:
    user = _find_user(user_id)
    if request.method == "GET":
        form = UserEditForm(
            data={
                "full_name": user.full_name,
                "title": user.title,
                "email": user.email or "",
                "roles": sorted(role.value for role in user.roles),
                "is_active": user.is_active,
            }
        )
        return render_template("admin/user_edit.html", form=form, user=user)
    form = UserEditForm()
    if not form.validate():
        return render_template("admin/user_edit.html", form=form, user=user, error=first_error(form)), 422
    try:
        users.update(
            db.session,
            current_user,
            user.id,
            full_name=form.full_name.data or "",
            title=form.title.data or "",
            roles=form.roles.data or [],
            is_active=bool(form.is_active.data),
            password=form.password.data or None,
            email=form.email.data or None,
        )
    except DomainError as error:
        return render_template("admin/user_edit.html", form=form, user=user, error=error.message), error.status
    flash(_("Đã lưu thay đổi của người dùng %(username)s.", username=user.username), "success")
    return redirect(url_for(".user_list"))
