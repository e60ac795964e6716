"""The TTHC catalogue: import an organisation's list, read it, and its coverage by ISO processes."""

from __future__ import annotations

from typing import Any

from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint
from qms.api.schemas.procedures import CoverageSchema, ImportReportSchema, ProcedureImportSchema, ProcedureSchema
from qms.catalogue import coverage, procedures
from qms.extensions import db
from qms.models import Procedure

blp = ApiBlueprint("api_procedures", __name__, description="The TTHC catalogue of each organisation and its coverage.")


@blp.route("/procedures/import", methods=["POST"])
@blp.arguments(ProcedureImportSchema, location="form_and_files")
@blp.response(200, ImportReportSchema)
@blp.error_responses(403, 404, 413)
def import_procedures(data: dict[str, Any]) -> procedures.ImportReport:
    """Import (or re-import) an organisation's list from .xlsx or .csv; its ISO secretaries do."""
    upload = data["file"]
    return procedures.import_procedures(
        db.session, current_user(), data["organization"], upload.filename or "", upload.stream.read()
    )


@blp.route("/organizations/<code>/procedures", methods=["GET"])
@blp.response(200, ProcedureSchema(many=True))
@blp.error_responses(404)
def list_procedures(code: str) -> list[Procedure]:
    """The organisation's list by code, abolished procedures included (marked)."""
    return procedures.list_procedures(db.session, current_user(), code)


@blp.route("/organizations/<code>/coverage", methods=["GET"])
@blp.response(200, CoverageSchema)
@blp.error_responses(404)
def get_coverage(code: str) -> dict[str, Any]:
    """How many procedures on the list have a process in force; the organisation's users and inspectors see it."""
    found = coverage.coverage(db.session, current_user(), code)
    return {
        "organization": found.organization,
        "covered": found.covered,
        "total": found.total,
        "percent": found.percent,
        "uncovered": [procedure for group in found.uncovered.values() for procedure in group],
        "covered_procedures": found.covered_procedures,
        "abolished_links": found.abolished_links,
    }
