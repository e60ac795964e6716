"""No list asks the database once per row: a page of 50 rows costs the same number of SQL statements as a page of
5, on every list page and every API list, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from support.pages import login
from support.province import Province, build
from support.statements import statements_sent

from qms import clock, create_app
from qms.accounts import users
from qms.extensions import db
from qms.files.store import file_store
from qms.inspection import kept_counts

# (who reads, the list page, the API list); {document} is the document with a long history.
LISTS = {
    "documents (inspector)": ("inspector", "/?", "/api/v1/documents?"),
    "documents (secretary)": ("secretary", "/?", "/api/v1/documents?"),
    "awaiting": ("secretary", "/tasks/revisions?", "/api/v1/revisions/awaiting?"),
    "users": ("admin", "/admin/users?", "/api/v1/users?"),
    "catalogue": ("secretary", "/procedures?", "/api/v1/organizations/XA-LOCBINH/procedures?"),
    "legal register": ("inspector", "/legal-documents?", "/api/v1/legal-documents?"),
    "legal reviews": ("secretary", "/organizations/XA-LOCBINH/legal-reviews?",
                      "/api/v1/organizations/XA-LOCBINH/legal-reviews?"),
    "legal proposals": ("secretary", "/legal-proposals?", "/api/v1/legal-proposals?"),
    "overview": ("inspector", "/inspect?", "/api/v1/overview/rows?"),
    "history": ("inspector", "/documents/{document}/history?", "/api/v1/documents/{document}/history?"),
}


@pytest.fixture(scope="module")
def province(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Province]]:
    """One province for the whole module: building it through the services takes a while."""
    from conftest import _fresh_database_url

    tmp_path: Path = tmp_path_factory.mktemp("province")
    app = create_app({
        "TESTING": True, "DATABASE_URL": _fresh_database_url(database, tmp_path),
        "STORAGE_DIR": str(tmp_path / "storage"), "FILES_DIR": str(tmp_path / "storage" / "files"),
        "INDEX_DIR": str(tmp_path / "storage" / "index"), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
    })
    with app.app_context():
        built = build(db.session(), file_store(app), clock.today())
    yield app, built
    app.extensions["qms.search"].close()
    app.extensions["qms.engine"].dispose()


def _statements(app: Flask, fetch, url: str) -> tuple[int, object]:
    kept_counts.clear()  # the overview keeps its counts between requests: what is measured is their computation
    with statements_sent(app.extensions["qms.engine"]) as sent:
        response = fetch(url)
    return len(sent), response


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LISTS))
def test_a_page_of_50_rows_costs_what_a_page_of_5_costs(province, name):
    app, built = province
    role, page, api = (part.format(document=built.storied.id) for part in LISTS[name])
    reader = getattr(built, role)
    client = app.test_client()
    with app.app_context():
        login(client, reader)
        token = users.issue_token(db.session(), None, db.session().merge(reader))
    headers = {"Authorization": f"Bearer {token}"}

    for url, fetch in ((page, lambda u: client.get(u)), (api, lambda u: client.get(u, headers=headers))):
        fetch(url + "page_size=5")  # the first request of a day may do the day's scheduled work
        counts = {}
        for size in (5, 50):
            counts[size], response = _statements(app, fetch, f"{url}page_size={size}")
            assert response.status_code == 200, (url, response.status_code)
            if url == api:
                shown = len(response.get_json())
                assert json.loads(response.headers["X-Pagination"])["total"] > 50
            else:
                shown = response.get_data(as_text=True).count("<tr") - 1  # the heading's row
            assert shown >= min(size, 50) or name == "history", (url, size, shown)
        assert counts[5] == counts[50], f"{name}: {url} runs {counts[5]} statements for 5 rows, {counts[50]} for 50"


@pytest.mark.slow
@pytest.mark.parametrize("day", ["today", "yesterday"])
def test_the_overview_of_every_organisation_costs_what_one_organisation_costs(province, day):
    """The overview computes every organisation's row (its sorts are of computed numbers): the statements must not
    grow with the organisations, today or as of a past day, on the page, the API and the workbook."""
    app, built = province
    client = app.test_client()
    with app.app_context():
        login(client, built.inspector)
        token = users.issue_token(db.session(), None, db.session().merge(built.inspector))
    headers = {"Authorization": f"Bearer {token}"}
    as_of = f"as_of={clock.today() - timedelta(days=1)}&" if day == "yesterday" else ""
    for url in (f"/inspect?{as_of}", f"/api/v1/overview?{as_of}", f"/inspect/overview.xlsx?{as_of}"):
        client.get(url, headers=headers)  # the first request of a day may do the day's scheduled work
        one, response = _statements(app, lambda u: client.get(u, headers=headers), f"{url}parent=XA-LOCBINH")
        assert response.status_code == 200, url
        every, response = _statements(app, lambda u: client.get(u, headers=headers), url)
        assert response.status_code == 200, url
        if url.startswith("/api/"):
            assert len(response.get_json()["rows"]) > 50
        assert one == every, f"{url} runs {one} statements for one organisation, {every} for all"
