"""/healthz answers while the process is up; /readyz names the check that fails."""

from __future__ import annotations

from pathlib import Path

from qms import create_app


def test_healthz_answers_without_login_and_without_the_database(app):
    nowhere = create_app({**app.config, "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none"})

    response = nowhere.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_database_storage_and_index_work(client):
    response = client.get("/readyz")

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready" and body["failed"] == []
    assert set(body["checks"]) == {"database", "storage", "index"}


def test_readyz_names_a_database_without_schema(app, tmp_path):
    unmigrated = create_app({**app.config, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})

    response = unmigrated.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database"]
    assert "flask qms init" in response.get_json()["checks"]["database"]["detail"]


def test_readyz_names_an_unreachable_database(app):
    nowhere = create_app({**app.config, "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none"})

    response = nowhere.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database"]


def test_readyz_names_a_file_store_that_cannot_be_written(app, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the store should be")
    broken = create_app({**app.config, "FILES_DIR": str(blocker)})

    response = broken.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["failed"] == ["storage"]


def test_readyz_names_a_damaged_index_until_it_has_rebuilt_itself(app, client):
    assert client.get("/readyz").status_code == 200  # the index exists now
    current = Path(app.config["INDEX_DIR"]) / "current"
    (current / "position.json").write_text("{not json")
    app.extensions["qms.search"].close()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["failed"] == ["index"]
    assert "đang được xây dựng lại" in response.get_json()["checks"]["index"]["detail"]
    app.extensions["qms.search"]._rebuilder.join(timeout=60)
    assert client.get("/readyz").status_code == 200


def test_health_probes_are_exempt_from_rate_limits(app):
    from qms.extensions import limiter

    limited = create_app({**app.config, "RATELIMIT_ENABLED": True, "RATELIMIT_DEFAULT": "3 per minute"})
    client = limited.test_client()
    try:
        assert [client.get("/login").status_code for _ in range(4)][-1] == 429  # the default limit bites elsewhere
        assert {client.get(path).status_code for path in ("/healthz", "/readyz") for _ in range(10)} == {200}
    finally:
        # Flask-Limiter keeps a default limit on its one extension object for every later app.
        limiter.limit_manager.set_default_limits([])
