"""Response bodies of the conformity findings."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from qms.conformity import CheckResult


class WhereSchema(Schema):
    section = fields.String(allow_none=True, metadata={"example": "5.7. Quy trình xử lý công việc"})
    step = fields.String(allow_none=True, metadata={"example": "2", "description": "The step number, as written."})


class FindingSchema(Schema):
    code = fields.String(
        metadata={
            "example": "step_no_time",
            "description": "dossier_missing, steps_missing, step_no_responsible, step_no_time, step_time_unreadable, "
            "time_exceeds_statutory, forms_missing, records_missing, legal_basis_outdated, metadata_mismatch, "
            "unreadable.",
        }
    )
    severity = fields.String(metadata={"description": "error, warning or info.", "example": "warning"})
    message = fields.String(metadata={"example": "Bước 2 chưa ghi thời gian thực hiện."})
    where = fields.Nested(WhereSchema)


class FindingsSchema(Schema):
    """Dumps a qms.conformity.CheckResult."""

    revision_id = fields.Integer()
    checked_at = fields.DateTime(allow_none=True, metadata={"description": "None: not stored yet, read just now."})
    checker_version = fields.String()
    structure = fields.Method(
        "_structure",
        metadata={"type": "object", "description": "What was read: control block, amendments, sections, dossier, "
                  "stated time, steps, forms, records."},
    )
    findings = fields.List(fields.Nested(FindingSchema))

    def _structure(self, result: CheckResult) -> dict[str, Any]:
        return result.structure.to_dict()
