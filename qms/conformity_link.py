"""The optional link to the conformity checks of process documents (``qms.conformity``, issue 5).

The overview and the dossier show conformity findings when that module is installed: they call its
``organization_findings(session, viewer, organization_code)`` (from the package or its ``service`` module).
Until it exists, both say "not available" rather than "no findings". Nothing here assumes more of a finding
than that it names its document.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import importlib.util
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from qms.models import Base, Role, User, UserRole

#: Where ``organization_findings`` may live: the package itself or its service module.
MODULES = ("qms.conformity", "qms.conformity.service")


def _finder() -> Callable[..., Any] | None:
    for name in MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                continue
            finder = getattr(importlib.import_module(name), "organization_findings", None)
        except ImportError:
            continue
        if finder is not None:
            return finder
    return None


def available() -> bool:
    """Whether ``qms.conformity`` is installed and offers ``organization_findings``."""
    return _finder() is not None


def organization_findings(session: Session, viewer: User | None, organization_code: str) -> Any | None:
    """What ``organization_findings`` answers, or None when it is not there; ``viewer`` None is the operator."""
    finder = _finder()
    return None if finder is None else finder(session, viewer or _operator(), organization_code)


def _operator() -> User:
    """The operator at the command line reads as an inspector does; a stand-in never added to a session."""
    return User(username="(operator)", full_name="Người vận hành", title="", role_rows=[UserRole(role=Role.INSPECTOR)])


def documents_with_findings(found: Any) -> int:
    """How many documents (processes) the findings are about: by their document id when they name one."""
    if found is None:
        return 0
    if isinstance(found, Mapping):
        return sum(1 for value in found.values() if value)
    documents: set[Any] = set()
    anonymous = 0
    for item in found:
        key = _document_key(item)
        if key is None:
            anonymous += 1
        else:
            documents.add(key)
    return len(documents) + anonymous


def _document_key(item: Any) -> Any:
    if isinstance(item, Mapping):
        return item.get("document_id") or (item.get("document") or {}).get("id")
    for path in (("document_id",), ("document", "id"), ("revision", "document_id")):
        value: Any = item
        for name in path:
            value = getattr(value, name, None)
        if value is not None:
            return value
    return None


def plain(value: Any) -> Any:
    """The findings as JSON values: dataclasses and mappings as objects, rows by their id, code and title."""
    if isinstance(value, Base):
        return {name: getattr(value, name) for name in ("id", "code", "number", "title") if hasattr(value, name)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
