"""“Tổng quan tỉnh”: the inspectors' overview of every organisation, sortable, filterable, exportable as .xlsx."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template, request, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms import clock
from qms.audit import anchors
from qms.errors import DomainError, Invalid
from qms.extensions import db
from qms.inspection import overview, overview_file, register_files
from qms.listing import ListRequest
from qms.web import charts, errors
from qms.web.language import Translated
from qms.web.lists import list_request

bp = Blueprint("inspect", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


def _today() -> date:
    return clock.today()


def _as_of() -> date | None:
    """?as_of=YYYY-MM-DD (the date input's format); None for today."""
    raw = (request.args.get("as_of") or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid("Ngày không hợp lệ, cần dạng YYYY-MM-DD.", code="invalid_date") from None


def _overview(today: date) -> overview.Overview:
    sort = request.args.get("sort") or "name"
    return overview.overview(
        db.session,
        current_user,
        today=today,
        parent_code=(request.args.get("parent") or "").strip() or None,
        sort=sort,
        descending=request.args.get("order") == "desc",
        anchor_file=anchors.anchor_file(current_app),
        as_of=_as_of(),
    )


def sort_link(found: overview.Overview, key: str) -> dict[str, Any]:
    """Query arguments of a column heading: the same filter and day, this column, the other direction when sorted."""
    order = "desc" if found.sort == key and not found.descending else "asc"
    day = {"as_of": found.as_of.isoformat()} if found.as_of and request.args.get("as_of") else {}
    kept = {name: request.args[name] for name in ("q", "page_size") if request.args.get(name)}
    return {**({"parent": found.parent.code} if found.parent else {}), **day, **kept, "sort": key, "order": order}


@bp.get("/inspect")
@login_required
def index() -> ResponseReturnValue:
    today = _today()
    sort = request.args.get("sort") or "name"
    paged = list_request()
    found, page = overview.overview_page(
        db.session,
        current_user,
        ListRequest(paged.page, paged.page_size, f"-{sort}" if request.args.get("order") == "desc" else sort, paged.q),
        today=today,
        parent_code=(request.args.get("parent") or "").strip() or None,
        anchor_file=anchors.anchor_file(current_app),
        as_of=_as_of(),
    )
    return render_template(
        "inspect/index.html", overview=found, page=page, today=today, sort_link=sort_link,
        SORTS=Translated(overview.SORTS), chart=charts.province_coverage(found.rows),
    )


@bp.get("/inspect/overview.xlsx")
@login_required
def export() -> ResponseReturnValue:
    today = _today()
    content = overview_file.workbook(_overview(today), made_on=today)
    return send_file(
        io.BytesIO(content),
        mimetype=register_files.CONTENT_TYPES["xlsx"],
        as_attachment=True,
        download_name=f"tong-quan-kiem-soat-tai-lieu_{today.isoformat()}.xlsx",
    )
