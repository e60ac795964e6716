"""Search benchmark: index rebuild, query latency through the real search service, FTS5 baseline,
and upload-to-searchable, on a generated corpus of Vietnamese QMS documents.

    .venv/bin/python -m bench.search                        # 10,000 documents / 30,000 revisions
    .venv/bin/python -m bench.search --documents 300        # a quick run (about a minute)
    .venv/bin/python -m bench.search --reuse /tmp/qms-bench # reuse a corpus (and --skip-rebuild: its index)

Everything lives in one work directory: the SQLite database (qms.sqlite3), the Whoosh index (index/),
the FTS5 baseline (fts.sqlite3) and results.json. Figures measured here: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import ROOT, corpus

#: The province-scale targets (issue 20).
TARGETS_MS = {"words": 150.0, "phrase": 300.0, "filtered": 200.0, "codes": 150.0}
TARGET_UPLOAD_MS = 300.0
TARGET_REBUILD_RATE = 150.0
TARGET_REBUILD_RSS_MB = 1024.0

# (label, query, params): what a civil servant or an inspector types.
WORDS = [
    "khai sinh", "khai tử", "cap ban sao", "chứng thực chữ ký", "trich luc ho tich", "giấy phép xây dựng",
    "dang ky ket hon", "hoà giải", "ho kinh doanh", "bảo trợ xã hội", "tranh chap dat dai", "ban le ruou",
    "quân đội", "le phi", "đường",
]
PHRASES = [
    '"cấp bản sao"', '"chứng thực chữ ký"', '"thành phần hồ sơ"', '"giấy chứng nhận quyền sử dụng đất"',
    '"trich luc ho tich"', '"bộ phận một cửa"',
]
#: (query, kind, organisation code); organisation None = all the viewer may see.
FILTERED = [
    ("khai sinh", "process", None), ("cap ban sao", None, "XA-LOCBINH"), ("chứng thực", "process", "XA-DONGDANG"),
    ("giấy phép", "process", "XA-LOCBINH"), ("kiểm soát tài liệu", "system_procedure", None),
    ("thoi gian xu ly", "process", None),
]
CODES = ["QT-HT-04", "1.001193", "61/2018/NĐ-CP", "61/2018/ND-CP", "118/2025/NĐ-CP", "2.000815", "qt ht 04"]


@dataclass
class Case:
    category: str
    q: str
    kind: str | None = None
    organization: str | None = None
    viewer: str = "inspector"
    times: list[float] = field(default_factory=list)
    fts_times: list[float] = field(default_factory=list)
    total: int = 0
    first: str = ""
    fts_first: str = ""

    @property
    def label(self) -> str:
        extra = [f"kind={self.kind}"] if self.kind else []
        extra += [f"org={self.organization}"] if self.organization else []
        extra += [f"as {self.viewer}"] if self.viewer != "inspector" else []
        return self.q + (f" [{', '.join(extra)}]" if extra else "")


def cases() -> list[Case]:
    out = [Case("words", q) for q in WORDS]
    out += [Case("words", q, viewer="staff") for q in ("khai sinh", "cap ban sao")]
    out += [Case("phrase", q) for q in PHRASES]
    out += [Case("filtered", q, kind, org) for q, kind, org in FILTERED]
    out += [Case("codes", q) for q in CODES]
    return out


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def loadavg() -> str:
    """The machine's 1/5/15-minute load averages: the cores are shared, so every figure goes with them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def call_search(session, engine, index, viewer, params):  # type: ignore[no-untyped-def]
    """``qms.search.query.search`` whichever signature it has: (session, [engine,] index, viewer, params)."""
    import inspect

    from qms.search.query import search

    if "engine" in inspect.signature(search).parameters:
        return search(session, engine, index, viewer, params)
    return search(session, index, viewer, params)


# --- the corpus and the app ------------------------------------------------------------------------


def database_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'qms.sqlite3'}"


