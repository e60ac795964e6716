"""The signed-in user and their password."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from qms.accounts import users
from qms.api import rules
from qms.api.schemas.common import ApiSchema, ListQuerySchema, OrganizationSchema, Text, _max_length, sort_field
from qms.models import NoticePreference, Role, User


class PasswordChangeSchema(ApiSchema):
    current_password = fields.String(required=True, validate=validate.Length(max=200))
    new_password = fields.String(required=True, validate=validate.Length(max=200))


class MeSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    title = fields.String()
    organization = fields.Nested(OrganizationSchema)
    email = fields.String(allow_none=True)
    #: each: a mail per event; daily: one digest a day; off: no mail (notices stay in the application).
    notice_preference = fields.Enum(NoticePreference, by_value=True)
    #: The language the user chose in the application; their notices are written in it (null: Vietnamese).
    language = fields.String(allow_none=True)
    roles = fields.Method(
        "_roles", metadata={"type": "array", "items": {"type": "string", "enum": [role.value for role in Role]}}
    )

    def _roles(self, user: User) -> list[str]:
        return sorted(role.value for role in user.roles)


class NoticeSettingsSchema(ApiSchema):
    """The caller's own address and how they are told; a field left out stays as it is, ``email: null`` removes it."""

    # A String, not a Text: the address's own pattern (no control characters in it either) is the one documented.
    email = fields.String(allow_none=True, validate=[
        validate.Length(max=users.EMAIL_LENGTH, error="Tối đa {max} ký tự."),
        rules.Pattern(users.EMAIL.pattern, "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@langson.gov.vn).",
                      "invalid_email"),
    ])
    notice_preference = fields.Enum(NoticePreference, by_value=True)


class UserQuerySchema(ListQuerySchema):
    organization = Text(validate=_max_length(64), metadata={
        "description": "Organisation code; the organisations under it are included."})
    role = fields.Enum(Role, by_value=True)
    active = fields.Boolean(metadata={"description": "Only active (true) or deactivated (false) users."})
    sort = sort_field(users.USER_SORTING)


class UserSchema(MeSchema):
    id = fields.Integer()
    is_active = fields.Boolean()
    created_at = fields.DateTime()
