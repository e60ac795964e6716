"""Formats benchmark: the real server (gunicorn) and a real queue worker on the demo agency, over HTTP.

    .venv/bin/python -m bench.formats                      # SQLite queue and database: ~5 min on 2 cores
    .venv/bin/python -m bench.formats --rounds 5 --mixed 20 --scan-pages 3

Measures, with the secretary's API token:
- a 10-page Word 97-2003 (.doc) upload: response time (p50/p95), upload → processed and found by search (p50/p95),
  and where that time went, from the worker's log line of each job: queue wait, conversion, reading (text,
  citations, conformity, the unit of work), indexing; with --repeat N the series runs N times (medians reported);
  the load averages are recorded beside every figure (the machine is shared);
- recognition (OCRmyPDF + Tesseract vie) of 300 dpi A4 pages of typed Vietnamese drawn with DejaVu Sans:
  pages per minute, and character accuracy against the known text (1 − edit distance / length);
- N mixed uploads at once (.doc, scans, .docx): none lost, none processed twice, all searchable, how long.
Results go to DIR/formats.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

from support.factories import make_docx
from support.page_image import draw_page
from support.servers import PYTHON, multipart, running, server_env

from bench import ROOT
from bench.load import percentile, prepare
from qms.search.query import edit_distance

SENTENCES = [
    "Công chức tiếp nhận hồ sơ kiểm tra tính đầy đủ, hợp lệ của thành phần hồ sơ theo quy định",
    "Trường hợp hồ sơ chưa đầy đủ thì hướng dẫn người nộp bổ sung một lần bằng phiếu hướng dẫn",
    "Lãnh đạo Ủy ban nhân dân xã xem xét, ký duyệt kết quả giải quyết thủ tục hành chính",
    "Bộ phận một cửa trả kết quả cho tổ chức, cá nhân và lưu hồ sơ theo quy định về lưu trữ",
    "Căn cứ Nghị định số 61/2018/NĐ-CP của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông",
    "Thời hạn giải quyết không quá 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
]
SCAN_TEXT = [
    "QUY TRÌNH CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH GIẤY TỜ, VĂN BẢN",
    "Căn cứ Nghị định số 23/2015/NĐ-CP ngày 16 tháng 02 năm 2015 của Chính phủ.",
    "Bước 1: Công dân nộp hồ sơ tại bộ phận tiếp nhận và trả kết quả của xã.",
    "Bước 2: Công chức tư pháp kiểm tra bản chính, đối chiếu với bản sao.",
    "Bước 3: Người có thẩm quyền ký chứng thực và đóng dấu vào bản sao.",
    "Bước 4: Trả kết quả cho người yêu cầu và thu lệ phí theo quy định.",
    "Thời hạn giải quyết: trong ngày làm việc; trường hợp nhận hồ sơ sau",
    "ba giờ chiều thì trả kết quả trong ngày làm việc tiếp theo.",
]


def to_doc(docx: bytes, work: Path) -> bytes:
    """LibreOffice's Word 97-2003 version of a .docx (made once, outside the timings)."""
    source = work / "source.docx"
    source.write_bytes(docx)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--convert-to", "doc",
                    "--outdir", str(work), str(source)], check=True, capture_output=True, timeout=300)
    return (work / "source.doc").read_bytes()


def ten_page_docx(marker: str, rng: random.Random) -> bytes:
    """About 10 pages (≈ 4,500 words) of procedure text with a marker word to search for."""
    paragraphs = [f"QUY TRÌNH THỬ NGHIỆM {marker}", f"Mã nhận diện {marker}"]
    while sum(len(p.split()) for p in paragraphs) < 4500:
        paragraphs.append(". ".join(rng.choice(SENTENCES) for _ in range(4)) + ".")
    return make_docx(*paragraphs)


def scan_pdf(lines: list[str], pages: int) -> bytes:
    """A 300 dpi A4 scan (no text layer) of `pages` pages, each the given lines drawn at 12 pt."""
    import io

    from PIL import Image

    images = []
    for _ in range(pages):
        page = Image.new("L", (2480, 3508), 255)
        page.paste(draw_page(lines, width=2480, size=50), (0, 0))
        images.append(page)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=300.0)
    return out.getvalue()




