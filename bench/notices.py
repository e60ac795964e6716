"""Notice benchmark: a secretary submits a revision that 50 reviewers must be told of, through the page.

Three ways, each on a fresh installation, the same number of submissions:

- ``off``: no notices at all (``notify`` replaced by nothing): the request as it was before notices;
- ``queued``: the notices written in the request's unit of work and their mail handed to the queue (production);
- ``in-request``: the mail sent over SMTP inside the request (Huey's immediate mode), to show what the queue saves.

Mail goes to a real SMTP server on loopback (aiosmtpd, from the test requirements). Prints the median and 90th
percentile of the response time of each.

    .venv/bin/python -m bench.notices                     # SQLite in a temporary directory, 50 reviewers, 20 submits
    .venv/bin/python -m bench.notices --reviewers 50 --rounds 20 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/qms_bench
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

PASSWORD = "Bench-mat-khau-2026!"


def _fresh_database(url: str | None, directory: Path) -> str:
    from sqlalchemy import create_engine, text

    from qms.database import make_engine
    from qms.ops import schema

    if url is None:
        url = f"sqlite:///{directory / 'qms.sqlite3'}"
        engine = make_engine(url)
    else:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    schema.upgrade(engine)
    engine.dispose()
    return url


def measure(mode: str, *, reviewers: int, rounds: int, database_url: str | None, smtp_url: str) -> list[float]:
    """Seconds of each submission's request."""
    from argon2 import PasswordHasher
    from docx import Document as WordDocument

    from qms import clock, create_app
    from qms.accounts import organizations, users
    from qms.documents import lifecycle
    from qms.extensions import db
    from qms.files.store import file_store

    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # people are not what is measured
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        url = _fresh_database(database_url, directory)
        app = create_app({
            "DATABASE_URL": url, "STORAGE_DIR": str(directory), "FILES_DIR": str(directory / "files"),
            "INDEX_DIR": str(directory / "index"), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False, "LOG_LEVEL": "WARNING",
            "TASKS_IMMEDIATE": "1" if mode == "in-request" else "0",
            "SMTP_URL": "" if mode == "off" else smtp_url, "BASE_URL": "https://qms.example.gov.vn",
        })
        saved = lifecycle.notify
        if mode == "off":
            lifecycle.notify = lambda *args, **kwargs: []  # type: ignore[assignment]  # the request without notices
        try:
            with app.app_context():
                session = db.session
                organizations.create(session, None, "XA-BENCH", "UBND xã Thử Nghiệm")
                secretary = users.create(session, None, username="thuky", full_name="Thư Ký", title="",
                                         organization_code="XA-BENCH", roles=["secretary"], password=PASSWORD)
                for n in range(reviewers):
                    person = users.create(session, None, username=f"kiemtra{n:03d}", full_name=f"Kiểm Tra {n}",
                                          title="", organization_code="XA-BENCH", roles=["reviewer"],
                                          password=PASSWORD)
                    users.change_own_notices(session, person, email=f"kiemtra{n:03d}@example.gov.vn",
                                             preference="each")
                drafts = []
                for n in range(rounds + 1):  # one to warm up
                    document = lifecycle.create_document(session, secretary, organization_code="XA-BENCH",
                                                         code=f"QT-{n:03d}", title=f"Quy trình {n}", kind="process")
                    word = WordDocument()
                    word.add_paragraph(f"Quy trình {n}")
                    content = io.BytesIO()
                    word.save(content)
                    content.seek(0)
                    drafts.append(lifecycle.add_revision(
                        session, file_store(app), secretary, document.id, stream=content, filename="qt.docx",
                        change_summary="Ban hành lần đầu").id)
                assert clock.today()
            client = app.test_client()
            signed = client.post("/login", data={"username": "thuky", "password": PASSWORD})
            assert signed.status_code == 302, signed.status_code
            times = []
            for revision_id in drafts:
                started = time.perf_counter()
                response = client.post(f"/revisions/{revision_id}/actions", data={"action": "submit"})
                times.append(time.perf_counter() - started)
                assert response.status_code == 302, response.status_code
            return times[1:]
        finally:
            lifecycle.notify = saved
            app.extensions["qms.search"].close()
            app.extensions["qms.engine"].dispose()


def main(argv: list[str] | None = None) -> None:
    from support.mail_server import mail_server

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    with mail_server() as server:
        for mode in ("off", "queued", "in-request"):
            times = measure(mode, reviewers=args.reviewers, rounds=args.rounds, database_url=args.database_url,
                            smtp_url=server.url)
            ordered = sorted(times)
            results[mode] = (statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))])
        mailed = len(server.messages)
    print(f"submit with {args.reviewers} reviewers to tell, {args.rounds} submissions each "
          f"({'PostgreSQL' if args.database_url else 'SQLite'})")
    print(f"{'mode':<12}{'median ms':>12}{'p90 ms':>10}")
    for mode, (median, p90) in results.items():
        print(f"{mode:<12}{median * 1000:>12.1f}{p90 * 1000:>10.1f}")
    print(f"mails received by the SMTP server (in-request mode only sends in the request): {mailed}")


if __name__ == "__main__":
    main()
