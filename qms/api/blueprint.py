"""The base of every API blueprint: bearer auth, domain errors as JSON, no CSRF, multipart bodies, documented errors."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

import marshmallow as ma
from flask import Request
from flask_smorest import Blueprint, Page
from flask_smorest.pagination import PaginationParameters
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from qms import input_rule
from qms.api import auth, errors, read_only
from qms.errors import DomainError
from qms.extensions import csrf
from qms.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ListPage

PREFIX = "/api/v1"
#: Route converter for ids: a number no id column can hold is "not found", not a database error.
ID = "int(max=2147483647)"

View = TypeVar("View", bound=Callable[..., Any])


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser plus "form_and_files": one schema reads the fields and files of a multipart body."""

    __location_map__ = {**FlaskParser.__location_map__, "form_and_files": "load_form_and_files"}

    def load_form_and_files(self, req: Request, schema: ma.Schema) -> Any:
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


#: The X-Pagination header as the OpenAPI document states it.
PAGINATION_HEADER = {
    "description": "The list's pages as a JSON object: total (rows in the whole list), total_pages, first_page, "
    "last_page, page, previous_page and next_page (absent at either end).",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    name: {"type": "integer"}
                    for name in ("total", "total_pages", "first_page", "last_page", "page", "previous_page",
                                 "next_page")
                },
                "required": ["total", "total_pages"],
            }
        }
    },
}


class ListPager(Page):
    """flask-smorest's pager over a service's list: the view returns how to read one page (a function of the page
    and its size), and the service answers with one LIMIT/OFFSET query and one COUNT, never the whole list."""

    def __init__(self, collection: Callable[[int, int], ListPage[Any]], page_params: PaginationParameters) -> None:
        self.result = collection(page_params.page, page_params.page_size)
        super().__init__(collection, page_params)

    @property
    def items(self) -> list[Any]:
        return self.result.rows

    @property
    def item_count(self) -> int:
        return self.result.total


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint under /api/v1 whose every view needs a bearer token; lists page as
    ``@blp.paginate(ListPager)``: ``page``, ``page_size`` (default 50, at most 200), the X-Pagination header."""

    ARGUMENTS_PARSER = ArgumentsParser()
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": DEFAULT_PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }

    def __init__(self, name: str, import_name: str, **kwargs: Any) -> None:
        super().__init__(name, import_name, url_prefix=PREFIX, **kwargs)
        self.before_request(auth.authenticate)
        self.before_request(read_only.refuse_writes)
        self.before_request(input_rule.check_request)
        self.register_error_handler(DomainError, errors.from_domain_error)
        csrf.exempt(self)

    def _document_pagination_metadata(self, spec: Any, resp_doc: dict[str, Any]) -> None:
        """X-Pagination carries a JSON object, which OpenAPI 3 states as the header's content, not its schema (a
        header's schema describes the simple style, ``total,3,page,1``)."""
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = PAGINATION_HEADER

    def error_responses(self, *statuses: int) -> Callable[[View], View]:
        """Document the errors an operation answers with; 401 always, since every operation needs a token, and 414
        for a query string past MAX_QUERY_BYTES, which any request may send."""

        def decorator(view: View) -> View:
            for status in sorted({401, 414, *statuses}, reverse=True):
                view = self.alt_response(status, response=HTTPStatus(status).name)(view)
            return view

        return decorator
