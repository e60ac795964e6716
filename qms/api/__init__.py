"""The JSON API under /api/v1, described by the OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec.plugins import baseconverter2paramschema, unicodeconverter2paramschema
from werkzeug.exceptions import HTTPException
from werkzeug.routing import PathConverter, UnicodeConverter

from qms.api import (
    acknowledgements,
    audit,
    conformity,
    diff,
    documents,
    errors,
    legal,
    me,
    notifications,
    organizations,
    overview,
    periodic_reviews,
    procedures,
    records,
    registers,
    revisions,
    rules,
    scorecard,
    search,
    users,
)

SECURITY_SCHEME = "bearerAuth"

ErrorHandler = Callable[[Any], Any]


class QmsApi(Api):
    """flask-smorest's Api whose HTTP errors are JSON under /api/ only; the pages keep their own error pages."""

    ERROR_SCHEMA = errors.ErrorSchema

    def _register_error_handlers(self) -> None:
        """Put /api/ requests first in every app-wide HTTP error handler; other requests get the handler as it was."""
        app = self._app
        for by_class in app.error_handler_spec[None].values():
            for exc_class, handler in list(by_class.items()):
                if issubclass(exc_class, HTTPException):
                    by_class[exc_class] = self._api_first(handler)
        if HTTPException not in app.error_handler_spec[None][None]:
            app.register_error_handler(HTTPException, self._api_first(_default_page))

    def _api_first(self, page_handler: ErrorHandler) -> ErrorHandler:
        @wraps(page_handler)
        def handle(error: HTTPException) -> Any:
            return self.handle_http_exception(error) if errors.is_api_request() else page_handler(error)

        return handle

    def handle_http_exception(self, error: HTTPException) -> Any:
        return errors.from_http_exception(error)


def _segment_schema(converter: UnicodeConverter) -> dict[str, Any]:
    """A string path parameter as the input rule admits it: no control character (``qms.input_rule``)."""
    return {**unicodeconverter2paramschema(converter), "pattern": rules.SEGMENT}


def _path_schema(converter: PathConverter) -> dict[str, Any]:
    """A path parameter that may hold slashes (a legal number), under the same rule."""
    return {**baseconverter2paramschema(converter), "minLength": 1, "pattern": rules.SEGMENT}


def _default_page(error: HTTPException) -> HTTPException:
    """Flask renders an HTTPException returned by a handler as its own HTML page."""
    return error


def init_app(app: Flask) -> None:
    """Register the API; after the pages, so that their app-wide error handlers are already there to wrap."""
    api = QmsApi(app, spec_kwargs={"security": [{SECURITY_SCHEME: []}]})
    api.register_converter(UnicodeConverter, _segment_schema)
    api.register_converter(PathConverter, _path_schema)
    # flask-smorest registers its responses lazily (only those an operation uses appear in the document).
    api.spec.components.responses_lazy["UNPROCESSABLE_ENTITY"]["description"] = rules.unprocessable_description()
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {"type": "http", "scheme": "bearer", "description": "A token from `flask qms token USERNAME`."},
    )
    for name, schema in revisions.ACTION_BODIES.items():
        api.spec.components.schema(name, schema=schema)
    for module in (
        me, documents, revisions, audit, search, procedures, legal, overview, diff, registers, conformity,
        organizations, records, scorecard, periodic_reviews, acknowledgements, notifications, users,
    ):
        api.register_blueprint(module.blp)
