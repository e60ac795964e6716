"""A Word file as it prints: converted to PDF by LibreOffice (a profile of its own), read back line by line."""

from __future__ import annotations

import io
import os
import re
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

#: A date as the registers write it.
DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def pdf_of(docx: bytes) -> bytes:
    """The PDF LibreOffice prints from ``docx``."""
    with tempfile.TemporaryDirectory(prefix="qms-print-") as work:
        root = Path(work)
        (root / "profile").mkdir()
        source = root / "so.docx"
        source.write_bytes(docx)
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--norestore",
             "--nolockcheck", "--convert-to", "pdf", "--outdir", str(root), str(source)],
            check=True, capture_output=True, timeout=180, cwd=root,
            env={**os.environ, "HOME": str(root), "SAL_USE_VCLPLUGIN": "svp"},
        )
        return (root / "so.pdf").read_bytes()


def pages_lines(pdf: bytes) -> list[list[str]]:
    """Every page's text as LibreOffice laid it out: one entry per printed line, in the order it was drawn
    (a table row cell by cell, each cell's lines in turn)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [[line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
            for page in reader.pages]


def broken_words(lines: list[str], phrases: list[str]) -> list[str]:
    """The phrases whose words are not found whole: a phrase printed over several lines reads, lines joined by a
    space, as itself; a word broken inside reads as two pieces and is named."""
    flowing = " ".join(" ".join(lines).split())
    return [phrase for phrase in phrases if " ".join(phrase.split()) not in flowing]


def broken_dates(lines: list[str], expected: list[str]) -> list[str]:
    """The dates of ``expected`` that do not stand whole on a line as often as they were written."""
    whole: dict[str, int] = {}
    for line in lines:
        for found in DATE.findall(line):
            whole[found] = whole.get(found, 0) + 1
    wanted: dict[str, int] = {}
    for day in expected:
        wanted[day] = wanted.get(day, 0) + 1
    return [day for day, count in wanted.items() if whole.get(day, 0) < count]
