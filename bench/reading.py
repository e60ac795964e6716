"""Reading benchmark: the conformity reader on real documents, with every finding printed for a person to judge.

    .venv/bin/python -m bench.reading                          # the repository's documents (tests/fixtures)
    .venv/bin/python -m bench.reading ~/processes/*.doc DIR    # any .doc/.docx/.odt/.rtf/.pdf files or folders
    .venv/bin/python -m bench.reading --repeat 20 --json out.json

Loads the demo agency (its TTHC catalogue and legal register) into a fresh SQLite database in a temporary
directory, then for each file: converts a .doc/.odt/.rtf with LibreOffice as the worker does; finds the revision
holding the same file (the demo's own documents) or uploads it as a new process of UBND xã Đồng Đăng; prints the
structure read (sections, stated time cases, steps, dossier components, forms, records) and every finding with its
place and quote. The time to read one document is read_structure plus the checks against the database (the
context a revision is checked in), repeated --repeat times; p50/p95 over all readings and the load averages are
printed at the end. Judging which findings are false is a person's work: the output is laid out for it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import statistics
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench import ROOT
from bench.load import percentile
from qms import clock, create_app
from qms.conformity.reader import read_structure
from qms.conformity.store import evaluate
from qms.conformity.structure import Structure
from qms.documents import lifecycle
from qms.extensions import db
from qms.files.conversion import ConversionLimits, to_docx
from qms.files.store import FileStore, file_store
from qms.models import Document, DocumentKind, Revision, User
from qms.ops import schema

DEFAULT_SOURCES = [ROOT / "tests" / "fixtures" / name for name in ("documents", "reading", "formats")]
READABLE = {".docx", ".pdf"}
CONVERTED = {".doc", ".odt", ".rtf"}
#: The commune whose secretary uploads the files that are not the demo's own.
AGENCY = "XA-DONGDANG"


def _files(sources: list[Path]) -> list[Path]:
    found: list[Path] = []
    for source in sources:
        candidates = sorted(source.iterdir()) if source.is_dir() else [source]
        found += [path for path in candidates if path.suffix.lower() in READABLE | CONVERTED]
    return found


def _readable(path: Path) -> tuple[bytes, str]:
    """The bytes the reader reads and their file name: a .doc/.odt/.rtf as the worker's .docx rendition."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in CONVERTED:
        return to_docx(data, suffix[1:], ConversionLimits()).content, path.stem + ".docx"
    return data, path.name


def _kind(structure: Structure) -> DocumentKind:
    """A process when the reader found its steps or its dossier; the policy or a system procedure otherwise."""
    if structure.steps.rows or structure.dossier.components or structure.dossier.reference:
        return DocumentKind.PROCESS
    return DocumentKind.SYSTEM_PROCEDURE


def _revision_of(session: Any, files: FileStore, secretary: User, number: int, data: bytes, filename: str,
                 structure: Structure) -> Revision:
    """The demo's revision of this very file, or a new document of the agency holding it."""
    sha = hashlib.sha256(data).hexdigest()
    known = session.scalars(select(Revision).where(Revision.file_sha256 == sha).order_by(Revision.id)).first()
    if known is not None:
        return known
    code = f"BENCH-{number:03d}"
    document = lifecycle.create_document(
        session, secretary, organization_code=AGENCY, code=code, title=f"{filename} (đọc thử)",
        kind=_kind(structure).value,
    )
    return lifecycle.add_revision(
        session, files, secretary, document.id, stream=io.BytesIO(data), filename=filename,
        change_summary="Đọc thử", code_mismatch_reason="Tài liệu của đơn vị khác, đọc thử",
    )


