"""One way to read a list: a page of rows and the total, sorted by a whitelisted column, filtered by text in SQL.

A list request names the page, its size (bounded), the sort (``code`` ascending, ``-code`` descending, among the
keys the list offers) and the text typed; facets (organisation, kind, status …) are the list's own keyword
arguments. The text filter folds Vietnamese as search does (``qms.text.vietnamese.fold``), so «ho tich» finds
«Hộ tịch»: on PostgreSQL with ``translate()`` over a map built from that fold, on SQLite with the fold itself
registered as a SQL function. Nothing loads more than the page: one COUNT and one LIMIT/OFFSET query, or, with a
text typed, one query that pages and counts.
"""

from __future__ import annotations

import functools
import math
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, and_, event, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql import ColumnElement, Select, operators
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

from qms.errors import Invalid
from qms.text.vietnamese import fold

T = TypeVar("T")
#: A column to sort or filter by: a mapped attribute or any SQL expression.
Column = QueryableAttribute[Any] | ColumnElement[Any]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: The furthest page read: beyond it every list is empty anyway, and its offset must fit the databases' integers.
MAX_PAGE = 1_000_000
#: The longest text filter read; a longer one is cut, as a search box would.
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class ListRequest:
    """Which page of a list, in which order, with which text."""

    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    #: A sort key of the list, ``-`` in front for descending; None is the list's own order.
    sort: str | None = None
    q: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "page", min(MAX_PAGE, max(1, int(self.page))))
        object.__setattr__(self, "page_size", min(MAX_PAGE_SIZE, max(1, int(self.page_size))))
        object.__setattr__(self, "q", " ".join((self.q or "").split())[:MAX_QUERY_LENGTH])

    @property
    def sort_key(self) -> str | None:
        return self.sort.lstrip("-") if self.sort else None

    @property
    def descending(self) -> bool:
        return bool(self.sort and self.sort.startswith("-"))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class ListPage(Generic[T]):
    """The rows of one page and how many rows the whole list has."""

    rows: list[T]
    total: int
    request: ListRequest = field(default_factory=ListRequest)

    @property
    def page(self) -> int:
        return self.request.page

    @property
    def page_size(self) -> int:
        return self.request.page_size

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    def map(self, convert: Callable[[T], Any]) -> ListPage[Any]:
        return ListPage([convert(row) for row in self.rows], self.total, self.request)


@dataclass(frozen=True)
class Sorting:
    """The columns a list may be sorted by, under the keys pages and API use; ties broken by ``tiebreak``; rows
    without a value come last either way, on both databases."""

    columns: Mapping[str, Sequence[Column]]
    default: str
    tiebreak: Sequence[Column] = ()
    #: Keys whose natural first look is the largest first (counts, dates): their default direction.
    descending_first: frozenset[str] = frozenset()

    @property
    def keys(self) -> list[str]:
        return list(self.columns)

    def choices(self) -> list[str]:
        """Every value ``sort`` accepts: each key, ascending and descending."""
        return [value for key in self.columns for value in (key, f"-{key}")]

    def order_by(self, request: ListRequest) -> list[Column]:
        key = request.sort_key or self.default
        if key not in self.columns:
            raise Invalid(f"Cách sắp xếp phải là một trong: {', '.join(self.keys)}.", code="invalid_sort")
        descending = request.descending if request.sort else key in self.descending_first
        ordered = [
            column if _fixed(column) else (column.desc() if descending else column.asc()).nulls_last()
            for column in self.columns[key]
        ]
        return [*ordered, *self.tiebreak]


def _fixed(column: Column) -> bool:
    """A column given with its direction (``is_stub.asc()``: stubs last) keeps it whichever way the list is sorted."""
    return isinstance(column, UnaryExpression) and column.modifier in (operators.asc_op, operators.desc_op)


def check_sort(request: ListRequest, keys: Sequence[str]) -> str:
    """The sort key asked for, when the list sorts outside SQL; unknown keys are refused as in SQL."""
    key = request.sort_key or keys[0]
    if key not in keys:
        raise Invalid(f"Cách sắp xếp phải là một trong: {', '.join(keys)}.", code="invalid_sort")
    return key


# --- the text filter -----------------------------------------------------------------------------------


def _fold_map() -> tuple[str, str]:
    """Each precomposed Latin letter that ``fold`` turns into one ASCII letter, and that letter."""
    source, target = [], []
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        folded = fold(char)
        if folded != char and len(folded) == 1 and folded.isascii():
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


#: Characters that join the parts of codes and numbers (QT-HT-04, 61/2018/NĐ-CP, 1.001193): a word typed may start
#: after one, as after a space.
SEPARATORS = "-./(),:;_"
FOLD_SOURCE, FOLD_TARGET = _fold_map()
_SEPARATING = str.maketrans(SEPARATORS, " " * len(SEPARATORS))


