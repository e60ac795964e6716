"""Lists at province scale: every list page and API list, for an inspector and a secretary, p95 server time.

A province of ``--organizations`` communes × ``--documents`` processes (three revisions each: two superseded, one in
force; one in ten with a draft waiting), a catalogue of as many procedures per commune, a legal register whose
documents the processes cite, open legal reviews; rows go in with Core inserts shaped as the services write them
(as bench/restructure.py does), the people and one document with a long history through the services. Each list is
then read ``--repeat`` times with Flask's test client (the whole request: routing, service, template or schema) and
its p50 and p95 printed against the target of 300 ms.

    .venv/bin/python -m bench.lists                                 # SQLite, 100 × 250: 25,000 documents
    .venv/bin/python -m bench.lists --organizations 10 --documents 50 --repeat 5      # quick
    .venv/bin/python -m bench.lists --database-url postgresql+psycopg://postgres@127.0.0.1:5432/qms_bench
    .venv/bin/python -m bench.lists --workdir /tmp/province              # build there once, then read it again
    .venv/bin/python -m bench.lists --workdir /tmp/province --only overview --repeat 5
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import corpus

TARGET_MS = 300
PASSWORD = "Mật khẩu dài cho bench 2025!"
FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Cư trú")


def populate(connection: Any, organizations: int, documents: int) -> None:
    """The province's rows: organisations, catalogues, the legal register, documents, revisions, citations and open
    legal reviews (ids given, so the rows refer to each other without reading back)."""
    from sqlalchemy import insert

    from qms.listing import stored_folded
    from qms.models import (
        Citation,
        Document,
        LegalDocument,
        LegalRelation,
        LegalReview,
        Organization,
        Procedure,
        Revision,
        StoredFile,
        User,
        UserRole,
    )

    now = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    run = connection.execute
    run(insert(Organization.__table__), [
        {"id": 1, "code": "TINH", "name": "UBND tỉnh Lạng Sơn", "parent_id": None, "created_at": now},
        {"id": 2, "code": "SO-KHCN", "name": "Sở Khoa học và Công nghệ", "parent_id": 1, "created_at": now},
        *({"id": 10 + n, "code": f"XA-{n:03d}", "name": f"UBND xã Số {n}", "parent_id": 1, "created_at": now}
          for n in range(organizations)),
    ])
    # A drafter for the rows; the people who sign in are made through the service later.
    run(insert(User.__table__), [
        {"id": 10 + n, "username": f"soanthao.{n:03d}", "full_name": f"Người soạn thảo {n}", "title": "Công chức",
         "organization_id": 10 + n, "password_hash": "!bench", "is_active": True, "created_at": now}
        for n in range(organizations)
    ])
    run(insert(UserRole.__table__), [{"user_id": 10 + n, "role": "secretary"} for n in range(organizations)])
    legal = [{"id": 1, "number": "61/2018/NĐ-CP", "doc_type": "Nghị định", "title": "Về thực hiện cơ chế một cửa",
              "issuer": "Chính phủ", "issued_on": date(2018, 4, 23), "effective_from": date(2018, 6, 21),
              "is_stub": False, "created_at": now, "updated_at": now},
             {"id": 2, "number": "107/2021/NĐ-CP", "doc_type": "Nghị định", "title": "Sửa đổi Nghị định 61/2018",
              "issuer": "Chính phủ", "issued_on": date(2021, 12, 6), "effective_from": date(2021, 12, 6),
              "is_stub": False, "created_at": now, "updated_at": now}]
    legal += [{"id": 10 + n, "number": f"{n + 1}/2020/TT-BTP", "doc_type": "Thông tư",
               "title": f"Hướng dẫn {FIELDS[n % len(FIELDS)].lower()} số {n + 1}", "issuer": "Bộ Tư pháp",
               "issued_on": date(2020, 1, 1) + timedelta(days=n), "effective_from": date(2020, 3, 1),
               "is_stub": False, "created_at": now, "updated_at": now} for n in range(500)]
    run(insert(LegalDocument.__table__), legal)
    run(insert(LegalRelation.__table__), [{"source_id": 2, "target_id": 1, "kind": "amends"}])
    revision_id = 0
    for org in range(organizations):
        org_id = 10 + org
        procedures, docs, files, revisions, citations, reviews = [], [], [], [], [], []
        for n in range(documents):
            doc_id = org * documents + n + 1
            field = FIELDS[n % len(FIELDS)]
            tthc = f"1.{n + 1:06d}"
            procedures.append({"organization_id": org_id, "code": tthc, "name": f"Thủ tục {field.lower()} số {n + 1}",
                               "field": field, "level": "Xã", "time_text": "05 ngày làm việc", "time_value": 5,
                               "time_unit": "working_day", "fee": "Miễn", "is_abolished": False,
                               "created_at": now, "updated_at": now})
            # Nine in ten procedures have their process.
            if n % 10 == 9:
                continue
            code = f"QT-{field[:2].upper()}-{n + 1:03d}"
            docs.append({"id": doc_id, "organization_id": org_id, "code": code,
                         "title": (title := f"Quy trình {field.lower()}: thủ tục số {n + 1}"), "kind": "process",
                         "procedure_code": tthc, "folded_text": stored_folded(code, title, tthc), "status": "active",
                         "review_interval_months": 12, "created_at": now, "created_by_id": org_id})
            numbers = (1, 2, 3, 4) if n % 10 == 0 else (1, 2, 3)
            for number in numbers:
                revision_id += 1
                sha = f"{revision_id:064x}"
                at = now + timedelta(days=30 * number)
                draft = number == 4
                files.append({"sha256": sha, "size": 40_000, "created_at": now})
                revisions.append({
                    "id": revision_id, "document_id": doc_id, "number": number,
                    "issue_number": None if draft else number,
                    "status": "draft" if draft else "effective" if number == 3 else "superseded",
                    "file_sha256": sha, "filename": f"{code}-{number}.docx",
                    "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "size": 40_000, "change_summary": f"Sửa đổi lần {number} theo Nghị định 107/2021/NĐ-CP",
                    "text": "", "has_text": True,
                    "drafted_by_id": org_id, "drafted_by_name": f"Người soạn thảo {org}", "drafted_by_title": "",
                    "created_at": at, "submitted_at": None if draft else at, "reviewed_at": None if draft else at,
                    "approved_at": None if draft else at, "approved_by_id": None, "approved_by_name":
                    None if draft else "Chủ tịch UBND xã", "approved_by_title": "",
                    "effective_from": None if draft else at.date(), "took_effect_at": None if draft else at,
                    "superseded_at": at + timedelta(days=30) if number < 3 else None,
                    "base_revision_id": revision_id - 1 if draft else None,
                })
                if number == 3:
                    citations += [
                        {"revision_id": revision_id, "legal_document_id": 1, "raw": "61/2018/NĐ-CP",
                         "source": "extracted", "created_at": now},
                        {"revision_id": revision_id, "legal_document_id": 10 + (n % 500), "raw": "",
                         "source": "extracted", "created_at": now},
                    ]
                    if n % 25 == 0:
                        reviews.append({"organization_id": org_id, "document_id": doc_id, "revision_id": revision_id,
                                        "cited_id": 1, "trigger_id": 2, "change": "amends",
                                        "since": date(2021, 12, 6), "state": "open", "opened_at": now})
        run(insert(Procedure.__table__), procedures)
        run(insert(Document.__table__), docs)
        run(insert(StoredFile.__table__), files)
        run(insert(Revision.__table__), revisions)
        run(insert(Citation.__table__), citations)
        if reviews:
            run(insert(LegalReview.__table__), reviews)


def people(session: Any, files: Any, today: date) -> dict[str, Any]:
    """Those who sign in, and one document with a long history, through the services."""
    from support.factories import make_docx

    from qms.accounts import users
    from qms.documents import lifecycle

    made = {}
    for username, organization, roles in (
        ("thuky", "XA-000", ["secretary", "registrar"]), ("kiemtra", "XA-000", ["reviewer"]),
        ("pheduyet", "XA-000", ["approver"]), ("doankiemtra", "SO-KHCN", ["inspector"]), ("quantri", "TINH", ["admin"]),
    ):
        made[username] = users.create(session, None, username=username, full_name=f"Nguyễn Văn {username}",
                                      title="Công chức", organization_code=organization, roles=roles,
                                      password=PASSWORD)
    secretary = made["thuky"]
    document = lifecycle.create_document(session, secretary, organization_code="XA-000", code="QT-LICHSU",
                                         title="Quy trình có lịch sử dài", kind="process", procedure_code=None)
    for attempt in range(30):
        revision = lifecycle.add_revision(session, files, secretary, document.id,
                                          stream=io.BytesIO(make_docx(f"Bản thử {attempt}")),
                                          filename="quy-trinh.docx", change_summary=f"Thử lần {attempt}")
        lifecycle.act(session, secretary, revision.id, "discard", today=today, comment="Không dùng")
    made["history"] = document.id
    return made


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(client: Any, url: str, repeat: int, headers: dict[str, str] | None = None) -> tuple[float, float, float, int]:
    """p50 and p95 of the wall time and p95 of this process's CPU time, in milliseconds, of ``repeat`` requests
    after one warm-up, and the status. On a machine shared with other jobs the CPU time is the steadier figure (the
    database server's own time is in the wall time only, on PostgreSQL)."""
    response = client.get(url, headers=headers or {})
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers or {})
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), _p95(wall), _p95(cpu), response.status_code


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organizations", type=int, default=100)
    parser.add_argument("--documents", type=int, default=250, help="procedures per commune; 9 in 10 have a process")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temporary directory)")
    parser.add_argument("--workdir", help="build the province there once (SQLite unless --database-url) and read the "
                                          "lists of the province built there by an earlier run")
    parser.add_argument("--only", help="read only the lists whose name matches this regular expression")
    args = parser.parse_args(argv)

    from argon2 import PasswordHasher

    from qms import create_app
    from qms.accounts import users

    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # sign-ins are not what is timed
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="qms-lists-"))
    workdir.mkdir(parents=True, exist_ok=True)
    built = workdir / "built.json"
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "STORAGE_DIR": str(workdir), "FILES_DIR": str(workdir / "files"),
                      "INDEX_DIR": str(workdir / "index"), "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False})
    if built.exists():
        made = json.loads(built.read_text())
        print(f"reading the province built in {workdir}: {made['counts']}")
        from qms.extensions import db
        from qms.ops import schema

        with app.app_context():
            schema.upgrade(db.engine)  # a migration added since the build fills its columns as it would in production
    else:
        made = build(app, url, args.organizations, args.documents)
        built.write_text(json.dumps(made))
    lists(app, made, args)