def ensure_corpus(workdir: Path, documents: int, seed: int, reuse: bool) -> dict[str, Any]:
    manifest_path = workdir / "corpus.json"
    if reuse and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        log(f"reusing corpus in {workdir}: {manifest['documents']} documents, {manifest['revisions']} revisions")
        return manifest
    if (workdir / "qms.sqlite3").exists():
        raise SystemExit(f"{workdir} already holds a database; use --reuse {workdir} or another --workdir")
    log(f"generating {documents} documents × {corpus.REVISIONS} revisions into {workdir}")
    step = max(1, documents // 10)
    report = corpus.load(database_url(workdir), documents, seed,
                         progress=lambda done, total: log(f"  corpus {done}/{total}") if done % step < 100 else None)
    manifest = {"documents": report.documents, "revisions": report.revisions, "organizations": report.organizations,
                "words": report.words, "seed": seed, "load_seconds": round(report.seconds, 1)}
    manifest_path.write_text(json.dumps(manifest, indent=2))
    log(f"corpus ready in {report.seconds:.0f} s: {report.words / report.revisions:.0f} words per revision on average")
    return manifest


def make_app(workdir: Path):  # type: ignore[no-untyped-def]
    from qms import create_app

    return create_app({
        "DATABASE_URL": database_url(workdir),
        "STORAGE_DIR": str(workdir),
        "FILES_DIR": str(workdir / "files"),
        "INDEX_DIR": str(workdir / "index"),
        "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": False,
    })


# --- rebuild, in a child process so that its peak memory is its own ----------------------------------


def child_rebuild(workdir: Path) -> None:
    from qms.search import search_index

    app = make_app(workdir)
    engine = app.extensions["qms.engine"]
    index = search_index(app)  # with the configured writer processes (QMS_INDEX_BUILD_PROCESSES)
    log(f"  {index.build_processes} writer process(es)")
    started = time.perf_counter()
    marks: list[tuple[int, float]] = []

    def progress(done: int, total: int) -> None:
        now = time.perf_counter() - started
        if not marks or done - marks[-1][0] >= max(500, total // 20) or done == total:
            marks.append((done, now))
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            log(f"  rebuild {done}/{total} in {now:.0f} s ({done / now:.1f} revisions/s, peak RSS {rss:.0f} MB)")

    count = index.rebuild(engine, progress)
    seconds = time.perf_counter() - started
    index.close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A multiprocessing writer's helpers: the kernel keeps the largest one's peak; two ran at once.
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"revisions": count, "seconds": seconds, "maxrss_mb": own + 2 * helpers, "own_maxrss_mb": own,
                      "helpers_maxrss_mb": helpers, "marks": marks}))


def index_is_current(workdir: Path) -> bool:
    """An index exists in ``workdir`` and is of the schema version the code expects."""
    from qms.search.schema import SCHEMA_VERSION

    position = workdir / "index" / "current" / "position.json"
    try:
        return bool(json.loads(position.read_text()).get("schema") == SCHEMA_VERSION)
    except (OSError, ValueError):
        return False


def rebuild(workdir: Path) -> dict[str, Any]:
    log("rebuilding the index in a child process")
    command = [sys.executable, "-m", "bench.search", "--child-rebuild", str(workdir)]
    # The child's progress goes straight to our stderr; its result is the last line of its stdout.
    process = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False, cwd=ROOT)
    if process.returncode:
        raise SystemExit(f"rebuild failed with exit code {process.returncode}")
    result = json.loads(process.stdout.strip().splitlines()[-1])
    result["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result["rate"] = result["revisions"] / result["seconds"]
    size = sum(f.stat().st_size for f in (workdir / "index").rglob("*") if f.is_file())
    result["index_mb"] = size / 2**20
    return result


# --- query latency through the real search service --------------------------------------------------


def run_queries(app, all_cases: list[Case], repeat: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from qms.extensions import db
    from qms.models import Organization, User
    from qms.search import search_index
    from qms.search.query import SearchParams

    with app.app_context():
        session = db.session()
        orgs = {code: oid for oid, code in session.execute(select(Organization.id, Organization.code))}
        viewers = {
            "inspector": session.scalar(select(User).where(User.username == "thanhtra")).id,
            "staff": session.scalar(select(User).where(User.username == "canbo.xa-locbinh")).id,
        }
        index = search_index(app)
        with index.searcher() as searcher:
            indexed = searcher.doc_count()
        db.session.remove()

    def once(case: Case) -> tuple[float, Any]:
        with app.app_context():
            session = db.session()
            viewer = session.get(User, viewers[case.viewer])
            params = SearchParams(q=case.q, kind=case.kind, per_page=10,
                                  organization_id=orgs[case.organization] if case.organization else None)
            started = time.perf_counter()
            results = call_search(session, db.engine, index, viewer, params)
            elapsed = (time.perf_counter() - started) * 1000
            db.session.remove()
        return elapsed, results

    log(f"warming the searcher ({indexed} documents in the index)")
    for case in all_cases:  # the first call opens the searcher and loads what Whoosh caches
        _elapsed, results = once(case)
        case.total = results.total
        case.first = f"{results.hits[0].organization_code}/{results.hits[0].code}" if results.hits else "—"
    log(f"timing {len(all_cases)} queries × {repeat} rounds")
    for _round in range(repeat):
        for case in all_cases:
            elapsed, _results = once(case)
            case.times.append(elapsed)
    # What a worker that has answered these queries holds: the app, the warm searcher, Whoosh's caches.
    return {"indexed": indexed, "rss_mb": resident_mb()}


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the FTS5 baseline -------------------------------------------------------------------------------


def build_fts(workdir: Path) -> dict[str, Any]:
    import sqlite3

    path = workdir / "fts.sqlite3"
    if path.exists():
        path.unlink()
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute(f"ATTACH DATABASE '{workdir / 'qms.sqlite3'}' AS qms")
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, code UNINDEXED, revision_id UNINDEXED, "
        "organization_id UNINDEXED, kind UNINDEXED, status UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
    )
    connection.execute(
        "INSERT INTO docs (title, body, code, revision_id, organization_id, kind, status) "
        "SELECT d.title, r.text, d.code, r.id, d.organization_id, d.kind, r.status "
        "FROM qms.revisions r JOIN qms.documents d ON d.id = r.document_id ORDER BY r.id"
    )
    connection.commit()
    connection.execute("DETACH DATABASE qms")
    connection.close()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "mb": path.stat().st_size / 2**20}


