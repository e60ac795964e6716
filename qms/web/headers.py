"""Response headers that keep every page to its own assets: no sniffing, no foreign scripts, styles or frames;
and nothing but the static files kept by a browser's or a proxy's cache."""

from __future__ import annotations

from flask import Flask, Response, request

#: Everything comes from the application itself (closed agency networks, no CDN). Images may be data: URIs
#: (pictures inside a converted .docx); frames only our own inline PDFs.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-src 'self'; "
    "frame-ancestors 'self'; form-action 'self'; base-uri 'self'"
)

#: Every response but a static file.
NOT_STORED = "no-store, private"


def init_app(app: Flask) -> None:
    @app.after_request
    def _protect(response: Response) -> Response:
        # setdefault: a response that needs another policy (the inline PDF) has set its own.
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":
            # Pages, downloads and API answers are for one signed-in person (or say who may sign in): a shared
            # computer's back button or a proxy must not show them to the next one. Static files stay cacheable.
            response.headers["Cache-Control"] = NOT_STORED
        return response
