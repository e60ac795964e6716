"""Response bodies of the conformity findings."""

from __future__ import annotations

from marshmallow import Schema, fields


class WhereSchema(Schema):
    section = fields.String(allow_none=True, metadata={"example": "5.7. Quy trình xử lý công việc"})
    step = fields.String(allow_none=True, metadata={"example": "2", "description": "The step number, as written."})
    row = fields.String(allow_none=True, metadata={"example": "2", "description": "The row of the steps table."})


class SignatureSchema(Schema):
    role = fields.String(metadata={"description": "draft, review or approve."})
    name = fields.String()
    title = fields.String()


class ControlSchema(Schema):
    code = fields.String(allow_none=True, metadata={"description": "From the cover first."})
    issue_number = fields.Integer(allow_none=True)
    amendment_number = fields.Integer(allow_none=True)
    issue_date = fields.String(allow_none=True)
    signatures = fields.List(fields.Nested(SignatureSchema))
    running_code = fields.String(
        allow_none=True, metadata={"description": "The code page headers/footers repeat, when it differs."}
    )
    running_issue = fields.Integer(allow_none=True)


class AmendmentSchema(Schema):
    request = fields.String()
    place = fields.String()
    description = fields.String()
    issue = fields.String()
    date = fields.String()


class SectionSchema(Schema):
    kind = fields.String(allow_none=True)
    heading = fields.String()


class DossierComponentSchema(Schema):
    name = fields.String()
    original = fields.Boolean(allow_none=True)
    copy = fields.Boolean(allow_none=True)


class DossierSchema(Schema):
    section = fields.String(allow_none=True)
    components = fields.List(fields.Nested(DossierComponentSchema))
    reference = fields.String(allow_none=True, metadata={"example": "Theo quy định hiện hành"})
    unread = fields.String(allow_none=True, metadata={"description": "Content that gave no component, quoted."})


class TimeCaseSchema(Schema):
    kind = fields.String(metadata={"description": "normal, verification, after_hours, other or part."})
    condition = fields.String(metadata={"example": "trường hợp xác minh không quá"})
    text = fields.String()
    value = fields.Float(allow_none=True)
    unit = fields.String(allow_none=True)
    hours = fields.Float(allow_none=True, metadata={"description": "In working hours (8 to a day)."})


class StatedTimeSchema(Schema):
    section = fields.String(allow_none=True)
    text = fields.String()
    value = fields.Float(allow_none=True)
    unit = fields.String(allow_none=True)
    hours = fields.Float(
        allow_none=True, metadata={"description": "The normal case in working hours (parts added up)."}
    )
    cases = fields.List(fields.Nested(TimeCaseSchema), metadata={"description": "Every case, with its condition."})


class StepTimeSchema(Schema):
    kind = fields.String(metadata={"description": "The case of the time column: normal, verification …"})
    condition = fields.String(metadata={"description": "The column's heading."})
    text = fields.String()
    hours = fields.Float(allow_none=True)
    shared_time = fields.Boolean()


class StepSchema(Schema):
    number = fields.String()
    content = fields.String()
    responsible = fields.String()
    time_text = fields.String()
    time_value = fields.Float(allow_none=True)
    time_unit = fields.String(allow_none=True)
    hours = fields.Float(allow_none=True, metadata={"description": "The normal case, in working hours."})
    shared_time = fields.Boolean(metadata={"description": "Merged with the step above: counted once."})
    results = fields.String()
    forms = fields.List(fields.String())
    times = fields.List(fields.Nested(StepTimeSchema), metadata={"description": "One per time column (case)."})


class TimeColumnSchema(Schema):
    kind = fields.String()
    heading = fields.String()
    stated_hours = fields.Float(allow_none=True, metadata={"description": "A time written in the heading."})
    unit = fields.String(allow_none=True)


class StepsSchema(Schema):
    section = fields.String(allow_none=True)
    columns = fields.List(fields.String())
    tables = fields.Integer()
    rows = fields.List(fields.Nested(StepSchema))
    stated_total = fields.String(allow_none=True)
    time_columns = fields.List(fields.Nested(TimeColumnSchema))
    unread = fields.String(allow_none=True)


class FormSchema(Schema):
    code = fields.String()
    name = fields.String()


class FormsSchema(Schema):
    section = fields.String(allow_none=True)
    items = fields.List(fields.Nested(FormSchema))


class RecordItemSchema(Schema):
    record = fields.String()
    place = fields.String()
    retention = fields.String()


class RecordsSchema(Schema):
    section = fields.String(allow_none=True)
    items = fields.List(fields.Nested(RecordItemSchema))
    reference = fields.String(allow_none=True)


class StructureSchema(Schema):
    """What was read: control block, amendments, sections, dossier, stated time, steps, forms, records."""

    source = fields.String(metadata={"description": "docx, pdf, text or unknown."})
    readable = fields.Boolean()
    problem = fields.String(allow_none=True)
    control = fields.Nested(ControlSchema)
    amendments = fields.List(fields.Nested(AmendmentSchema))
    amendment_table = fields.Boolean()
    sections = fields.List(fields.Nested(SectionSchema))
    dossier = fields.Nested(DossierSchema)
    stated_time = fields.Nested(StatedTimeSchema)
    steps = fields.Nested(StepsSchema)
    forms = fields.Nested(FormsSchema)
    records = fields.Nested(RecordsSchema)
    reader_version = fields.String()


class FindingSchema(Schema):
    code = fields.String(
        metadata={
            "example": "step_no_time",
            "description": "dossier_missing, steps_missing, step_no_responsible, step_no_time, step_time_unreadable, "
            "time_exceeds_statutory, forms_missing, records_missing, legal_basis_outdated, metadata_mismatch, "
            "unreadable, not_read, step_numbering, column_total_mismatch, amendments_empty.",
        }
    )
    severity = fields.String(metadata={"description": "error, warning or info.", "example": "warning"})
    message = fields.String(metadata={"example": "Bước 2 chưa ghi thời gian thực hiện."})
    where = fields.Nested(WhereSchema)
    quote = fields.String(metadata={"description": "What was read there, as written."})


class FindingsSchema(Schema):
    """Dumps a qms.conformity.CheckResult."""

    revision_id = fields.Integer()
    checked_at = fields.DateTime(allow_none=True, metadata={"description": "None: not stored yet, read just now."})
    checker_version = fields.String()
    structure = fields.Nested(StructureSchema)
    findings = fields.List(fields.Nested(FindingSchema))