def char_accuracy(expected: str, got: str) -> float:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split())

    expected, got = norm(expected), norm(got)
    return 1 - edit_distance(expected, got) / max(1, len(expected))


class Bench:
    def __init__(self, server, headers: dict[str, str]) -> None:
        self.server, self.headers = server, headers

    def upload(self, document_id: int, filename: str, content: bytes) -> tuple[int, float]:
        body, content_type = multipart({"change_summary": f"Thử {filename}"}, {"file": (filename, content)})
        started = time.perf_counter()
        answer = self.server.request(f"/api/v1/documents/{document_id}/revisions", "POST", body,
                                     {**self.headers, "Content-Type": content_type}, timeout=300)
        elapsed = time.perf_counter() - started
        if answer.status != 201:
            raise SystemExit(f"upload of {filename} answered {answer.status}: {answer.body[:300]!r}")
        return answer.json()["id"], elapsed

    def revision(self, revision_id: int) -> dict:
        return self.server.request(f"/api/v1/revisions/{revision_id}", headers=self.headers).json()

    def found(self, query: str, revision_id: int) -> bool:
        answer = self.server.request(f"/api/v1/search?q={quote(query)}&status=all", headers=self.headers)
        return answer.status == 200 and any(hit["revision_id"] == revision_id for hit in answer.json())

    def wait_done(self, revision_id: int, query: str | None, timeout: float = 900) -> float:
        """Seconds until the revision is processed (and, with a query, found by search)."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            state = self.revision(revision_id)["processing"]["state"]
            if state == "failed":
                raise SystemExit(f"revision {revision_id} failed: {self.revision(revision_id)['processing']}")
            if state == "done" and (query is None or self.found(query, revision_id)):
                return time.perf_counter() - started
            time.sleep(0.1)
        raise SystemExit(f"revision {revision_id} not done after {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=8, help="10-page .doc uploads, one after another")
    parser.add_argument("--repeat", type=int, default=1, help="run the .doc series this many times (medians)")
    parser.add_argument("--skip-ocr", action="store_true", help="leave out the recognition figures")
    parser.add_argument("--converter", choices=["persistent", "per-file"], default="persistent",
                        help="QMS_CONVERTER of the worker")
    parser.add_argument("--scan-pages", type=int, default=3, help="pages of the scan for the recognition figures")
    parser.add_argument("--mixed", type=int, default=20, help="uploads sent at once (.doc, scans, .docx)")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--queue-workers", type=int, default=2, help="threads of `flask qms worker`")
    parser.add_argument("--database-url", help="an empty database (default: SQLite in the work directory)")
    parser.add_argument("--workdir", type=Path, help="work directory (default: a new temporary one)")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="qms-formats-"))
    work.mkdir(parents=True, exist_ok=True)
    config = {
        "DATABASE_URL": args.database_url or f"sqlite:///{work / 'qms.sqlite3'}",
        "STORAGE_DIR": work, "FILES_DIR": work / "files", "INDEX_DIR": work / "index", "SECRET_KEY": "formats-bench",
    }
    env = server_env(config, QMS_LOG_LEVEL="WARNING", QMS_TASKS_RETRY_DELAY="2", QMS_CONVERTER=args.converter)
    token = prepare(env)
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(14)
    print("preparing files (LibreOffice makes the .doc files) …", flush=True)
    series = args.rounds * args.repeat
    needed = [*range(series), *(series + n for n in range(args.mixed) if n % 3 == 0), series + args.mixed]
    docs = {n: to_doc(ten_page_docx(f"mabench{n:04d}", rng), work) for n in needed}
    figures: dict[str, object] = {}

    worker_log = open(work / "worker.log", "ab")  # noqa: SIM115 - the worker writes to it until stopped
    worker = subprocess.Popen([PYTHON, "-m", "flask", "--app", "wsgi", "qms", "worker", "--workers",
                               str(args.queue_workers)], cwd=ROOT, env={**env, "QMS_LOG_LEVEL": "INFO"},
                              stdout=worker_log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        with running(env, work / "server.log", workers=args.server_workers) as server:
            bench = Bench(server, headers)
            listed = server.request("/api/v1/documents?organization=XA-LOCBINH", headers=headers).json()
            documents = [item["id"] for item in listed if item["status"] == "active"]

            warm_up(bench, documents, docs[series + args.mixed], args.server_workers)
            runs = [doc_series(bench, documents, docs, args, work, start=args.rounds * number)
                    for number in range(args.repeat)]
            figures["doc_10_pages"] = runs[0] if len(runs) == 1 else {
                "runs": runs,
                "median": {key: statistics.median(run[key] for run in runs)  # type: ignore[type-var]
                           for key, value in runs[0].items() if isinstance(value, float)},
            }
            if not args.skip_ocr:
                figures["ocr"] = recognition(bench, documents, config, args)
                print(f"OCR: {figures['ocr']}", flush=True)
            if args.mixed:
                figures["mixed"] = mixed(bench, documents, docs, args, config, series)
                print(f"mixed: {figures['mixed']}", flush=True)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        worker_log.close()
    return_figures(figures, args, work)


def recognition(bench: Bench, documents: list[int], config: dict, args: argparse.Namespace) -> dict[str, object]:
    """A 300 dpi scan recognised: pages per minute and character accuracy."""
    scan = scan_pdf(SCAN_TEXT, args.scan_pages)
    revision_id, answered = bench.upload(documents[0], "ban-quet.pdf", scan)
    seconds = answered + bench.wait_done(revision_id, None)
    text = _revision_text(config, revision_id)
    expected = "\n".join(SCAN_TEXT * args.scan_pages)
    state = bench.revision(revision_id)
    return {
        "pages": args.scan_pages, "seconds": round(seconds, 1),
        "pages_per_minute": round(args.scan_pages / seconds * 60, 2),
        "char_accuracy": round(char_accuracy(expected, text), 4),
        "text_source": state["text_source"], "producer": (state["rendition"] or {}).get("producer"),
        "load": [round(x, 2) for x in os.getloadavg()],
    }


def return_figures(figures: dict[str, object], args: argparse.Namespace, work: Path) -> None:
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    (work / "formats.json").write_text(json.dumps({"arguments": vars(args) | {"workdir": str(work)},
                                                   "figures": figures}, default=str, indent=2, ensure_ascii=False))
    print(f"results: {work / 'formats.json'}")


def warm_up(bench: Bench, documents: list[int], doc: bytes, server_workers: int) -> None:
    """Not timed: the servers' first requests, and the converter's first document (~1 s more)."""
    for n in range(server_workers):
        bench.upload(documents[n % len(documents)], f"khoi-dong-{n}.docx", make_docx(f"Khởi động {n}", *SENTENCES))
    revision_id, _answered = bench.upload(documents[0], "khoi-dong.doc", doc)
    bench.wait_done(revision_id, None)


def doc_series(bench: Bench, documents: list[int], docs: dict[int, bytes], args: argparse.Namespace, work: Path,
               start: int) -> dict[str, object]:
    """10-page .doc uploads one after another: response, upload → searchable, and the worker's stages."""
    load_before = [round(x, 2) for x in os.getloadavg()]
    responses, ready, revisions = [], [], []
    for n in range(start, start + args.rounds):
        revision_id, answered = bench.upload(documents[n % len(documents)], f"quy-trinh-{n}.doc", docs[n])
        responses.append(answered)
        ready.append(answered + bench.wait_done(revision_id, f"mabench{n:04d}"))
        revisions.append(revision_id)
        print(f".doc {n + 1 - start}/{args.rounds}: response {answered * 1000:.0f} ms, searchable after "
              f"{ready[-1]:.1f} s", flush=True)
    time.sleep(0.5)  # the worker's log line follows its index commit
    stages = worker_stages(work / "worker.log", revisions)
    figures: dict[str, object] = {
        "uploads": args.rounds,
        "response_p50_ms": round(percentile(sorted(responses), 0.5) * 1000, 1),
        "response_p95_ms": round(percentile(sorted(responses), 0.95) * 1000, 1),
        "searchable_p50_s": round(percentile(sorted(ready), 0.5), 2),
        "searchable_p95_s": round(percentile(sorted(ready), 0.95), 2),
    }
    for stage in ("queued", "convert", "record", "index"):
        values = sorted(line[f"{stage}_s"] for line in stages if f"{stage}_s" in line)
        if values:
            figures[f"{stage}_p50_s"] = round(percentile(values, 0.5), 3)
            figures[f"{stage}_p95_s"] = round(percentile(values, 0.95), 3)
    figures["load_before"], figures["load_after"] = load_before, [round(x, 2) for x in os.getloadavg()]
    print(f".doc series: {json.dumps(figures)}", flush=True)
    return figures


