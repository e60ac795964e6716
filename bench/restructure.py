"""Merge benchmark: two communes of N documents each (three revisions apiece) and their quality records, merged into
a new one.

Rows go in with Core inserts (as bench/corpus.py does); the merge itself runs through the service, as the API
calls it: a preview, resolutions for every clash it lists (codes and TTHC covered twice), then the change in
one unit of work. Prints the seconds of each step.

    .venv/bin/python bench/restructure.py                      # SQLite in a temporary directory, 300 + 300
    .venv/bin/python bench/restructure.py --documents 300 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/qms_bench
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench import corpus

#: Codes both communes use (a clash each) and TTHC both serve (a process withdrawn each).
CLASHING_CODES = 50
SHARED_PROCEDURES = 20


def populate(connection: object, documents: int, records: int = 10) -> None:
    """Province, two communes with their people, documents, revisions, catalogues and ``records`` of each kind of
    quality record (audits with three findings each)."""
    from sqlalchemy import insert

    from qms.models import (
        AuditFinding,
        Document,
        InternalAudit,
        ManagementReview,
        Organization,
        Procedure,
        Publication,
        QualityObjective,
        Revision,
        StoredFile,
        User,
        UserRole,
    )

    now = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    run = connection.execute  # type: ignore[attr-defined]
    run(insert(Organization.__table__), [
        {"id": 1, "code": "TINH", "name": "UBND tỉnh", "parent_id": None, "created_at": now},
        {"id": 2, "code": "XA-A", "name": "UBND xã A", "parent_id": 1, "created_at": now},
        {"id": 3, "code": "XA-B", "name": "UBND xã B", "parent_id": 1, "created_at": now},
    ])
    users = [{"id": 1, "username": "quantri", "full_name": "Quản trị", "title": "", "organization_id": 1,
              "password_hash": "!bench", "is_active": True, "created_at": now},
             {"id": 2, "username": "doankiemtra", "full_name": "Đoàn kiểm tra", "title": "", "organization_id": 1,
              "password_hash": "!bench", "is_active": True, "created_at": now}]
    roles = [{"user_id": 1, "role": "admin"}, {"user_id": 2, "role": "inspector"}]
    for org in (2, 3):
        for offset, role in enumerate(("secretary", "reviewer", "approver"), 1):
            uid = org * 10 + offset
            users.append({"id": uid, "username": f"{role}.{org}", "full_name": f"Người {role} {org}", "title": "",
                          "organization_id": org, "password_hash": "!bench", "is_active": True, "created_at": now})
            roles.append({"user_id": uid, "role": role})
    run(insert(User.__table__), users)
    run(insert(UserRole.__table__), roles)
    doc_rows, file_rows, revision_rows, procedure_rows = [], [], [], []
    revision_id = 0
    for org in (2, 3):
        for n in range(documents):
            doc_id = (org - 2) * documents + n + 1
            # The first codes are the same in both communes; the rest are the commune's own.
            code = f"QT-{n + 1:03d}" if n < CLASHING_CODES else f"QT-{org}-{n + 1:03d}"
            tthc = f"1.{(n if org == 2 or n < SHARED_PROCEDURES else n + documents) + 100000:06d}"
            doc_rows.append({"id": doc_id, "organization_id": org, "code": code, "title": f"Quy trình {code}",
                             "kind": "process", "procedure_code": tthc, "status": "active",
                             "review_interval_months": 12, "created_at": now, "created_by_id": org * 10 + 1})
            procedure_rows.append({"organization_id": org, "code": tthc, "name": f"Thủ tục {tthc}", "field": "",
                                   "level": "", "time_text": "", "fee": "", "is_abolished": False,
                                   "created_at": now, "updated_at": now})
            for number in (1, 2, 3):
                revision_id += 1
                sha = f"{revision_id:064x}"
                file_rows.append({"sha256": sha, "size": 1000, "created_at": now})
                at = now + timedelta(days=number)
                revision_rows.append({
                    "id": revision_id, "document_id": doc_id, "number": number, "issue_number": number,
                    "status": "effective" if number == 3 else "superseded", "file_sha256": sha,
                    "filename": f"{code}-{number}.docx", "content_type": "application/octet-stream", "size": 1000,
                    "change_summary": "Ban hành", "text": f"quy trình {code} lần {number}", "has_text": True,
                    "drafted_by_id": org * 10 + 1, "drafted_by_name": "Thư ký", "drafted_by_title": "",
                    "created_at": at, "submitted_at": at, "reviewed_at": at, "approved_at": at,
                    "approved_by_id": org * 10 + 3, "approved_by_name": "Chủ tịch", "approved_by_title": "",
                    "effective_from": at.date(), "took_effect_at": at,
                    "superseded_at": None if number == 3 else at + timedelta(days=1),
                })
    run(insert(Document.__table__), doc_rows)
    run(insert(StoredFile.__table__), file_rows)
    run(insert(Revision.__table__), revision_rows)
    run(insert(Procedure.__table__), procedure_rows)
    if not records:
        return
    day, sha = now.date(), file_rows[0]["sha256"]
    for org in (2, 3):
        run(insert(Publication.__table__), [
            {"organization_id": org, "number": f"{n}/QĐ-UBND", "signed_on": day, "signer": "Chủ tịch", "scope": [],
             "file_sha256": sha, "filename": "qd.pdf", "website_url": "", "notified_to": "", "created_at": now,
             "created_by_name": "Thư ký"} for n in range(records)])
        run(insert(ManagementReview.__table__), [
            {"organization_id": org, "held_on": day, "chair": "Chủ tịch", "inputs": {}, "decisions": "",
             "created_at": now, "created_by_name": "Thư ký"} for _ in range(records)])
        run(insert(QualityObjective.__table__), [
            {"organization_id": org, "year": 2025, "title": f"Mục tiêu {n}", "target": "100%", "created_at": now,
             "created_by_name": "Thư ký"} for n in range(records)])
        audit_ids = [connection.execute(  # type: ignore[attr-defined]
            insert(InternalAudit.__table__).values(
                organization_id=org, starts_on=day, ends_on=day, auditors=["A"], processes=["QT-001"],
                created_at=now, created_by_name="Thư ký")
        ).inserted_primary_key[0] for _ in range(records)]
        run(insert(AuditFinding.__table__), [
            {"audit_id": audit_id, "kind": "observation", "description": "Lưu ý", "created_at": now,
             "created_by_name": "Thư ký"} for audit_id in audit_ids for _ in range(3)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=300, help="documents in each commune (default 300)")
    parser.add_argument("--records", type=int, default=10,
                        help="quality records of each kind in each commune (default 10)")
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temporary directory)")
    args = parser.parse_args(argv)

    from sqlalchemy import select, text

    from qms import create_app
    from qms.accounts import restructure
    from qms.extensions import db
    from qms.inspection import overview
    from qms.models import Base, User
    from qms.ops import schema

    workdir = Path(tempfile.mkdtemp(prefix="qms-restructure-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "STORAGE_DIR": str(workdir), "FILES_DIR": str(workdir / "files"),
                      "INDEX_DIR": str(workdir / "index"), "SECRET_KEY": "bench"})
    with app.app_context():
        engine = db.engine
        if url.startswith("postgresql"):
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        schema.upgrade(engine)
        started = time.perf_counter()
        with engine.begin() as connection:
            populate(connection, args.documents, args.records)
            corpus.follow_explicit_ids(connection, ("organizations", "users", "documents", "revisions"))
        print(f"loaded 2 × {args.documents} documents in {time.perf_counter() - started:.1f} s")
        session = db.session()
        admin = session.scalar(select(User).where(User.username == "quantri"))
        merger = {"kind": "merge", "sources": ["XA-A", "XA-B"],
                  "targets": [{"code": "XA-AB", "name": "UBND xã AB", "parent": "TINH"}],
                  "effective_on": date(2025, 7, 1)}
        started = time.perf_counter()
        plan = restructure.preview(session, admin, **merger)
        preview_seconds = time.perf_counter() - started
        resolutions: dict[str, dict[str, str]] = {"codes": {}, "procedures": {}}
        for clash in plan.clashes:
            if clash.kind == "code":
                other = sorted(clash.documents)[-1]
                resolutions["codes"][other] = f"{clash.subject}-B"
            else:
                resolutions["procedures"][clash.subject] = sorted(clash.documents)[0]
        session.rollback()
        started = time.perf_counter()
        plan, _event = restructure.carry_out(session, admin, **merger, today=date.today(), resolutions=resolutions)
        merge_seconds = time.perf_counter() - started
        print(f"preview: {preview_seconds:.2f} s ({len(plan.moves)} moves, {len(plan.clashes)} clashes, "
              f"{len(plan.records)} records)")
        print(f"merge:   {merge_seconds:.2f} s ({len(plan.moves)} documents, {len(plan.withdrawals)} withdrawn, "
              f"{len(plan.procedures)} catalogue rows)")
        inspector = session.scalar(select(User).where(User.username == "doankiemtra"))
        for day in (date(2025, 6, 30), date(2025, 7, 1)):
            started = time.perf_counter()
            found = overview.overview(session, inspector, today=date.today(), as_of=day)
            print(f"overview as of {day:%d/%m/%Y}: {time.perf_counter() - started:.2f} s "
                  f"({', '.join(f'{row.organization.code} {row.documents}' for row in found.rows)}; "
                  f"{len(found.former)} former)")
        db.session.remove()
        del Base
    app.extensions["qms.search"].close()
    app.extensions["qms.engine"].dispose()


if __name__ == "__main__":
    main()
