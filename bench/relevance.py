"""Relevance check: does the right document come first for queries typed the way civil servants type?

Runs every query of bench/relevance.json through the real search service as a staff user of the
query's agency (current revisions only) and reports hits at rank 1 and in the top 3, listing each
miss with what came first.

    .venv/bin/python -m bench.relevance                       # a 300-document corpus (≈ 1.5 min)
    .venv/bin/python -m bench.relevance --reuse /tmp/qms-bench/full   # the corpus of bench.search
    .venv/bin/python -m bench.relevance --demo                # the `flask qms demo` data

The corpus always holds the fixed documents of UBND xã Lộc Bình and Đồng Đăng that the set names,
whatever its size; with --demo only the queries that have a "demo_expected" are run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench import corpus
from bench.search import call_search, ensure_corpus, index_is_current, log, make_app, rebuild

BENCH = Path(__file__).resolve().parent


def load_demo(workdir: Path):  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    from qms import clock, demo
    from qms.accounts import users
    from qms.extensions import db
    from qms.files import store
    from qms.ops import schema
    from qms.search import search_index

    # The demo's eight people with a cheap Argon2 cost; nothing here signs in.
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    app = make_app(workdir)
    with app.app_context():
        schema.upgrade(db.engine)
        demo.load(db.session, store.file_store(app), clock.today())
        while search_index(app).apply_log(db.engine, timeout=30):
            pass
        db.session.remove()
    return app


def run(app, queries: list[dict], demo: bool) -> list[dict]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from qms.extensions import db
    from qms.models import Organization, Role, User, UserRole
    from qms.search import search_index
    from qms.search.query import SearchParams

    index = search_index(app)
    outcomes = []
    with app.app_context():
        session = db.session()
        staff = {
            code: user
            for user, code in session.execute(
                select(User, Organization.code).join(Organization, User.organization_id == Organization.id)
                .join(UserRole, UserRole.user_id == User.id).where(UserRole.role == Role.STAFF)
            )
        }
        for entry in queries:
            expected = entry.get("demo_expected") if demo else entry["expected"]
            if not expected:
                continue
            viewer = staff.get(entry["agency"])
            if viewer is None:
                log(f"no staff user in {entry['agency']}; skipped {entry['q']!r}")
                continue
            started = time.perf_counter()
            results = call_search(session, db.engine, index, viewer, SearchParams(q=entry["q"], per_page=10))
            elapsed = (time.perf_counter() - started) * 1000
            codes = [hit.code for hit in results.hits]
            rank = codes.index(expected) + 1 if expected in codes else None
            outcomes.append({
                "q": entry["q"], "agency": entry["agency"], "expected": expected, "rank": rank, "total": results.total,
                "relaxed": results.relaxed, "ms": elapsed,
                "first": [(hit.code, hit.title, round(hit.score, 2)) for hit in results.hits[:3]],
            })
        db.session.remove()
    return outcomes


def report(outcomes: list[dict], label: str) -> dict:
    n = len(outcomes)
    top1 = sum(1 for o in outcomes if o["rank"] == 1)
    top3 = sum(1 for o in outcomes if o["rank"] is not None and o["rank"] <= 3)
    print(f"Relevance on {label}: {n} queries as a staff user (current revisions only)")
    print(f"  rank 1: {top1}/{n} ({100 * top1 / n:.0f} %)    top 3: {top3}/{n} ({100 * top3 / n:.0f} %)")
    misses = [o for o in outcomes if o["rank"] != 1]
    if misses:
        print("\nMisses (expected → what came first):")
    for o in misses:
        where = f"rank {o['rank']}" if o["rank"] else "not in the top 10"
        flag = ", relaxed" if o["relaxed"] else ""
        print(f"  {o['q']!r} [{o['agency']}] expected {o['expected']} ({where}; {o['total']} hits{flag})")
        for code, title, score in o["first"]:
            print(f"      {code:<12} {score:>7.2f}  {title}")
    return {"queries": n, "top1": top1, "top3": top3, "outcomes": outcomes}


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.relevance", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", type=Path, default=BENCH / "relevance.json")
    parser.add_argument("--documents", type=int, default=300, help="corpus size when building one")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--workdir", type=Path, help="where to build (default: a new temporary directory)")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="a work directory of bench.search (its index as is)")
    parser.add_argument("--demo", action="store_true", help="load `flask qms demo` data instead of the corpus")
    parser.add_argument("--json", type=Path, help="also write the outcomes here")
    args = parser.parse_args()
    queries = json.loads(args.set.read_text())["queries"]

    if args.demo:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="qms-relevance-demo-"))
        workdir.mkdir(parents=True, exist_ok=True)
        log(f"loading the demo into {workdir}")
        app = load_demo(workdir)
        label = "the demo data"
    else:
        workdir = args.reuse or args.workdir or Path(tempfile.mkdtemp(prefix="qms-relevance-"))
        workdir.mkdir(parents=True, exist_ok=True)
        manifest = ensure_corpus(workdir, args.documents, args.seed, reuse=bool(args.reuse))
        if not index_is_current(workdir):
            rebuild(workdir)
        app = make_app(workdir)
        label = f"the corpus in {workdir} ({manifest['documents']:,} documents)"
    outcomes = run(app, queries, args.demo)
    summary = report(outcomes, label)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    app.extensions["qms.search"].close()
    app.extensions["qms.engine"].dispose()


if __name__ == "__main__":
    main()
