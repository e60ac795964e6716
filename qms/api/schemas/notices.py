"""The caller's notifications, their unread count, and marking them read."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from qms.api import rules
from qms.api.schemas.common import ApiSchema, ListQuerySchema, Text, _max_length, sort_field
from qms.notices import service
from qms.notices.events import EVENT_LABELS


class NotificationQuerySchema(ListQuerySchema):
    q = Text(load_default="", validate=_max_length(200), metadata={
        "description": "Words that must all appear in what the notice names (document code and title, people's "
                       "names, the legal document cited, a reviewer's comment), with or without diacritics: the "
                       "notice's sentence itself is written in the reader's language when read, and is not searched."})
    unread = fields.Boolean(metadata={"description": "Only the unread (true) or the read (false) notices."})
    event = fields.String(validate=validate.OneOf(sorted(EVENT_LABELS), error="Giá trị phải là một trong: {choices}."),
                          metadata={"description": "Only the notices of this event."})
    sort = sort_field(service.NOTICE_SORTING)


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


class UnreadSchema(Schema):
    unread = fields.Integer(metadata={"description": "How many of the caller's notices are unread."})


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
