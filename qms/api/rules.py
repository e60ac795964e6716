"""Input rules of the API as marshmallow validators that the OpenAPI document states as they are enforced.

apispec writes any validator with a compiled ``regex`` as the field's ``pattern``, so each rule here is one
regular expression used both to check a request and to document it: a text as the input rule admits it
(``qms.input_rule`` refuses the rest before any schema sees a request), a text that is not blank, a legal
document number, a day not after (or not before) today. Patterns are searched, as JSON Schema does, and
written in the syntax Python and ECMAScript share.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from marshmallow import ValidationError, validate

from qms.input_rule import CONTROLS, CONTROLS_IN_TEXT

#: A submitted text as ``qms.input_rule`` admits it: no control character but tab, line feed and carriage return.
TEXT = rf"^[^{CONTROLS_IN_TEXT}]*$"
#: As TEXT, with at least one character that is not white space (services strip what they are given).
NON_BLANK = rf"^[^{CONTROLS_IN_TEXT}]*[^{CONTROLS_IN_TEXT}\s][^{CONTROLS_IN_TEXT}]*$"
#: A path segment as ``qms.input_rule`` admits it: no control character at all.
SEGMENT = rf"^[^{CONTROLS}]*$"
#: A white-space character that the input rule admits (``\s`` takes in the controls it refuses).
SPACE = r"[^\S\x0b\x0c\x1c-\x1f\x85]"
#: A value that is blank where blank means "none".
BLANK = rf"{SPACE}*"

#: Refusals (422, by ``error.code``) that a schema cannot state: they depend on stored data, on a dictionary, or on
#: one field's value deciding whether another is needed. The OpenAPI document lists them under its 422 response.
UNSTATED: dict[str, str] = {
    "wrong_password": "The current password given is not the caller's.",
    "weak_password": "The new password is too short, holds the user name, is too common, or equals the current one.",
    "empty_proposal": "A proposed update changes nothing in the register as it stands.",
    "title_required": "A proposal to create a legal document needs its title.",
    "ids_or_all": "Marking notices read needs `ids` or `all: true`.",
    "unknown_user": "A reader named is not an active user of the document's organisation.",
    "invalid_year": "A scorecard, its minutes and reports count the years 2000 to 2100.",
}


def unprocessable_description() -> str:
    """The 422 response as documented: the schema's own refusals, then the ones it cannot state."""
    listed = "\n".join(f"- `{code}`: {meaning}" for code, meaning in UNSTATED.items())
    return ("The body or query breaks its schema (`error.code` names the rule, `error.fields` the fields), or a rule "
            f"that no schema can state:\n\n{listed}")


class Coded(str):
    """A validation message carrying the code the service gives the same refusal, so the API keeps its codes."""

    code: str

    def __new__(cls, message: str, code: str | None = None) -> Coded:
        coded = super().__new__(cls, message)
        coded.code = code or "invalid"
        return coded

    def format(self, *args: Any, **kwargs: Any) -> Coded:  # marshmallow formats its messages before raising
        return Coded(str.format(self, *args, **kwargs), self.code)


class Pattern(validate.Validator):
    """Refuses a string in which ``regex`` finds nothing; documented as the field's ``pattern``."""

    def __init__(self, regex: str, error: str, code: str | None = None) -> None:
        self.regex = re.compile(regex)
        self.searched = as_searched(regex)
        self.error: str = Coded(error, code) if code else error

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str) and not self.searched.search(value):
            raise ValidationError(self.error)
        return value


def as_searched(regex: str) -> re.Pattern[str]:
    """``regex`` as JSON Schema (ECMAScript) reads it: ``$`` is the end of the text, where Python's ``$`` also
    matches before a final line feed ("QT-01\\n" would pass a code's pattern here and fail it in every client)."""
    python, escaped, in_class = [], False, False
    for char in regex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        python.append(char)
    return re.compile("".join(python))


class DayBound(validate.Validator):
    """A day on or before (``latest``) or on or after (``earliest``) today, today being computed when checked.

    Its ``regex`` spells out the same bound over ``YYYY-MM-DD`` for the OpenAPI document, as of the day the
    document was built.
    """

    def __init__(self, today: Callable[[], date], *, latest: bool, error: str, code: str | None = None) -> None:
        self.today, self.latest = today, latest
        self.error: str = Coded(error, code)

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile(days_not_after(self.today()) if self.latest else days_not_before(self.today()))

    def __call__(self, value: Any) -> Any:
        if isinstance(value, date):
            today = self.today()
            if (value > today) if self.latest else (value < today):
                raise ValidationError(self.error)
        return value


# --- day bounds as regular expressions ---------------------------------------------------------------


def _range(low: int, high: int, width: int) -> str:
    """A regex of the zero-padded numbers low..high, all ``width`` digits long."""
    lo, hi = f"{low:0{width}d}", f"{high:0{width}d}"
    if width == 1:
        return lo if lo == hi else f"[{lo}-{hi}]"
    if lo[0] == hi[0]:
        return lo[0] + _group(_range(int(lo[1:]), int(hi[1:]), width - 1))
    rest_max = 10 ** (width - 1) - 1
    parts = [lo[0] + _group(_range(int(lo[1:]), rest_max, width - 1))]
    if int(hi[0]) - int(lo[0]) > 1:
        middle = _range(int(lo[0]) + 1, int(hi[0]) - 1, 1)
        parts.append(f"{middle}[0-9]{{{width - 1}}}")
    parts.append(hi[0] + _group(_range(0, int(hi[1:]), width - 1)))
    return "|".join(parts)


def _group(regex: str) -> str:
    return f"(?:{regex})"


def _days(year: str, month: str, day: str) -> str:
    return f"{_group(year)}-{_group(month)}-{_group(day)}"


def days_not_after(today: date) -> str:
    """``YYYY-MM-DD`` from 0001-01-01 to ``today`` (whether the day exists is the ``date`` format's business)."""
    any_month, any_day, year = _range(1, 12, 2), _range(1, 31, 2), f"{today.year:04d}"
    alternatives = [_days(_range(1, today.year - 1, 4), any_month, any_day)] if today.year > 1 else []
    if today.month > 1:
        alternatives.append(_days(year, _range(1, today.month - 1, 2), any_day))
    alternatives.append(_days(year, f"{today.month:02d}", _range(1, today.day, 2)))
    return f"^(?:{'|'.join(alternatives)})$"


def days_not_before(today: date) -> str:
    """``YYYY-MM-DD`` from ``today`` to 9999-12-31."""
    any_month, any_day, year = _range(1, 12, 2), _range(1, 31, 2), f"{today.year:04d}"
    alternatives = [_days(_range(today.year + 1, 9999, 4), any_month, any_day)] if today.year < 9999 else []
    if today.month < 12:
        alternatives.append(_days(year, _range(today.month + 1, 12, 2), any_day))
    alternatives.append(_days(year, f"{today.month:02d}", _range(today.day, 31, 2)))
    return f"^(?:{'|'.join(alternatives)})$"


