"""``/healthz`` (the process answers; nothing else is touched) and ``/readyz`` (it can do its work).

No login, no rate limit, no database work before the view: load balancers call these every few seconds.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from qms import search
from qms.extensions import db, limiter
from qms.files import store
from qms.ops import health

bp = Blueprint("health", __name__)
limiter.exempt(bp)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    checks = health.readiness(
        db.engine, store.file_store(current_app), search.search_index(current_app),
        min_free_bytes=int(current_app.config["MIN_FREE_BYTES"]),
    )
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "unavailable",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
        "failed": [check.name for check in checks if not check.ok],
    }
    return jsonify(body), 200 if ready else 503
