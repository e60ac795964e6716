"""The signed-in user and their password."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from qms.api.schemas.common import ApiSchema, OrganizationSchema
from qms.models import Role, User


class PasswordChangeSchema(ApiSchema):
    current_password = fields.String(required=True, validate=validate.Length(max=200))
    new_password = fields.String(required=True, validate=validate.Length(max=200))


class MeSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    title = fields.String()
    organization = fields.Nested(OrganizationSchema)
    roles = fields.Method(
        "_roles", metadata={"type": "array", "items": {"type": "string", "enum": [role.value for role in Role]}}
    )

    def _roles(self, user: User) -> list[str]:
        return sorted(role.value for role in user.roles)