def fts_query(q: str) -> str:
    """The same query in FTS5 syntax: each piece a quoted string (a code or a quoted phrase a phrase)."""
    import re

    pieces = re.findall(r'"[^"]*"|\S+', q)
    parts = []
    for piece in pieces:
        words = re.findall(r"\w+", piece)
        if words:
            parts.append('"' + " ".join(words) + '"')
    return " ".join(parts)


def run_fts(workdir: Path, all_cases: list[Case], repeat: int) -> None:
    import sqlite3

    connection = sqlite3.connect(workdir / "fts.sqlite3")
    qms = sqlite3.connect(workdir / "qms.sqlite3")
    orgs = dict(qms.execute("SELECT code, id FROM organizations"))
    staff_org = orgs["XA-LOCBINH"]
    qms.close()

    def once(case: Case) -> tuple[float, list[tuple]]:
        sql = ("SELECT code, organization_id, snippet(docs, 1, '<mark>', '</mark>', ' … ', 24) FROM docs "
               "WHERE docs MATCH ? AND status = 'effective'")
        args: list[Any] = [fts_query(case.q)]
        organization = orgs[case.organization] if case.organization else staff_org if case.viewer == "staff" else None
        if organization is not None:
            sql += " AND organization_id = ?"
            args.append(organization)
        if case.kind:
            sql += " AND kind = ?"
            args.append(case.kind)
        sql += " ORDER BY bm25(docs, 3.0, 1.0) LIMIT 10"
        started = time.perf_counter()
        rows = connection.execute(sql, args).fetchall()
        return (time.perf_counter() - started) * 1000, rows

    codes = {v: k for k, v in orgs.items()}
    for case in all_cases:
        _t, rows = once(case)
        case.fts_first = f"{codes.get(rows[0][1], '?')}/{rows[0][0]}" if rows else "—"
    for _round in range(repeat):
        for case in all_cases:
            elapsed, _rows = once(case)
            case.fts_times.append(elapsed)
    connection.close()


# --- upload to searchable ----------------------------------------------------------------------------


