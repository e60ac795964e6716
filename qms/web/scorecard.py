"""The scorecard of an organisation (“Bảng tự đánh giá”), the inspection minutes and the annual report."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms import clock
from qms.errors import DomainError, Invalid
from qms.extensions import db
from qms.inspection import annual_report, minutes, scorecard
from qms.inspection.scorecard import Link
from qms.web import errors
from qms.web.forms.common import first_error
from qms.web.forms.records import MinutesForm, ScorecardForm
from qms.web.language import Translated

bp = Blueprint("scorecard", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


def _today() -> date:
    return clock.today()


def link_href(link: Link) -> str:
    return url_for(link.endpoint, **link.args)


def _query() -> tuple[int | None, date | None]:
    form = ScorecardForm(request.args)
    if not form.validate():
        raise Invalid(first_error(form), code="invalid_query")
    return form.year.data, form.as_of.data


@bp.get("/organizations/<code>/scorecard")
@login_required
def show(code: str) -> ResponseReturnValue:
    year, day = _query()
    found = scorecard.scorecard(db.session, current_user, code, today=_today(), year=year, as_of_day=day)
    form = ScorecardForm(formdata=None, year=found.year, as_of=found.as_of)
    return render_template("scorecard/show.html", scorecard=found, form=form, link_href=link_href,
                           labels=Translated(scorecard.LABELS))


def _docx(content: bytes, name: str) -> ResponseReturnValue:
    return send_file(io.BytesIO(content), mimetype=annual_report.CONTENT_TYPE, as_attachment=True,
                     download_name=name)


@bp.get("/organizations/<code>/reports/annual.docx")
@login_required
def annual(code: str) -> ResponseReturnValue:
    year, day = _query()
    content, name = annual_report.report(db.session, current_user, code, today=_today(), year=year, as_of_day=day)
    return _docx(content, name)


@bp.get("/inspect/minutes.docx")
@login_required
def minutes_download() -> ResponseReturnValue:
    form = MinutesForm(request.args)
    if not form.validate():
        raise Invalid(first_error(form), code="invalid_query")
    today = _today()
    day = form.date.data or today
    codes = request.args.getlist("organizations")
    content = minutes.minutes(db.session, current_user, codes, day=day, today=today)
    return _docx(content, minutes.filename(day))
