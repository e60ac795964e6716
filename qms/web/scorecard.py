"""The scorecard of an organisation (“Bảng tự đánh giá”), the inspection minutes and the annual report."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms import clock
from qms.errors import DomainError, Invalid
from qms.extensions import db
from qms.inspection import scorecard
from qms.inspection.scorecard import Link
from qms.web import errors
from qms.web.forms.common import first_error
from qms.web.forms.records import ScorecardForm
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
