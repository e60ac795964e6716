"""A worker process that tries to sign in, as one gunicorn worker would see it (see concurrent_workers)."""

from __future__ import annotations

from typing import Any


def try_sign_ins(settings: dict[str, Any], attempts: list[tuple[str, str]]) -> list[int]:
    """Post each (username, password) to /login from this process; the status of each answer."""
    from support.concurrent_workers import _worker_app

    app = _worker_app(settings)
    client = app.test_client()
    statuses = [
        client.post("/login", data={"username": username, "password": password}).status_code
        for username, password in attempts
    ]
    app.extensions["qms.engine"].dispose()
    return statuses
