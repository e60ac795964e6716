"""The status of a legal document as of a date, derived from its dates and the documents that amend or replace it.

Never stored: a status changes by itself when a date arrives.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qms.models import LegalDocument, LegalRelation, RelationKind


class LegalStatus(enum.StrEnum):
    NOT_YET_IN_FORCE = "not_yet_in_force"
    IN_FORCE = "in_force"
    AMENDED = "amended"
    REPLACED = "replaced"


STATUS_LABELS = {
    LegalStatus.NOT_YET_IN_FORCE: "Chưa có hiệu lực",
    LegalStatus.IN_FORCE: "Còn hiệu lực",
    LegalStatus.AMENDED: "Đã được sửa đổi, bổ sung",
    LegalStatus.REPLACED: "Đã bị thay thế",
}

CHANGE_LABELS = {
    RelationKind.AMENDS: "Sửa đổi, bổ sung",
    RelationKind.REPLACES: "Thay thế",
}


def took_effect_by(document: LegalDocument, on: date) -> bool:
    """In force by that date; a document without an effective date (a stub) counts as in force."""
    return document.effective_from is None or document.effective_from <= on


def triggers(incoming: Iterable[LegalRelation], kind: RelationKind, on: date) -> list[LegalDocument]:
    """The documents that amend (or replace) the target and are in force by that date, oldest first."""
    found = [relation.source for relation in incoming if relation.kind is kind and took_effect_by(relation.source, on)]
    return sorted(found, key=lambda source: (source.effective_from or date.min, source.number))


def status_on(document: LegalDocument, incoming: Iterable[LegalRelation], on: date) -> LegalStatus:
    """Not yet in force before its date; replaced, else amended, once a document doing so is in force; else in force."""
    if document.effective_from is not None and document.effective_from > on:
        return LegalStatus.NOT_YET_IN_FORCE
    incoming = list(incoming)
    if triggers(incoming, RelationKind.REPLACES, on):
        return LegalStatus.REPLACED
    if triggers(incoming, RelationKind.AMENDS, on):
        return LegalStatus.AMENDED
    return LegalStatus.IN_FORCE


def incoming_relations(session: Session, target_ids: Iterable[int]) -> dict[int, list[LegalRelation]]:
    """The relations pointing at each target, with their source documents loaded."""
    ids = list(set(target_ids))
    grouped: dict[int, list[LegalRelation]] = defaultdict(list)
    if not ids:
        return grouped
    query = select(LegalRelation).where(LegalRelation.target_id.in_(ids)).options(selectinload(LegalRelation.source))
    for relation in session.scalars(query):
        grouped[relation.target_id].append(relation)
    return grouped


def outgoing_relations(session: Session, source_ids: Iterable[int]) -> dict[int, list[LegalRelation]]:
    """The relations each source has, with their target documents loaded."""
    ids = list(set(source_ids))
    grouped: dict[int, list[LegalRelation]] = defaultdict(list)
    if not ids:
        return grouped
    query = select(LegalRelation).where(LegalRelation.source_id.in_(ids)).options(selectinload(LegalRelation.target))
    for relation in session.scalars(query):
        grouped[relation.source_id].append(relation)
    return grouped


def status_of(session: Session, document: LegalDocument, on: date) -> LegalStatus:
    """``status_on`` with the relations read from the database."""
    return status_on(document, incoming_relations(session, [document.id]).get(document.id, []), on)
