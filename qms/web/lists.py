"""The state of a list page in its URL: page, page size, sort and text, read into a ``ListRequest``; links that
change one of them and keep the rest, so a list can be bookmarked and shared."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for

from qms.errors import Invalid
from qms.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ListRequest

#: The page sizes a person is offered.
PAGE_SIZES = (20, 50, 100, 200)


def _number(name: str, default: int, largest: int) -> int:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= largest:
        raise Invalid(f"Tham số {name} phải là số nguyên từ 1 đến {largest}.", code="invalid_page")
    return int(raw)


def list_request(default_sort: str | None = None) -> ListRequest:
    """The list request of this page's query string; a page or size that is not a number is a clear 422."""
    return ListRequest(
        page=_number("page", 1, 1_000_000),
        page_size=_number("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
        sort=(request.args.get("sort") or "").strip() or default_sort,
        q=request.args.get("q") or "",
    )


def list_url(**changes: Any) -> str:
    """This page's URL with ``changes`` to its query (None drops a parameter); a new sort or text starts at page 1."""
    args: dict[str, Any] = {key: value for key, value in request.args.items() if value != ""}
    if "page" not in changes and ("sort" in changes or "q" in changes or "page_size" in changes):
        args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    if args.get("page") in (1, "1"):
        args.pop("page")
    return url_for(request.endpoint or "", **(request.view_args or {}), **args)


def sort_of(key: str) -> str | None:
    """How this page is sorted by ``key``: "ascending", "descending" or None, for aria-sort and the arrow."""
    current = request.args.get("sort") or ""
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return None


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(list_url=list_url, sort_of=sort_of, PAGE_SIZES=PAGE_SIZES)
