"""The caller's notifications and marking them read."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from qms.api import rules
from qms.api.schemas.common import ApiSchema
from qms.notices.events import EVENT_LABELS


class NotificationQuerySchema(ApiSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000, error="Trang không hợp lệ."))
    per_page = fields.Integer(
        load_default=20, validate=validate.Range(min=1, max=100, error="Cần từ {min} đến {max} mục mỗi trang.")
    )


class NotificationSchema(Schema):
    id = fields.Integer()
    event = fields.String(metadata={"enum": sorted(EVENT_LABELS)})
    #: The event's text in the caller's language (the one they chose in the application).
    text = fields.String()
    params = fields.Dict(keys=fields.String())
    #: The path of the page where the action is.
    link = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    mail_state = fields.String()


class NotificationListSchema(Schema):
    unread = fields.Integer()
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
    notifications = fields.List(fields.Nested(NotificationSchema))


class MarkReadSchema(ApiSchema):
    """Either ``ids`` (the caller's own; others' are ignored) or ``all: true``."""

    ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2**31 - 1, error="Mã thông báo không hợp lệ.")),
        validate=validate.Length(max=1000, error="Tối đa {max} thông báo một lần."),
    )
    all = fields.Boolean(load_default=False)

    @validates_schema
    def _one_of(self, data: dict, **kwargs: object) -> None:
        if not data.get("all") and not data.get("ids"):
            raise ValidationError(rules.Coded("Cần gửi ids hoặc all: true.", "ids_or_all"), "ids")


class MarkedSchema(Schema):
    marked = fields.Integer()
    unread = fields.Integer()