def build(app: Any, url: str, organizations: int, documents: int) -> dict[str, Any]:
    """The province in the database at ``url``, and what the readings need of it (the history's document)."""
    from sqlalchemy import text

    from qms import clock
    from qms.extensions import db
    from qms.files.store import file_store
    from qms.ops import schema

    with app.app_context():
        engine = db.engine
        if url.startswith("postgresql"):
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        schema.upgrade(engine)
        started = time.perf_counter()
        with engine.begin() as connection:
            populate(connection, organizations, documents)
            corpus.follow_explicit_ids(
                connection, ("organizations", "users", "documents", "revisions", "legal_documents"))
            if url.startswith("sqlite"):
                connection.execute(text("ANALYZE"))
        if url.startswith("postgresql"):  # what autovacuum does in production, before the first reading
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        made = people(db.session(), file_store(app), clock.today())
        counts = {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                  for table in ("organizations", "documents", "revisions", "procedures", "citations", "legal_reviews")}
        db.session.remove()
    summary = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    print(f"built in {time.perf_counter() - started:.0f} s: {summary}")
    return {"history": made["history"], "counts": summary}


def lists(app: Any, made: dict[str, Any], args: argparse.Namespace) -> None:
    """Each list read ``args.repeat`` times by its reader, p50 / p95 printed."""
    from qms.accounts import users
    from qms.extensions import db

    history = made["history"]
    readers = {
        "inspector": ("doankiemtra", [
            ("documents", "/"), ("documents, text «ho tich»", "/?q=ho+tich"), ("documents, page 200", "/?page=200"),
            ("documents by effective date", "/?sort=-effective_from"),
            ("catalogue of a commune", "/procedures?organization=XA-007"), ("legal register", "/legal-documents"),
            ("legal register, text", "/legal-documents?q=mot+cua"),
            ("legal reviews of a commune", "/organizations/XA-007/legal-reviews"),
            ("history", f"/documents/{history}/history"),
            ("API documents", "/api/v1/documents"), ("API documents, text", "/api/v1/documents?q=ho+tich"),
            ("API catalogue", "/api/v1/organizations/XA-007/procedures"),
            ("API legal register", "/api/v1/legal-documents"),
            ("API history", f"/api/v1/documents/{history}/history"),
        ]),
        "secretary": ("thuky", [
            ("documents", "/"), ("documents, text", "/?q=ho+tich"), ("awaiting", "/tasks/revisions"),
            ("workspace", "/tasks"), ("dashboard", "/dashboard"), ("catalogue", "/procedures"),
            ("legal register", "/legal-documents"),
            ("legal reviews", "/organizations/XA-000/legal-reviews"), ("history", f"/documents/{history}/history"),
            ("API documents", "/api/v1/documents"), ("API awaiting", "/api/v1/revisions/awaiting"),
            ("API catalogue", "/api/v1/organizations/XA-000/procedures"),
            ("API legal reviews", "/api/v1/organizations/XA-000/legal-reviews"),
        ]),
        "administrator": ("quantri", [("users", "/admin/users"), ("API users", "/api/v1/users")]),
        "inspector ": ("doankiemtra", [
            ("dashboard of a commune", "/dashboard?organization=XA-007"), ("overview", "/inspect"),
            ("overview, page 2 by coverage", "/inspect?page=2&sort=coverage"),
            ("overview as of 31/12/2025", "/inspect?as_of=2025-12-31"), ("overview .xlsx", "/inspect/overview.xlsx"),
            ("API overview", "/api/v1/overview"), ("API overview as of", "/api/v1/overview?as_of=2025-12-31"),
            ("API overview rows", "/api/v1/overview/rows"),
        ]),
    }
    chosen = re.compile(args.only) if args.only else None
    walked_once(app)
    print(f"\n{'reader':<14}{'list':<34}{'p50 ms':>8}{'p95 ms':>8}{'CPU p95':>9}  status")
    worst = 0.0
    for role, (username, lists) in readers.items():
        client = app.test_client()
        client.post("/login", data={"username": username, "password": PASSWORD})
        with app.app_context():
            from qms.accounts.users import by_username

            token = users.issue_token(db.session(), None, by_username(db.session(), username))
            db.session.remove()
        headers = {"Authorization": f"Bearer {token}"}
        for name, path in lists:
            if chosen and not chosen.search(name):
                continue
            p50, p95, cpu, status = timed(client, path, args.repeat, headers if path.startswith("/api/") else None)
            worst = max(worst, p95)
            flag = "" if p95 <= TARGET_MS else "  over target"
            print(f"{role:<14}{name:<34}{p50:>8.0f}{p95:>8.0f}{cpu:>9.0f}  {status}{flag}")
    print(f"\nworst p95: {worst:.0f} ms (target {TARGET_MS} ms)")
    app.extensions["qms.search"].close()
    app.extensions["qms.engine"].dispose()


def walked_once(app: Any) -> None:
    """The worker's hourly walk of the whole audit chain, kept, with its wall and CPU time: the overview pages
    then walk only the entries written after it, as they do in service."""
    from qms import clock
    from qms.audit import anchors, verification
    from qms.extensions import db

    with app.app_context():
        started, started_cpu = time.perf_counter(), time.process_time()
        health = verification.walk_and_keep(db.session(), anchors.anchor_file(app), now=clock.now(),
                                            source=verification.SCHEDULED)
        wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000
        db.session.remove()
    print(f"the audit chain's full walk (the worker's, hourly), once: {wall:.0f} ms wall, {cpu:.0f} ms CPU "
          f"({health.entries:,} entries); the overview pages below walk only the entries after it")


if __name__ == "__main__":
    main()
