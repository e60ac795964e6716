"""Load benchmark: the real server (gunicorn, N workers) on the demo agency, driven over HTTP by concurrent
clients that mix searches and uploads; prints throughput and p50/p95/p99 latency per kind.

    .venv/bin/python -m bench.load                                  # SQLite, 4 workers, 8 clients, 30 s
    .venv/bin/python -m bench.load --workers 2 --clients 16 --duration 60 --uploads 0.2
    .venv/bin/python -m bench.load --database-url postgresql+psycopg://postgres@127.0.0.1:5432/qms_load
    .venv/bin/python -m bench.load --workdir DIR --existing thuky.xa-locbinh   # a bench.search corpus and index

The database must be empty (or hold the demo already); everything else lives in a new temporary work
directory (``--workdir`` to choose it). With ``--existing USER`` the work directory's installation is used as
it is (a ``bench.search`` work directory: its corpus and index), as USER. After the load it prints the
resident memory of each gunicorn worker (now and at its peak). Clients are threads using ``urllib`` over the
API with a bearer token of the demo secretary (``thuky``), so every request is authenticated and
permission-checked as in production.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from support.factories import make_docx
from support.servers import Server, flask_cli, multipart, running, server_env

#: What a civil servant or an inspector types, as in bench.search.
QUERIES = [
    "cap ban sao trich luc", "trích lục hộ tịch", "QT-HT-04", "qt ht 04", "61/2018/NĐ-CP", "118/2025",
    "chứng thực chữ ký", "\"đăng ký khai sinh\"", "giay phep xay dung", "kiểm soát tài liệu", "chinh sach chat luong",
    "thời hạn giải quyết", "1.001193", "lưu hồ sơ", "muc tieu chat luong",
]


@dataclass
class Sample:
    kind: str
    seconds: float
    status: int


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def prepare(env: dict[str, str], existing: str | None = None) -> str:
    """Load the demo agency (once) and issue the secretary's token; or only the token of an existing user."""
    for args in ((("demo",), ("token", "thuky")) if existing is None else (("token", existing),)):
        done = flask_cli(env, *args)
        if done.returncode != 0:
            raise SystemExit(f"flask qms {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def client_loop(server, headers: dict[str, str], documents: list[int], upload_share: float, deadline: float,
                seed: int, samples: list[Sample], lock: threading.Lock, view_share: float = 0.0) -> None:
    rng = random.Random(seed)
    mine: list[Sample] = []
    counter = 0
    while time.monotonic() < deadline:
        draw = rng.random()
        if draw < upload_share:
            counter += 1
            text = f"Quy trình tải thử {seed}-{counter}: cấp bản sao trích lục hộ tịch, lưu hồ sơ, thời hạn giải quyết"
            body, content_type = multipart({"change_summary": f"Tải thử {seed}-{counter}"},
                                           {"file": ("tai-thu.docx", make_docx(text))})
            path, method, extra = f"/api/v1/documents/{rng.choice(documents)}/revisions", "POST", content_type
            kind = "upload"
        elif draw < upload_share + view_share:
            document = rng.choice(documents)
            path = rng.choice([f"/api/v1/documents/{document}", "/api/v1/revisions/awaiting?page_size=20",
                               "/api/v1/documents?page=1&page_size=20"])
            method, body, extra, kind = "GET", None, None, "view"
        else:
            path, method, body, extra = f"/api/v1/search?q={quote(rng.choice(QUERIES))}&page_size=10", "GET", None, None
            kind = "search"
        started = time.perf_counter()
        try:
            answer = server.request(path, method, body, {**headers, **({"Content-Type": extra} if extra else {})})
            status = answer.status
        except OSError:
            status = 0
        mine.append(Sample(kind, time.perf_counter() - started, status))
    with lock:
        samples.extend(mine)