def _structure_lines(structure: Structure) -> list[str]:
    if not structure.readable:
        return [f"  not readable: {structure.problem}"]
    control = structure.control
    lines = [f"  control: code={control.code} issue={control.issue_number} running={control.running_code}"]
    lines.append("  sections: " + "; ".join(f"{s.kind or '-'}={s.heading[:40]}" for s in structure.sections))
    stated = structure.stated_time
    lines.append("  stated time: " + "; ".join(
        f"{case.kind}{'(' + case.condition[:30] + ')' if case.condition else ''}={case.hours}h"
        for case in stated.cases
    ) if stated.cases else "  stated time: -")
    steps = structure.steps
    lines.append(f"  steps: {len(steps.rows)} rows in {steps.tables} table(s); columns {steps.columns}")
    dossier = structure.dossier
    if dossier.reference:
        lines.append(f"  dossier: reference «{dossier.reference[:60]}»")
    else:
        lines.append(f"  dossier: {len(dossier.components)} components" + (
            f": {', '.join(c.name[:30] for c in dossier.components[:4])}…" if dossier.components else ""))
    lines.append(f"  forms: {len(structure.forms.items)}, records: {len(structure.records.items)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", nargs="*", type=Path, help="files or folders (default: tests/fixtures/…)")
    parser.add_argument("--repeat", type=int, default=5, help="readings per document for the timing")
    parser.add_argument("--json", type=Path, help="write every finding and the figures here")
    args = parser.parse_args()
    paths = _files(args.sources or DEFAULT_SOURCES)
    with tempfile.TemporaryDirectory(prefix="qms-bench-reading-") as work:
        app = create_app({
            "DATABASE_URL": f"sqlite:///{work}/reading.sqlite3", "STORAGE_DIR": work, "FILES_DIR": f"{work}/files",
            "INDEX_DIR": f"{work}/index", "SECRET_KEY": "bench",
        })
        with app.app_context():
            schema.upgrade(db.engine)
            from qms import demo

            today = clock.today()
            demo.load(db.session, file_store(app), today)
            report = _read_all(db.session, file_store(app), paths, today, args.repeat)
    _print_summary(report)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))


def _read_all(session: Any, files: FileStore, paths: list[Path], today: date, repeat: int) -> dict[str, Any]:
    secretary = session.scalar(select(User).where(User.username == "thuky.dd"))
    documents: list[dict[str, Any]] = []
    durations: list[float] = []
    for number, path in enumerate(paths, start=1):
        data, filename = _readable(path)
        structure = read_structure(data, filename)
        revision = _revision_of(session, files, secretary, number, data, filename, structure)
        document = session.get(Document, revision.document_id)
        mine = []
        for _ in range(repeat):
            started = time.perf_counter()
            findings = evaluate(session, revision, read_structure(data, filename), today)
            mine.append(time.perf_counter() - started)
        durations += mine
        print(f"\n== {path.name} → {document.code} rev {revision.number} ({document.kind.value}), "
              f"read in {statistics.median(mine) * 1000:.0f} ms")
        print("\n".join(_structure_lines(structure)))
        for finding in findings:
            place = ", ".join(f"{k}={v}" for k, v in finding.where.items() if v)
            print(f"  [{finding.severity}] {finding.code}: {finding.message}"
                  + (f" @ {place}" if place else "") + (f" «{finding.quote[:80]}»" if finding.quote else ""))
        documents.append({
            "file": str(path), "document": document.code, "kind": document.kind.value,
            "findings": [finding.to_dict() for finding in findings], "median_ms": statistics.median(mine) * 1000,
        })
    return {"documents": documents, "durations": durations, "load": os.getloadavg()}


def _print_summary(report: dict[str, Any]) -> None:
    severities = Counter(f["severity"] for d in report["documents"] for f in d["findings"])
    durations = sorted(report["durations"])
    print(f"\n{len(report['documents'])} documents; findings: "
          + ", ".join(f"{severity} {count}" for severity, count in sorted(severities.items())))
    print(f"reading + checks per document: p50 {percentile(durations, 0.5) * 1000:.0f} ms, "
          f"p95 {percentile(durations, 0.95) * 1000:.0f} ms over {len(durations)} readings; "
          f"load average {' '.join(f'{x:.2f}' for x in report['load'])}")


if __name__ == "__main__":
    main()
