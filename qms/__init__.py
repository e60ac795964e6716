"""The QMS application: ISO 9001 document control for Vietnamese public administration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import settings

PROJECT_DIR = settings.PROJECT_DIR


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings → extensions → blueprints → CLI."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
    )
    app.config.from_object(settings)
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key(Path(app.config["STORAGE_DIR"]))
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # The client's own address (rate limits, audit log) and scheme, as the trusted proxies forwarded them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    from qms import faults, search, tasks
    from qms.audit import anchors
    from qms.extensions import csrf, db, limiter, login_manager
    from qms.files import store
    from qms.ops import request_line, request_log, scheduling

    request_log.init_app(app)  # first: its request id and timer wrap every other hook
    request_line.init_app(app)  # before anything reads the query or the database
    faults.init_app(app)
    db.init_app(app)
    store.init_app(app)
    anchors.init_app(app)
    search.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    scheduling.init_app(app)
    tasks.init_app(app)

    from qms import api, input_rule, web

    # Before the pages' own hooks: nothing reads input that breaks the rule; the API checks after its token.
    input_rule.init_app(app, checked_elsewhere=api.errors.is_api_request)
    web.init_app(app)
    api.init_app(app)

    from qms import cli

    cli.init_app(app)
    return app
