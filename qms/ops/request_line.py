"""An over-long query string is refused by the application, as JSON under /api/, before any view reads it.

gunicorn refuses a request line longer than its ``limit_request_line`` with its own HTML page; that limit is
set above what the application accepts (config/gunicorn.conf.py), so a client always gets the application's
answer: 414 with the API's error body, or the error page. Every query the API documents fits: its parameters'
maximum lengths, percent-encoded, stay under ``MAX_QUERY_BYTES``.
"""

from __future__ import annotations

from flask import Flask, abort, request


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_an_over_long_query() -> None:
        if len(request.query_string) > app.config["MAX_QUERY_BYTES"]:
            abort(414)