def add_draft(session, document, text: str, filename: str):  # type: ignore[no-untyped-def]
    """Commit a new draft revision of ``document`` and its IndexOperation, as an upload does (no file, no argon2)."""
    from sqlalchemy import func, select

    from qms import clock
    from qms.database import unit_of_work
    from qms.models import Revision, RevisionStatus, StoredFile, User
    from qms.search import log as search_log

    secretary = session.scalar(select(User).where(User.username == f"thuky.{document.organization.code.lower()}"))
    with unit_of_work(session):
        number = (session.scalar(select(func.max(Revision.number)).where(Revision.document_id == document.id)) or 0) + 1
        sha = corpus.fake_sha256("upload", document.id, number, text)
        if session.get(StoredFile, sha) is None:
            session.add(StoredFile(sha256=sha, size=len(text.encode()), created_at=clock.now()))
            session.flush()  # no ORM relationship orders this insert before the revision's
        revision = Revision(
            document_id=document.id, number=number, status=RevisionStatus.DRAFT, file_sha256=sha, filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            size=len(text.encode()), change_summary="Cập nhật căn cứ pháp lý", text=text, has_text=True,
            drafted_by_id=secretary.id, drafted_by_name=secretary.full_name, drafted_by_title=secretary.title,
            created_at=clock.now(),
        )
        session.add(revision)
        session.flush()
        search_log.changed(session, [revision])
    return revision


