"""What every schema shares: a strict base with Vietnamese messages, text, file and code fields, people."""

from __future__ import annotations

import json
from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate
from marshmallow.utils import get_value
from werkzeug.datastructures import FileStorage

from qms.api import rules

_FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {"required": "Trường này là bắt buộc.", "null": "Trường này không được để trống."},
    fields.String: {"invalid": "Cần một chuỗi ký tự."},
    fields.Date: {"invalid": "Ngày không hợp lệ, cần dạng YYYY-MM-DD."},
    fields.Enum: {"unknown": "Giá trị phải là một trong: {choices}."},
}


_CONTROL_MESSAGE = "Không được chứa ký tự điều khiển."


def _max_length(limit: int) -> validate.Length:
    return validate.Length(max=limit, error="Tối đa {max} ký tự.")


class ApiSchema(Schema):
    """Base of the request schemas: validation messages in Vietnamese."""

    error_messages = {"unknown": "Trường không được chấp nhận.", "type": "Cần một đối tượng JSON."}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        for field_class, messages in _FIELD_MESSAGES.items():
            if isinstance(field_obj, field_class):
                for key, message in messages.items():
                    if not isinstance(field_obj.error_messages.get(key), rules.Coded):  # a field's own, with its code
                        field_obj.error_messages[key] = message
        _state_the_input_rule(field_obj)


def _state_the_input_rule(field: fields.Field) -> None:
    """Every string a request carries, in lists and mappings too, is documented with the input rule's pattern,
    unless the field states a stricter pattern or a list of choices of its own."""
    if isinstance(field, fields.List):
        _state_the_input_rule(field.inner)
    elif isinstance(field, fields.Tuple):
        for member in field.tuple_fields:
            _state_the_input_rule(member)
    elif isinstance(field, fields.Dict):
        for inner in (field.key_field, field.value_field):
            if inner is not None:
                _state_the_input_rule(inner)
    elif isinstance(field, fields.String) and not any(
        isinstance(validator, rules.Pattern | validate.OneOf) for validator in field.validators
    ):
        field.validators.append(rules.Pattern(rules.TEXT, _CONTROL_MESSAGE))


class Text(fields.String):
    """A string the database can store; ``blank=False``: it must also hold something besides white space, as the
    services require of it. The OpenAPI pattern says both; control characters are refused for every request by
    ``qms.input_rule`` before the schema sees it."""

    def __init__(self, *args: Any, blank: bool = True, blank_code: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(
            rules.Pattern(rules.TEXT, _CONTROL_MESSAGE) if blank
            else rules.Pattern(rules.NON_BLANK, "Không được để trống.", blank_code)
        )


class File(Upload):
    """An uploaded file part; a plain form value under the same name is not a file."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> FileStorage:
        if not isinstance(value, FileStorage):
            raise ValidationError("Cần gửi một tệp (multipart/form-data).")
        return value


class Code(fields.String):
    """A code with the form the service requires (the same regular expression); documented as its pattern."""

    def __init__(self, regex: str, error: str, code: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(rules.Pattern(regex, error, code))


def _one_of(choices: tuple[str, ...] | list[str]) -> validate.OneOf:
    return validate.OneOf(choices, error="Giá trị phải là một trong: {choices}.")


class ListQuerySchema(ApiSchema):
    """What every list reads besides its page: the text filter (diacritics optional: «ho tich» finds «Hộ tịch»)."""

    q = Text(load_default="", validate=_max_length(200), metadata={
        "description": "Words that must all appear in the list's text columns, with or without diacritics."})


def sort_field(sorting: Any) -> fields.String:
    """``sort`` among a list's keys (a ``listing.Sorting``, or the keys of a list sorted whole): ``code`` ascending,
    ``-code`` descending."""
    keys = list(sorting) if isinstance(sorting, tuple | list) else list(sorting.keys)
    return fields.String(
        load_default=None,
        validate=_one_of([value for key in keys for value in (key, f"-{key}")]),
        metadata={"description": f"One of {', '.join(keys)}; a leading `-` sorts descending."},
    )


class PersonSchema(Schema):
    name = fields.String()
    title = fields.String()


class ActorSchema(Schema):
    username = fields.String()
    name = fields.String()
    title = fields.String()


class Recorded(fields.Nested):
    """A person as recorded at the time, from the ``<prefix>_<field>`` columns; null when nobody was recorded."""

    def __init__(self, nested: type[Schema], prefix: str, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        super().__init__(nested, **kwargs)
        self.prefix = prefix

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> dict[str, Any] | None:
        values = {key: get_value(obj, f"{self.prefix}_{key}") for key in self.schema.fields}
        return values if any(v is not None for v in values.values()) else None


class JsonObject(fields.Dict):
    """A JSON object kept as text in the database (so its hash can be recomputed), given back parsed."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> dict[str, Any] | None:
        return super()._serialize(json.loads(value) if isinstance(value, str) else value, attr, obj, **kwargs)


class OrganizationSchema(Schema):
    code = fields.String()
    name = fields.String()
