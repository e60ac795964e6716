"""The TTHC catalogue: import an organisation's list, read it, and its coverage by ISO processes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint, ListPager
from qms.api.schemas.procedures import (
    CatalogueQuerySchema,
    CatalogueRowSchema,
    CoverageSchema,
    ImportReportSchema,
    ProcedureImportSchema,
)
from qms.catalogue import coverage, listed, procedures
from qms.catalogue.listed import CatalogueRow
from qms.extensions import db
from qms.listing import ListPage, ListRequest

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
@blp.arguments(CatalogueQuerySchema, location="query")
@blp.response(200, CatalogueRowSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404, 422)
def list_procedures(query: dict[str, Any], code: str) -> Callable[[int, int], ListPage[CatalogueRow]]:
    """A page of the organisation's list, abolished procedures included (marked) unless ``state`` says otherwise,
    each with the process in force that covers it."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[CatalogueRow]:
        request = ListRequest(number, size, query.get("sort"), query["q"])
        found = listed.catalogue_page(db.session, user, code, request, field=query.get("field"), state=query["state"])
        return found.page

    return page


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
