"""The QMS application: ISO 9001 document control for Vietnamese public administration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from config import settings

PROJECT_DIR = Path(__file__).resolve().parent.parent


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

    from qms import search
    from qms.audit import anchors
    from qms.extensions import csrf, db, limiter, login_manager
    from qms.files import store
    from qms.ops import faults, request_line, request_log, scheduling

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

    from qms import api, web

    web.init_app(app)
    api.init_app(app)

    from qms import cli

    cli.init_app(app)
    return app
