"""Bodies of the TTHC catalogue endpoints: the import report and an organisation's coverage."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from qms.api.schemas.common import ApiSchema, File, ListQuerySchema, Text, _max_length, _one_of, sort_field
from qms.catalogue import listed
from qms.models import TimeUnit


class ProcedureImportSchema(ApiSchema):
    file = File(required=True, metadata={"description": "The catalogue as received: .xlsx or .csv."})
    organization = Text(
        required=True, validate=validate.Length(max=64, error="Tối đa {max} ký tự."),
        metadata={"description": "Organisation code."},
    )


class RowErrorSchema(Schema):
    row = fields.Integer(metadata={"description": "Row number as the spreadsheet shows it (1-based, heading row too)."})
    message = fields.String(metadata={"description": "What is wrong, in Vietnamese."})


class ChangeSchema(Schema):
    code = fields.String()
    fields_ = fields.List(
        fields.String(), data_key="fields", attribute="fields",
        metadata={"description": "Changed attributes: name, field, level, time_text, time_value, time_unit, fee."},
    )


class ImportCountsSchema(Schema):
    added = fields.Integer()
    changed = fields.Integer()
    abolished = fields.Integer()
    restored = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.Integer()


class ImportReportSchema(Schema):
    organization = fields.String(attribute="organization.code")
    filename = fields.String()
    added = fields.List(fields.String(), metadata={"description": "Codes added to the list."})
    changed = fields.List(fields.Nested(ChangeSchema))
    abolished = fields.List(fields.String(), metadata={"description": "Codes no longer on the list (kept, marked)."})
    restored = fields.List(fields.String(), metadata={"description": "Abolished codes that are on the list again."})
    errors = fields.List(fields.Nested(RowErrorSchema), metadata={"description": "Rows not imported."})
    counts = fields.Nested(ImportCountsSchema)


class ProcedureSchema(Schema):
    code = fields.String()
    name = fields.String()
    field = fields.String()
    level = fields.String()
    time_text = fields.String(metadata={"description": "The statutory time as published."})
    time_value = fields.Float(allow_none=True)
    time_unit = fields.Enum(TimeUnit, by_value=True, allow_none=True)
    fee = fields.String()
    is_abolished = fields.Boolean()
    abolished_at = fields.DateTime(allow_none=True)


class UncoveredSchema(Schema):
    code = fields.String()
    name = fields.String()
    field = fields.String()
    time_text = fields.String()


class DocumentRefSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()


class CoveredSchema(Schema):
    code = fields.String(attribute="procedure.code")
    name = fields.String(attribute="procedure.name")
    field = fields.String(attribute="procedure.field")
    document = fields.Nested(DocumentRefSchema)


class OffListLinkSchema(Schema):
    document = fields.Nested(DocumentRefSchema)
    code = fields.String(metadata={"description": "The code the process is linked to."})
    abolished = fields.Boolean(
        attribute="is_abolished",
        metadata={"description": "True: an abolished procedure; false: a code not on the list."},
    )
    name = fields.Function(
        lambda link: link.procedure.name if link.procedure else None,
        metadata={"type": "string", "nullable": True, "description": "The abolished procedure's name."},
    )
    abolished_at = fields.Function(
        lambda link: link.procedure.abolished_at.isoformat() if link.procedure else None,
        metadata={"type": "string", "format": "date-time", "nullable": True},
    )


class CoverageSchema(Schema):
    organization = fields.String(attribute="organization.code")
    covered = fields.Integer()
    total = fields.Integer(metadata={"description": "Procedures on the current list (abolished ones excluded)."})
    percent = fields.Float()
    uncovered = fields.List(fields.Nested(UncoveredSchema), metadata={"description": "By field, then code."})
    covered_procedures = fields.List(fields.Nested(CoveredSchema))
    abolished_links = fields.List(
        fields.Nested(OffListLinkSchema),
        metadata={"description": "Processes in force that point to abolished procedures or to codes not on the list."},
    )


class CatalogueQuerySchema(ListQuerySchema):
    field = Text(validate=_max_length(200), metadata={"description": "Only the procedures of this field (lĩnh vực)."})
    state = fields.String(load_default="all", validate=_one_of(list(listed.STATES)), metadata={
        "description": "current: on the list now; abolished; all (the default)."})
    sort = sort_field(listed.CATALOGUE_SORTING)


class CatalogueRowSchema(ProcedureSchema):
    """A procedure of the list and the process in force that covers it (null when none does)."""

    process = fields.Nested(DocumentRefSchema, allow_none=True)

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        return obj.process if attr == "process" else getattr(obj.procedure, attr, default)