def report(samples: list[Sample], elapsed: float) -> dict[str, dict[str, float]]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    by_kind["all"] = list(samples)
    figures = {}
    for kind in ("search", "view", "upload", "all"):
        group = by_kind.get(kind, [])
        if not group and kind == "view":
            continue
        ok = sorted(s.seconds * 1000 for s in group if 200 <= s.status < 300)
        figures[kind] = {
            "requests": len(group),
            "errors": sum(1 for s in group if not 200 <= s.status < 300),
            "per_second": round(len(ok) / elapsed, 1),
            "p50_ms": round(percentile(ok, 0.50), 1),
            "p95_ms": round(percentile(ok, 0.95), 1),
            "p99_ms": round(percentile(ok, 0.99), 1),
            "mean_ms": round(statistics.fmean(ok), 1) if ok else float("nan"),
        }
    return figures


def worker_memory(server: Server) -> list[dict[str, float]]:
    """Resident memory of each gunicorn worker (the master's children): now and at its peak, in MB."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    memory = []
    for child in children:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{child}/status").read_text().splitlines())
        memory.append({"pid": int(child), "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
                       "peak_mb": int(fields["VmHWM"].split()[0]) / 1024})
    return memory


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load after a 3 s warm-up")
    parser.add_argument("--uploads", type=float, default=0.1, help="share of requests that are uploads")
    parser.add_argument("--views", type=float, default=0.0, help="share of requests that read a document, the "
                        "revisions awaiting action or the documents list")
    parser.add_argument("--existing", metavar="USER", help="use the work directory's installation as it is, as USER")
    parser.add_argument("--organization", default="XA-LOCBINH", help="whose documents are viewed and uploaded to")
    parser.add_argument("--database-url", help="an empty database (default: SQLite in the work directory)")
    parser.add_argument("--workdir", type=Path, help="work directory (default: a new temporary one)")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="qms-load-"))
    work.mkdir(parents=True, exist_ok=True)
    config = {
        "DATABASE_URL": args.database_url or f"sqlite:///{work / 'qms.sqlite3'}",
        "STORAGE_DIR": work, "FILES_DIR": work / "files", "INDEX_DIR": work / "index", "SECRET_KEY": "load-bench",
    }
    env = server_env(config, QMS_LOG_LEVEL="WARNING")  # one access line per request would be the only output
    token = prepare(env, args.existing)
    headers = {"Authorization": f"Bearer {token}"}

    with running(env, work / "server.log", workers=args.workers) as server:
        listed = server.request(f"/api/v1/documents?organization={args.organization}&page_size=100",
                                headers=headers).json()
        documents = [item["id"] for item in listed if item["status"] == "active"]
        warm = time.monotonic() + 3
        client_loop(server, headers, documents, 0.0, warm, 0, [], threading.Lock())  # searchers open, caches warm
        samples: list[Sample] = []
        lock = threading.Lock()
        started = time.monotonic()
        deadline = started + args.duration
        threads = [
            threading.Thread(target=client_loop,
                             args=(server, headers, documents, args.uploads, deadline, seed, samples, lock,
                                   args.views))
            for seed in range(1, args.clients + 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        memory = worker_memory(server)

    figures = report(samples, elapsed)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{database}, {args.workers} gunicorn workers, {args.clients} clients, {elapsed:.0f} s, "
          f"{args.uploads:.0%} uploads to {len(documents)} documents, {args.views:.0%} document views")
    print(f"{'kind':8} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, row in figures.items():
        print(f"{kind:8} {row['requests']:>9} {row['errors']:>7} {row['per_second']:>7} "
              f"{row['p50_ms']:>8} {row['p95_ms']:>8} {row['p99_ms']:>8}")
    for worker in memory:
        print(f"worker {worker['pid']}: RSS {worker['rss_mb']:.0f} MB now, {worker['peak_mb']:.0f} MB at its peak")
    (work / "load.json").write_text(json.dumps({"arguments": vars(args) | {"workdir": str(work)}, "figures": figures,
                                                "workers": memory}, default=str, indent=2))
    print(f"results: {work / 'load.json'}")


if __name__ == "__main__":
    main()