def worker_stages(log: Path, revisions: list[int]) -> list[dict]:
    """The worker's JSON line for each job of these revisions that finished (see qms.tasks.queue)."""
    wanted, lines = set(revisions), []
    for raw in log.read_text(errors="replace").splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and line.get("revision_id") in wanted and line.get("outcome") == "done":
            lines.append(line)
    return lines


def mixed(bench: Bench, documents: list[int], docs: dict[int, bytes], args: argparse.Namespace,
          config: dict, series: int) -> dict[str, object]:
    """N uploads sent at once; then wait for the queue to drain and check each one."""
    uploads: list[tuple[str, bytes, str]] = []
    for n in range(args.mixed):
        marker = f"{91000 + n}"
        if n % 3 == 0:
            uploads.append((f"hon-hop-{n}.doc", docs[series + n], f"mabench{series + n:04d}"))
        elif n % 3 == 1:
            uploads.append((f"hon-hop-{n}.pdf", scan_pdf([f"Số hiệu hồ sơ {marker}", *SCAN_TEXT[:3]], 1), marker))
        else:
            uploads.append((f"hon-hop-{n}.docx", make_docx(f"Quy trình số hiệu {marker}", *SENTENCES), marker))
    created: list[tuple[int, str, float]] = []
    lock = threading.Lock()

    def send(index: int) -> None:
        filename, content, query = uploads[index]
        revision_id, answered = bench.upload(documents[index % len(documents)], filename, content)
        with lock:
            created.append((revision_id, query, answered))

    started = time.perf_counter()
    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(uploads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = time.perf_counter() - started
    for revision_id, query, _answered in created:
        bench.wait_done(revision_id, query)
    drained = time.perf_counter() - started
    processed_twice = _processed_twice(config, [revision_id for revision_id, _, _ in created])
    answers = sorted(answered for _, _, answered in created)
    return {"uploads": len(uploads), "accepted": len(created), "all_accepted_after_s": round(accepted, 2),
            "response_p95_ms": round(percentile(answers, 0.95) * 1000, 1),
            "all_searchable_after_s": round(drained, 1), "processed_twice": processed_twice}


def _app(config: dict):
    from qms import create_app

    return create_app({key: str(value) for key, value in config.items()} | {"TASKS_IMMEDIATE": "0"})


def _revision_text(config: dict, revision_id: int) -> str:
    from qms.extensions import db
    from qms.models import Revision

    app = _app(config)
    with app.app_context():
        return db.session.get(Revision, revision_id).text


def _processed_twice(config: dict, revision_ids: list[int]) -> int:
    from sqlalchemy import func, select

    from qms.extensions import db
    from qms.models import AuditEntry

    app = _app(config)
    with app.app_context():
        counts = db.session.execute(
            select(AuditEntry.revision_id, func.count()).where(AuditEntry.action == "processed",
                                                               AuditEntry.revision_id.in_(revision_ids))
            .group_by(AuditEntry.revision_id)).all()
    return sum(1 for _, count in counts if count > 1)


if __name__ == "__main__":
    main()