def folded_text(text: str) -> str:
    """Text as the SQL filter compares it: folded, lowercased, separators as spaces, after a leading space (so that
    ``LIKE '% word%'`` finds a word where a word starts, never inside one: «ho» finds «Hộ tịch», not «phòng»)."""
    return " " + fold(text or "").lower().translate(_SEPARATING)


class folded(FunctionElement[str]):  # noqa: N801  # a SQL function reads as one
    """``folded_text`` of a column, in SQL."""

    type = String()
    inherit_cache = True
    name = "qms_fold"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    source = compiler.process(literal(FOLD_SOURCE + SEPARATORS), **kw)
    target = compiler.process(literal(FOLD_TARGET + " " * len(SEPARATORS)), **kw)
    return f"(' ' || lower(translate(coalesce({column}, ''), {source}, {target})))"


@compiles(folded)
def _folded_default(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"qms_fold({compiler.process(element.clauses, **kw)})"


#: What ``folded`` does in SQL, on text already normalised on its way in: each precomposed letter to its folded
#: letter, separators to spaces, lowercase, after a space. str.translate, so SQLite's filter costs a microsecond a row.
_STORED_FOLD = str.maketrans(FOLD_SOURCE + SEPARATORS, FOLD_TARGET + " " * len(SEPARATORS))


def stored_folded(*texts: str | None) -> str:
    """What ``folded`` gives in SQL for the columns joined by a space: to store, so that a list reads it as it is."""
    return " " + " ".join(text or "" for text in texts).translate(_STORED_FOLD).lower()


def _sqlite_fold(value: object) -> str:
    """The same as the PostgreSQL expression of ``folded``."""
    return _stored_fold(value) if isinstance(value, str) else " "


@functools.lru_cache(maxsize=1 << 16)
def _stored_fold(value: str) -> str:
    """Remembered: a list filtered again (the next page, another word) folds the same titles again; 65,536 of them
    take some 15 MB."""
    return " " + value.translate(_STORED_FOLD).lower()


@event.listens_for(Engine, "connect")
def _register_fold(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("qms_fold", 1, _sqlite_fold, deterministic=True)


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_filter(q: str, columns: Sequence[Column], *, stored: Column | None = None) -> ColumnElement[bool] | None:
    """Every word typed starts a word of one of the columns, diacritics or not; None when nothing was typed. The
    columns are folded as one text (a space between them), so each row costs one fold however many words; a list
    that keeps that text folded (``stored``, written with ``stored_folded``) costs none."""
    words = folded_text(q).split()
    if not words or not columns:
        return None
    joined: ColumnElement[str] = func.coalesce(columns[0], "")
    for column in columns[1:]:
        joined = joined + " " + func.coalesce(column, "")
    text = stored if stored is not None else folded(joined)
    return and_(*(text.like(f"% {_like_escaped(word)}%", escape="\\") for word in words))


def matches(q: str, *texts: str) -> bool:
    """``text_filter``'s rule in Python, for a list computed whole: every word typed starts a word of the texts."""
    haystack = " ".join(folded_text(text) for text in texts)
    return all(f" {word}" in haystack for word in folded_text(q).split())


# --- one page ------------------------------------------------------------------------------------------


def page_of(
    session: Session,
    query: Select[Any],
    request: ListRequest,
    sorting: Sorting,
    *,
    text: Sequence[Column] = (),
    stored: Column | None = None,
    first: Sequence[Column] = (),
    scalars: bool = True,
) -> ListPage[Any]:
    """The page the request asks for: ``query`` filtered by the text over ``text`` (kept folded in ``stored``),
    counted, sorted (``first`` before the sort asked for: an exact match on top), cut."""
    order = [*first, *sorting.order_by(request)]
    wanted = text_filter(request.q, text, stored=stored)
    if wanted is not None and scalars:
        return _filtered_page(session, query.where(wanted), request, order)
    if wanted is not None:
        query = query.where(wanted)
    total = _count(session, query)
    paged = query.order_by(None).order_by(*order).limit(request.page_size).offset(request.offset)
    rows = list(session.scalars(paged)) if scalars else list(session.execute(paged).all())
    return ListPage(rows, total, request)


def _count(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def _filtered_page(
    session: Session, query: Select[Any], request: ListRequest, order: Sequence[Column]
) -> ListPage[Any]:
    """A text filter reads every row (no index serves ``LIKE '% word%'``): one query pages and counts what matched,
    with a window over it, rather than a COUNT and a page that both read every row; a page past the end counts."""
    counted = query.add_columns(func.count().over()).order_by(None).order_by(*order)
    found = session.execute(counted.limit(request.page_size).offset(request.offset)).all()
    if found:
        return ListPage([row[0] for row in found], found[0][-1], request)
    return ListPage([], _count(session, query) if request.offset else 0, request)


def page_of_list(rows: Sequence[T], request: ListRequest) -> ListPage[T]:
    """A page of a list that is small by nature and computed whole (the organisations of the overview)."""
    return ListPage(list(rows[request.offset : request.offset + request.page_size]), len(rows), request)