def upload_texts(app, count: int, seed: int):  # type: ignore[no-untyped-def]
    """(document, text, marker) for ``count`` documents spread over the corpus: a new issue with one new citation."""
    from sqlalchemy import select

    from qms.extensions import db
    from qms.models import Document

    plans = {(p.agency, p.code): p for p in corpus.plan(_documents(app), seed)}
    session = db.session()
    documents = list(session.scalars(select(Document).order_by(Document.id)))
    step = max(1, len(documents) // count)
    stamp = int(time.time()) % 100_000
    for i, document in enumerate(documents[::step][:count], 1):
        plan = plans.get((document.organization.code, document.code))
        marker = f"{stamp}{i:02d}/QĐ-UBND"
        extra = (f"Cập nhật theo Quyết định số {marker} của Chủ tịch UBND tỉnh về việc công bố thủ tục hành chính "
                 "sửa đổi.")
        text = corpus.document_text(plan, 3, seed, extra=extra)[0] if plan else extra
        yield document, text, marker


def run_uploads(app, count: int, seed: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from qms.extensions import db
    from qms.models import User
    from qms.search import search_index
    from qms.search.query import SearchParams

    index = search_index(app)
    commit_ms, apply_ms, total_ms, first_search_ms, found = [], [], [], [], 0
    # Whether a background merge of segments was running when the upload's apply_log started, and the merges seen.
    met_merge: list[bool] = []
    merges: set[int] = set()
    with app.app_context():
        session = db.session()
        inspector = session.scalar(select(User).where(User.username == "thanhtra"))
        while index.apply_log(db.engine, timeout=30):  # start from a caught-up index
            pass
        for i, (document, text, marker) in enumerate(upload_texts(app, count, seed), 1):
            started = time.perf_counter()
            revision = add_draft(session, document, text, f"upload-{i}.docx")
            committed = time.perf_counter()
            merger = index._merger
            met_merge.append(merger is not None and merger.is_alive())
            applied = index.apply_log(db.engine)
            if index._merger is not None:
                merges.add(id(index._merger))
            done = time.perf_counter()
            params = SearchParams(q=marker, statuses=["all"], per_page=10)
            results = call_search(session, db.engine, index, inspector, params)
            searched = time.perf_counter()
            found += any(hit.revision_id == revision.id for hit in results.hits)
            if applied != 1:
                log(f"  upload {i}: apply_log applied {applied} operations")
            commit_ms.append((committed - started) * 1000)
            apply_ms.append((done - committed) * 1000)
            total_ms.append((done - started) * 1000)
            first_search_ms.append((searched - done) * 1000)
        if index._merger is not None:
            index._merger.join(timeout=120)
        segments = len(index._index()._segments())
        db.session.remove()
    return {"count": len(total_ms), "found": found, "commit_ms": commit_ms, "apply_ms": apply_ms,
            "total_ms": total_ms, "first_search_ms": first_search_ms, "met_merge": met_merge,
            "merges": len(merges), "segments_after": segments}


def _documents(app) -> int:  # type: ignore[no-untyped-def]
    manifest = json.loads((Path(app.config["STORAGE_DIR"]) / "corpus.json").read_text())
    return int(manifest["documents"])


# --- report ------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def report(manifest: dict[str, Any], rebuilt: dict[str, Any] | None, fts: dict[str, Any] | None,
           all_cases: list[Case], uploads: dict[str, Any] | None, queried: dict[str, Any] | None = None,
           loads: dict[str, str] | None = None) -> dict[str, Any]:
    lines = []
    out: dict[str, Any] = {"corpus": manifest, "rebuild": rebuilt, "fts": fts, "categories": {}, "queries": [],
                           "queried": queried, "loadavg": loads}
    lines.append(f"Corpus: {manifest['documents']:,} documents, {manifest['revisions']:,} revisions, "
                 f"{manifest['words'] / manifest['revisions']:,.0f} words per revision, "
                 f"{manifest['organizations']} organisations")
    lines.append("")
    lines.append(f"{'measure':<48}{'measured':>26}   {'target':<28}")
    lines.append("-" * 110)
    if rebuilt:
        lines.append(f"{'rebuild rate (' + format(rebuilt['revisions'], ',') + ' revisions)':<48}"
                     f"{rebuilt['rate']:>20.1f} rev/s   {'≥ 150 rev/s':<28}"
                     f"{verdict(rebuilt['rate'] >= TARGET_REBUILD_RATE)}")
        lines.append(f"{'rebuild wall time':<48}{rebuilt['seconds'] / 60:>22.1f} min")
        lines.append(f"{'rebuild peak RSS (child [+ 2 × its helpers])':<48}{rebuilt['maxrss_mb']:>23.0f} MB   "
                     f"{'< 1 GB':<28}"
                     f"{verdict(rebuilt['maxrss_mb'] < TARGET_REBUILD_RSS_MB)}")
        lines.append(f"{'index size on disk':<48}{rebuilt['index_mb']:>23.0f} MB")
    for category in ("words", "phrase", "filtered", "codes"):
        times = [t for c in all_cases if c.category == category for t in c.times]
        fts_times = [t for c in all_cases if c.category == category for t in c.fts_times]
        if not times:
            continue
        p50, p95, worst = percentile(times, 50), percentile(times, 95), max(times)
        stats = {"p50": p50, "p95": p95, "max": worst, "n": len(times)}
        target = TARGETS_MS[category]
        name = {"words": "1-3 words", "phrase": "phrase", "filtered": "filtered (kind, org.)",
                "codes": "codes and numbers"}[category]
        note = " (words target)" if category == "codes" else ""
        lines.append(f"{'query p50 / p95 / max: ' + name:<48}{p50:>8.1f} /{p95:>7.1f} /{worst:>7.1f} ms   "
                     f"{'p95 ≤ ' + format(target, '.0f') + ' ms' + note:<28}{verdict(p95 <= target)}")
        if fts_times:
            f50, f95 = percentile(fts_times, 50), percentile(fts_times, 95)
            stats.update({"fts_p50": f50, "fts_p95": f95, "ratio_p50": p50 / f50, "ratio_p95": p95 / f95})
            lines.append(f"{'  FTS5 p50 / p95, Whoosh service ÷ FTS5':<48}{f50:>8.2f} /{f95:>7.2f} ms   "
                         f"× {p50 / f50:.2f} (p50), × {p95 / f95:.2f} (p95)")
        out["categories"][category] = stats
    if uploads:
        total = uploads["total_ms"]
        p95 = percentile(total, 95)
        lines.append(f"{'upload → searchable p50 / p95 / max':<48}{percentile(total, 50):>8.1f} /{p95:>7.1f} /"
                     f"{max(total):>7.1f} ms   {'p95 ≤ 300 ms':<28}{verdict(p95 <= TARGET_UPLOAD_MS)}")
        during = [t for t, met in zip(total, uploads["met_merge"], strict=True) if met]
        if during:
            lines.append(f"{'  of which met a running merge: ' + str(len(during)) + ', p50 / p95':<48}"
                         f"{percentile(during, 50):>8.1f} /{percentile(during, 95):>7.1f} ms")
        lines.append(f"{'  background merges started; segments after':<48}{uploads['merges']:>20} / "
                     f"{uploads['segments_after']}")
        commit_p95 = percentile(uploads["commit_ms"], 95)
        lines.append(f"{'  of which commit (row + IndexOperation) p95':<48}{commit_p95:>23.1f} ms")
        lines.append(f"{'  of which apply_log p95':<48}{percentile(uploads['apply_ms'], 95):>23.1f} ms")
        lines.append(f"{'  first search after it p95':<48}{percentile(uploads['first_search_ms'], 95):>23.1f} ms")
        lines.append(f"{'  found by that search':<48}{uploads['found']:>20} / {uploads['count']}")
        out["uploads"] = {k: v if not isinstance(v, list) or k == "met_merge"
                          else {"p50": percentile(v, 50), "p95": percentile(v, 95), "max": max(v)}
                          for k, v in uploads.items()}
    if queried:
        lines.append(f"{'process RSS after the queries (app + searcher)':<48}{queried['rss_mb']:>23.0f} MB   "
                     f"{'≤ 400 MB a worker':<28}{verdict(queried['rss_mb'] <= 400)}")
    for phase, load in (loads or {}).items():
        lines.append(f"{'load average after ' + phase:<48}{load:>26}")
    lines.append("")
    lines.append(f"{'query':<52}{'p50':>8}{'p95':>8}{'max':>8}{'FTS5 p50':>10}{'hits':>8}  first hit (Whoosh | FTS5)")
    for case in all_cases:
        row = {"category": case.category, "query": case.label, "p50": percentile(case.times, 50),
               "p95": percentile(case.times, 95), "max": max(case.times) if case.times else None,
               "fts_p50": percentile(case.fts_times, 50) if case.fts_times else None, "total": case.total,
               "first": case.first, "fts_first": case.fts_first}
        out["queries"].append(row)
        fts = f"{row['fts_p50']:>10.2f}" if row["fts_p50"] is not None else f"{'':>10}"
        lines.append(f"{case.category[:6] + ' ' + case.label:<52}{row['p50']:>8.1f}{row['p95']:>8.1f}{row['max']:>8.1f}"
                     f"{fts}{case.total:>8}  {case.first} | {case.fts_first}")
    text = "\n".join(lines)
    print(text)
    out["table"] = text
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=10_000, help="documents in the corpus (3 revisions each)")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--workdir", type=Path, help="where to build (default: a new temporary directory)")
    parser.add_argument("--reuse", type=Path, metavar="DIR", help="reuse the corpus already built in DIR")
    parser.add_argument("--skip-rebuild", action="store_true", help="with --reuse: keep DIR's index as it is")
    parser.add_argument("--repeat", type=int, default=20, help="timed rounds over all queries")
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--no-fts", action="store_true")
    parser.add_argument("--child-rebuild", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_rebuild:
        child_rebuild(args.child_rebuild)
        return
    workdir = args.reuse or args.workdir or Path(tempfile.mkdtemp(prefix="qms-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log(f"work directory {workdir}")
    manifest = ensure_corpus(workdir, args.documents, args.seed, reuse=bool(args.reuse))
    rebuilt = None
    if args.skip_rebuild and not index_is_current(workdir):
        log("the index is missing or of another schema version: rebuilding it")
    if not (args.skip_rebuild and index_is_current(workdir)):
        rebuilt = rebuild(workdir)
        log(f"rebuild: {rebuilt['revisions']} revisions in {rebuilt['seconds']:.0f} s = "
            f"{rebuilt['rate']:.1f} revisions/s, "
            f"peak RSS {rebuilt['maxrss_mb']:.0f} MB")
        (workdir / "rebuild.json").write_text(json.dumps(rebuilt, indent=2))
    elif (workdir / "rebuild.json").exists():
        rebuilt = json.loads((workdir / "rebuild.json").read_text())
        log("index kept; rebuild figures are those of the run that built it")
    app = make_app(workdir)
    all_cases = cases()
    loads = {"rebuild": loadavg()} if rebuilt and not args.skip_rebuild else {}
    queried = run_queries(app, all_cases, args.repeat)
    loads["queries"] = loadavg()
    fts = None
    if not args.no_fts:
        log("building the FTS5 baseline")
        fts = build_fts(workdir)
        log(f"FTS5 built in {fts['seconds']:.0f} s ({fts['mb']:.0f} MB); timing the same queries")
        run_fts(workdir, all_cases, args.repeat)
        loads["fts"] = loadavg()
    uploads = None
    if args.uploads:
        log(f"upload → searchable, {args.uploads} single revisions")
        uploads = run_uploads(app, args.uploads, manifest["seed"])
        loads["uploads"] = loadavg()
    results = report(manifest, rebuilt, fts, all_cases, uploads, queried, loads)
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    name = "results.json"
    (workdir / name).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    log(f"results written to {workdir / name}")
    app.extensions["qms.search"].close()
    app.extensions["qms.engine"].dispose()


if __name__ == "__main__":
    main()
