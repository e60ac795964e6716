"""What the conformity check read from a revision's file and what it found; re-checking on demand."""

from __future__ import annotations

from datetime import date

from flask import current_app

from qms import clock, conformity
from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint
from qms.api.schemas.conformity import FindingsSchema
from qms.conformity import CheckResult
from qms.extensions import db
from qms.files.store import file_store

blp = ApiBlueprint("api_conformity", __name__, description="Findings on a revision's content, as an inspector would.")


def _today() -> date:
    return clock.today()


@blp.route(f"/revisions/<{ID}:revision_id>/findings", methods=["GET"])
@blp.response(200, FindingsSchema)
@blp.error_responses(404)
def get_findings(revision_id: int) -> CheckResult:
    """The structure read from the file and the findings; for secretaries, reviewers, approvers and inspectors."""
    return conformity.findings_for(
        db.session, current_user(), revision_id, today=_today(), files=file_store(current_app)
    )


@blp.route(f"/revisions/<{ID}:revision_id>/findings/recheck", methods=["POST"])
@blp.response(200, FindingsSchema)
@blp.error_responses(403, 404, 409)
def recheck(revision_id: int) -> CheckResult:
    """Read and check again (the legal register or the TTHC catalogue changed); audited."""
    return conformity.recheck(db.session, current_user(), revision_id, _today(), files=file_store(current_app))
