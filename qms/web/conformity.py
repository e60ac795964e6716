"""A revision's findings page (next to what was read from its file), the re-check, the document page's summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from qms import clock, conformity
from qms.accounts import permissions
from qms.conformity.checks import CODE_LABELS, SEVERITY_LABELS
from qms.conformity.headings import LABELS as SECTION_LABELS
from qms.conformity.service import RECHECK_ROLES, Summary
from qms.documents import reading
from qms.errors import DomainError
from qms.extensions import db
from qms.files.store import file_store
from qms.models import Revision, RevisionStatus
from qms.web import errors
from qms.web.language import Translated

bp = Blueprint("conformity", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)

#: Badge classes of the shared stylesheet, by severity.
SEVERITY_BADGES = {"error": "badge-returned", "warning": "badge-in_review", "info": "badge-draft"}
ROLE_LABELS = {"draft": _l("Soạn thảo"), "review": _l("Kiểm tra"), "approve": _l("Phê duyệt")}
#: The cases of a processing time (qms.catalogue.statutory_time), as the page names them.
TIME_CASE_LABELS = {
    "normal": _l("Thông thường"),
    "verification": _l("Có xác minh"),
    "after_hours": _l("Tiếp nhận sau 15 giờ"),
    "other": _l("Trường hợp khác"),
    "part": _l("Một phần"),
}


def _today() -> date:
    return clock.today()


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "CODE_LABELS": Translated(CODE_LABELS),
        "SEVERITY_LABELS": Translated(SEVERITY_LABELS),
        "SEVERITY_BADGES": SEVERITY_BADGES,
        "SECTION_LABELS": Translated(SECTION_LABELS),
        "SIGNATURE_ROLES": ROLE_LABELS,
        "TIME_CASE_LABELS": TIME_CASE_LABELS,
    }


@bp.app_template_global("conformity_summary")
def conformity_summary(revision: Revision) -> Summary | None:
    """The count of findings of a revision for the document page; None for staff or when never checked."""
    return conformity.summaries(db.session, current_user, [revision]).get(revision.id)


@bp.app_template_global("severity_badge")
def severity_badge(severity: str) -> str:
    return SEVERITY_BADGES.get(severity, "badge-draft")


@bp.get("/revisions/<int:revision_id>/findings")
@login_required
def show(revision_id: int) -> ResponseReturnValue:
    result = conformity.findings_for(
        db.session, current_user, revision_id, today=_today(), files=file_store(current_app)
    )
    revision = reading.get_revision(db.session, current_user, revision_id)
    return render_template("conformity/show.html", revision=revision, result=result, may_recheck=_may_recheck(revision))


@bp.post("/revisions/<int:revision_id>/findings/recheck")
@login_required
def recheck(revision_id: int) -> ResponseReturnValue:
    result = conformity.recheck(db.session, current_user, revision_id, _today(), files=file_store(current_app))
    count = len(result.findings)
    if count:
        flash(_("Đã kiểm tra lại: %(count)s phát hiện.", count=count), "success")
    else:
        flash(_("Đã kiểm tra lại: không có phát hiện nào."), "success")
    return redirect(url_for(".show", revision_id=revision_id))


def _may_recheck(revision: Revision) -> bool:
    if revision.status in (RevisionStatus.SUPERSEDED, RevisionStatus.OBSOLETE):
        return False
    try:
        permissions.require_role(current_user, RECHECK_ROLES, revision.document.organization_id)
    except DomainError:
        return False
    return True
