"""Profile one search, the indexing of revisions, or apply_log, on a corpus built by bench.search.

    .venv/bin/python -m bench.profiling --reuse /tmp/qms-bench query "khai sinh"
    .venv/bin/python -m bench.profiling --reuse /tmp/qms-bench index --revisions 200
    .venv/bin/python -m bench.profiling --reuse /tmp/qms-bench --pyinstrument query "khai sinh"
    .venv/bin/python -m bench.profiling --reuse /tmp/qms-bench upload --count 5

cProfile by default (standard library); --pyinstrument if it is installed in the venv.
Indexing is profiled into a scratch index under the work directory; the real one is not touched.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import time
from pathlib import Path

from bench.search import add_draft, call_search, make_app, upload_texts


class Profiler:
    def __init__(self, use_pyinstrument: bool) -> None:
        self.pyinstrument = None
        if use_pyinstrument:
            from pyinstrument import Profiler as Pyinstrument

            self.pyinstrument = Pyinstrument(interval=0.0005)
        self.cprofile = cProfile.Profile()

    def __enter__(self) -> Profiler:
        if self.pyinstrument:
            self.pyinstrument.start()
        else:
            self.cprofile.enable()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pyinstrument:
            self.pyinstrument.stop()
        else:
            self.cprofile.disable()

    def print(self, limit: int) -> None:
        if self.pyinstrument:
            print(self.pyinstrument.output_text(unicode=True, color=False, show_all=False))
            return
        stats = pstats.Stats(self.cprofile)
        stats.sort_stats("cumulative").print_stats(limit)
        stats.sort_stats("tottime").print_stats(limit)


def profile_query(workdir: Path, q: str, repeat: int, profiler: Profiler | NoProfiler, viewer_name: str) -> None:
    from sqlalchemy import select

    from qms.extensions import db
    from qms.models import User
    from qms.search import search_index
    from qms.search.query import SearchParams

    app = make_app(workdir)
    index = search_index(app)

    def once() -> float:
        with app.app_context():
            session = db.session()
            viewer = session.scalar(select(User).where(User.username == viewer_name))
            started = time.perf_counter()
            call_search(session, db.engine, index, viewer, SearchParams(q=q, per_page=10))
            elapsed = time.perf_counter() - started
            db.session.remove()
        return elapsed * 1000

    once()  # warm
    plain = [once() for _ in range(repeat)]
    print(f"{q!r}: {sorted(plain)[len(plain) // 2]:.1f} ms median over {repeat} runs without the profiler")
    with profiler:
        for _ in range(repeat):
            once()


def profile_index(workdir: Path, count: int, profiler: Profiler | NoProfiler) -> None:
    from sqlalchemy.orm import Session
    from whoosh import index as whoosh_index

    from qms.database import make_engine
    from qms.search.build import BulkSegmentWriter
    from qms.search.entries import load_revisions, revision_fields
    from qms.search.schema import build_schema

    engine = make_engine(f"sqlite:///{workdir / 'qms.sqlite3'}")
    scratch = workdir / "profile-index"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    ix = whoosh_index.create_in(str(scratch), build_schema())
    with Session(engine) as session:
        fields = [revision_fields(r) for r in load_revisions(session, list(range(1, count + 1)))]
    # One process's share of a rebuild (qms.search.build); bench.search times the rebuild with all of them.
    writer = BulkSegmentWriter(ix, compound=False)
    started = time.perf_counter()
    with profiler:
        for each in fields:
            writer.add_document(**each)
        added = time.perf_counter()
        writer.commit()
    done = time.perf_counter()
    print(f"{len(fields)} revisions: add_document {added - started:.1f} s, commit {done - added:.1f} s "
          f"= {len(fields) / (done - started):.1f} revisions/s")
    shutil.rmtree(scratch, ignore_errors=True)


def profile_upload(workdir: Path, count: int, profiler: Profiler | NoProfiler) -> None:
    """Commit ``count`` new draft revisions one by one and profile the apply_log that makes each searchable."""
    import json

    from qms.extensions import db
    from qms.search import search_index

    app = make_app(workdir)
    index = search_index(app)
    seed = json.loads((workdir / "corpus.json").read_text())["seed"]
    with app.app_context():
        while index.apply_log(db.engine, timeout=30):
            pass
        for i, (document, text, _marker) in enumerate(upload_texts(app, count, seed), 1):
            add_draft(db.session(), document, text, f"profile-{i}.docx")
            started = time.perf_counter()
            with profiler:
                index.apply_log(db.engine)
            print(f"apply_log {i}: {(time.perf_counter() - started) * 1000:.0f} ms")
        db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profiling", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuse", type=Path, required=True, metavar="DIR")
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--limit", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true", help="time only")
    sub = parser.add_subparsers(dest="what", required=True)
    query = sub.add_parser("query")
    query.add_argument("q")
    query.add_argument("--repeat", type=int, default=5)
    query.add_argument("--as", dest="viewer", default="thanhtra", help="username (default: the inspector)")
    index = sub.add_parser("index")
    index.add_argument("--revisions", type=int, default=200)
    upload = sub.add_parser("upload", help="profile apply_log after single uploads (adds draft revisions to DIR)")
    upload.add_argument("--count", type=int, default=5)
    args = parser.parse_args()
    profiler = Profiler(args.pyinstrument) if not args.no_profile else NoProfiler()
    if args.what == "query":
        profile_query(args.reuse, args.q, args.repeat, profiler, args.viewer)
    elif args.what == "upload":
        profile_upload(args.reuse, args.count, profiler)
    else:
        profile_index(args.reuse, args.revisions, profiler)
    profiler.print(args.limit)


class NoProfiler:
    def __enter__(self) -> NoProfiler:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def print(self, limit: int) -> None:
        pass


if __name__ == "__main__":
    main()
