"""Worker processes that post workflow actions at the same moment, round after round (see concurrent_workers)."""

from __future__ import annotations

from typing import Any


def act_in_rounds(settings: dict[str, Any], rounds: list[tuple[str, int, dict[str, Any]]], start: Any) -> list:
    """Per round (token, revision id, action body): wait for the other worker, post; (status, error code) of each."""
    from support.concurrent_workers import _worker_app

    app = _worker_app(settings)
    client = app.test_client()
    answers = []
    for token, revision_id, body in rounds:
        start.wait()
        response = client.post(
            f"/api/v1/revisions/{revision_id}/actions", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        answers.append((response.status_code, (response.get_json() or {}).get("error", {}).get("code")))
    app.extensions["qms.engine"].dispose()
    return answers
