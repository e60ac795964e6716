"""Word 97-2003, OpenDocument and RTF files converted into a .docx rendition by LibreOffice in headless mode.

Each conversion runs in a fresh user profile (no state shared between files, no lock held by a hung
run), with macros disabled by that profile and a time limit after which the whole process group is
killed. GNU ``timeout`` bounds the run as well, so a converter outlives neither its limit nor a worker
that was killed while it waited.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

SOFFICE = "soffice"

# Macros never run: the highest security level, and macro execution switched off altogether.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse">
<value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution"
 oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value>
</prop></item>
</oor:items>
"""
_PAGES = re.compile(rb"<(?:\w+:)?Pages>(\d+)</(?:\w+:)?Pages>")


@dataclass(frozen=True)
class ConversionLimits:
    """How long a converter may run and how large a document it may produce (settings)."""

    timeout: float = 120.0
    ocr_timeout: float = 600.0
    max_pages: int = 500
    max_image_pixels: int = 60_000_000
    ocr_language: str = "vie"
    ocr_jobs: int = 1


@dataclass(frozen=True)
class Produced:
    """A rendition: its bytes and kind, who made it, and what was read from it."""

    content: bytes
    kind: str  # docx | pdf
    producer: str
    version: str
    pages: int | None = None
    #: Recognised text (OCR); None when the text is to be extracted from the rendition.
    text: str | None = None
    confidence: float | None = None


class ConversionFailed(Exception):
    """A conversion that produced nothing usable; ``message`` is shown to people (Vietnamese)."""

    def __init__(self, code: str, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry = retry


def run_bounded(args: list[str], *, timeout: float, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a converter in its own process group; on time-out the whole group is killed. (exit code, stderr tail)."""
    bounded = ["timeout", "--signal=KILL", f"{max(1, int(timeout) + 5)}", *args]
    process = subprocess.Popen(
        bounded, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        process.communicate()
        raise ConversionFailed(
            "timeout", f"Quá thời gian xử lý cho phép ({timeout:g} giây); tệp có thể quá lớn hoặc bị lỗi."
        ) from None
    finally:
        _kill_group(process.pid)  # anything the converter left running in its group
    return process.returncode, (err or b"").decode("utf-8", "replace")[-2000:]


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


@functools.cache
def libreoffice_version() -> str:
    """LibreOffice's version as it reports it, e.g. 7.4.7.2; 'unknown' when it cannot tell."""
    try:
        out = subprocess.run([SOFFICE, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    found = re.search(r"LibreOffice (\S+)", out)
    return found.group(1) if found else "unknown"


def to_docx(data: bytes, file_type: str, limits: ConversionLimits) -> Produced:
    """A .docx rendition of a .doc, .odt or .rtf, converted in a profile of its own with macros off."""
    with tempfile.TemporaryDirectory(prefix="qms-convert-") as work:
        root = Path(work)
        profile = root / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        source = root / f"source.{file_type}"
        source.write_bytes(data)
        out = root / "out"
        out.mkdir()
        env = {**os.environ, "HOME": str(root), "SAL_USE_VCLPLUGIN": "svp"}
        code, err = run_bounded(
            [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
             "--nodefault", "--nolockcheck", "--norestore", "--convert-to", "docx:MS Word 2007 XML",
             "--outdir", str(out), str(source)],
            timeout=limits.timeout, cwd=root, env=env,
        )
        produced = out / "source.docx"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise ConversionFailed(
                "unreadable",
                "LibreOffice không chuyển đổi được tệp (tệp hỏng, bị mã hoá hoặc không phải văn bản).",
            )
        content = produced.read_bytes()
    pages = docx_pages(content)
    if pages is not None and pages > limits.max_pages:
        raise ConversionFailed(
            "too_many_pages", f"Tài liệu có {pages} trang, vượt quá giới hạn {limits.max_pages} trang.", retry=False
        )
    return Produced(content, "docx", "LibreOffice", libreoffice_version(), pages)


def docx_pages(content: bytes) -> int | None:
    """The page count a .docx states in docProps/app.xml (LibreOffice writes it), if any."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            found = _PAGES.search(archive.read("docProps/app.xml"))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None
    return int(found.group(1)) if found else None
