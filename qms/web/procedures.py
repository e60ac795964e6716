"""The TTHC catalogue pages: the list of an organisation, importing it, and its coverage by ISO processes."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from qms.accounts import organizations, permissions
from qms.catalogue import coverage, listed, procedures
from qms.errors import DomainError
from qms.extensions import db
from qms.web import errors
from qms.web.forms.common import first_error
from qms.web.forms.procedures import OrganizationPickForm, ProcedureImportForm
from qms.web.lists import list_request

bp = Blueprint("procedures", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


def _pick_organization() -> tuple[OrganizationPickForm, str]:
    """The organisation of ?organization=CODE, else the user's own; the service says 404 when it is not theirs."""
    form = OrganizationPickForm(request.args)
    if permissions.sees_all_organizations(current_user):
        form.organization.choices = [SelectChoice("", _("Đơn vị của tôi"))] + [
            SelectChoice(organization.code, "\u2003" * depth + organization.name)
            for depth, organization in organizations.tree(db.session)
        ]
    return form, (request.args.get("organization") or "").strip() or current_user.organization.code


def _may_import(organization_id: int) -> bool:
    return current_user.organization_id == organization_id and current_user.has_role(*procedures.IMPORT_ROLES)


@bp.get("/procedures")
@login_required
def catalogue() -> ResponseReturnValue:
    form, code = _pick_organization()
    found = listed.catalogue_page(
        db.session,
        current_user,
        code,
        list_request(),
        field=request.args.get("field") or None,
        state=request.args.get("state") or "all",
    )
    counts = procedures.catalogue_counts(db.session, found.organization.id)
    return render_template(
        "procedures/index.html",
        form=form,
        organization=found.organization,
        found=found,
        current_count=counts[0],
        abolished_count=counts[1],
        sees_all=permissions.sees_all_organizations(current_user),
        may_import=_may_import(found.organization.id),
    )


def _import_page(form: ProcedureImportForm, **context: object) -> str:
    return render_template("procedures/import.html", form=form, organization=current_user.organization, **context)


@bp.route("/procedures/import", methods=["GET", "POST"])
@login_required
def import_catalogue() -> ResponseReturnValue:
    """The secretary's own organisation: the page shows the form, then the report of what the file changed."""
    form = ProcedureImportForm()
    if request.method == "GET":
        permissions.require_role(current_user, procedures.IMPORT_ROLES, current_user.organization_id)
        return _import_page(form)
    if not form.validate():
        return _import_page(form, error=first_error(form)), 422
    upload = form.file.data
    try:
        report = procedures.import_procedures(
            db.session, current_user, current_user.organization.code, upload.filename or "", upload.stream.read()
        )
    except DomainError as error:
        return _import_page(form, error=error.message), error.status
    return _import_page(ProcedureImportForm(formdata=None), report=report)


@bp.get("/procedures/coverage")
@login_required
def coverage_page() -> ResponseReturnValue:
    form, code = _pick_organization()
    found = coverage.coverage(db.session, current_user, code)
    return render_template(
        "procedures/coverage.html",
        form=form,
        coverage=found,
        sees_all=permissions.sees_all_organizations(current_user),
    )
