"""One input rule for every request, checked once before any view: no control characters, readable JSON.

A NUL reaches PostgreSQL as an error, a lone surrogate cannot be encoded by either database, and a body
nested thousands of levels deep exhausts the parser's recursion: each answered 500 where it landed.
Here they are refused at the boundary with 400, in the error shape of the page or of the API, so no
service, form or schema needs to repeat the rule. Tab, line feed and carriage return stay allowed in
submitted values (a change summary or a comment has several lines; single-line fields collapse
whitespace in their service); path segments and query keys allow none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request

from qms.errors import DomainError, NotFound
from qms.messages import Message

#: C0 and C1 controls and DEL, as the body of a character class that Python and ECMAScript read alike (the API's
#: schemas state the rule with it, ``qms.api.rules``).
CONTROLS = r"\x00-\x1f\x7f-\x9f"
#: The same without tab, line feed and carriage return, which are text in a submitted value.
CONTROLS_IN_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
#: Lone surrogates: no valid JSON text or form encoding yields them, so no schema needs to mention them.
_SURROGATES = "\ud800-\udfff"

ANY_CONTROL = re.compile(f"[{CONTROLS}{_SURROGATES}]")
CONTROL_IN_TEXT = re.compile(f"[{CONTROLS_IN_TEXT}{_SURROGATES}]")

#: No request of this API nests deeper; a deeper body is refused before anything walks it.
MAX_JSON_DEPTH = 32

#: No identifier holds a control character (codes, numbers and names are all checked on the way in).
NO_SUCH_PATH = Message("Không tìm thấy: địa chỉ có ký tự điều khiển.")
CONTROL_CODE = "control_character"
DEPTH_CODE = "json_too_deep"
#: The message of each refusal by its code (a label table, so the catalogue extracts and the pages translate it).
REFUSAL_LABELS = {
    CONTROL_CODE: "Dữ liệu gửi lên chứa ký tự điều khiển hoặc ký tự không hợp lệ; vui lòng nhập lại.",
    DEPTH_CODE: "Nội dung JSON lồng nhau quá sâu.",
}


class Refused(DomainError):
    """The request breaks the input rule: a 400 in the error shape of the page or of the API that catches it."""

    status = 400

    def __init__(self, code: str) -> None:
        super().__init__(Message(REFUSAL_LABELS[code]), code)


def check_request() -> None:
    """Before every view: the request's query, form and JSON body obey the rule, or ``Refused``; a path naming
    something with a control character names nothing that can exist: ``NotFound``."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and ANY_CONTROL.search(value):
            raise NotFound(NO_SUCH_PATH)
    _check(request.args.keys(), ANY_CONTROL)
    _check(request.args.values(), CONTROL_IN_TEXT)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        _check(request.form.keys(), ANY_CONTROL)
        _check(request.form.values(), CONTROL_IN_TEXT)
        if request.is_json:
            _check_json(request.get_data(cache=True))


def _check(values: Iterable[Any], pattern: re.Pattern[str]) -> None:
    for value in values:
        if isinstance(value, str) and pattern.search(value):
            raise Refused(CONTROL_CODE)


def _check_json(body: bytes) -> None:
    """A body that does not parse is left to the API's own 400; one that parses must obey the rule."""
    if not body:
        return
    try:
        document = json.loads(body)
    except RecursionError:
        raise Refused(DEPTH_CODE) from None
    except ValueError:
        return
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:  # iterative, so that walking a deep body cannot exhaust the stack either
        value, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_JSON_DEPTH:
            raise Refused(DEPTH_CODE)
        if isinstance(value, dict):
            _check(value.keys(), ANY_CONTROL)
            stack.extend((inner, depth + 1) for inner in value.values())
        elif isinstance(value, list):
            stack.extend((inner, depth + 1) for inner in value)
        else:
            _check((value,), CONTROL_IN_TEXT)


def init_app(app: Flask, *, checked_elsewhere: Callable[[], bool]) -> None:
    """Pages are checked before any of their hooks; the requests ``checked_elsewhere`` names (the API's) are checked
    after their token and role (see ``ApiBlueprint``), so that nobody unauthenticated gets a body read."""

    @app.before_request
    def _check_before_any_hook() -> None:
        if not checked_elsewhere():
            check_request()
