"""Babel extraction for `make translations`: the Vietnamese texts services keep, translated at the boundary.

Babel extraction method (babel.cfg): the usual ``_()``/``_l()`` calls, plus the values of module-level label tables
(``*LABELS``, ``SORTS``), the literal messages of domain errors (``raise Invalid("…")``) and the ids of the
messages services build with values (``Message("… %(value)s …", value=…)``, ``qms.messages``). Those stay Vietnamese in
the services (registers, dossiers and the API use them as they are); ``qms.web.language.translate`` looks them up.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from babel.messages.extract import extract_python

if TYPE_CHECKING:
    from babel.messages.extract import _PyOptions

ERRORS = {"DomainError", "NotFound", "Forbidden", "Conflict", "Invalid"}
#: Calls whose first literal argument is a catalogue id.
CALLS = ERRORS | {"Message"}


def _is_label_table(node: ast.stmt) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    names = [target.id for target in targets if isinstance(target, ast.Name)]
    return isinstance(getattr(node, "value", None), ast.Dict) and any(
        name.endswith("LABELS") or name == "SORTS" for name in names
    )


def _texts(tree: ast.Module) -> Iterator[ast.Constant]:
    for statement in tree.body:
        table = getattr(statement, "value", None)
        if _is_label_table(statement) and isinstance(table, ast.Dict):
            yield from (value for value in table.values if isinstance(value, ast.Constant))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CALLS):
            continue
        if node.args and isinstance(node.args[0], ast.Constant):
            yield node.args[0]


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: _PyOptions) -> Iterator[tuple]:
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    for constant in _texts(ast.parse(fileobj.read())):
        if isinstance(constant.value, str) and constant.value:
            yield constant.lineno, None, constant.value, []
