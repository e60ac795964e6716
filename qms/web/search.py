"""The search page: what the civil servant at the counter types, the current procedure first."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from qms.accounts import organizations, permissions
from qms.errors import DomainError
from qms.extensions import db
from qms.search import search_index
from qms.search.query import CATEGORY_LABELS, SearchParams, search
from qms.search.record_entries import RECORD_KIND_LABELS
from qms.web import errors
from qms.web.forms.search import SearchForm
from qms.web.language import Translated

bp = Blueprint("search", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)

PER_PAGE = 20


@bp.get("/search")
@login_required
def index() -> ResponseReturnValue:
    form = SearchForm(request.args)
    sees_all = permissions.sees_all_organizations(current_user)
    tree = organizations.tree(db.session)
    if sees_all:
        form.organization.choices = [SelectChoice("", _("Tất cả đơn vị"))] + [
            SelectChoice(str(o.id), "\u2003" * depth + o.name, render_kw={"lang": "vi"}) for depth, o in tree
        ]
    context = {
        "form": form,
        "sees_all": sees_all,
        "sees_history": permissions.sees_non_current(current_user),
        "organization_names": {o.code: o.name for _depth, o in tree},
        "organization_ids": {o.code: o.id for _depth, o in tree},
        "results": None,
        "RECORD_KIND_LABELS": Translated(RECORD_KIND_LABELS),
        "CATEGORY_LABELS": Translated(CATEGORY_LABELS),
    }
    if not request.args:
        return render_template("search/index.html", **context)
    if not form.validate():
        return render_template("search/index.html", **context), 422
    status = form.status.data
    params = SearchParams(
        q=form.q.data or "",
        organization_id=int(form.organization.data) if sees_all and form.organization.data else None,
        kind=form.kind.data or None,
        category=form.category.data or None,
        statuses=[status] if status else None,
        procedure=(form.procedure.data or "").strip() or None,
        effective_from=form.effective_from.data,
        effective_to=form.effective_to.data,
        as_of=form.as_of.data if sees_all else None,
        sort=form.sort.data,
        page=form.page.data or 1,
        per_page=PER_PAGE,
    )
    context["results"] = search(db.session, search_index(current_app), current_user, params)
    return render_template("search/index.html", **context)
