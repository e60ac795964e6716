"""Word 97-2003, OpenDocument and RTF files converted into a .docx rendition by LibreOffice in headless mode.

By default a persistent LibreOffice of the worker converts the file (office_converter.py: starting LibreOffice
is most of the time of a conversion); when none can be started, or with ``QMS_CONVERTER=per-file``, each
conversion runs its own soffice in a fresh user profile (no state shared between files, no lock held by a
hung run). Either way macros are disabled by the profile and never executed, and a time limit kills the
whole process group. GNU ``timeout`` bounds a per-file run as well, so a converter outlives neither its
limit nor a worker that was killed while it waited.
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

from qms.files import office_converter
from qms.files.office_converter import OfficeCrashed, OfficeGone, OfficeRefused, OfficeTimeout, OfficeUnavailable
from qms.messages import Message

SOFFICE = "soffice"
#: The export filter of the .docx rendition.
DOCX_FILTER = "MS Word 2007 XML"
PERSISTENT, PER_FILE = "persistent", "per-file"

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
    #: persistent (a long-lived LibreOffice per worker thread, falling back to per-file) or per-file.
    converter: str = PERSISTENT
    #: A Python with LibreOffice's UNO bindings (Debian's python3-uno), which runs the persistent converter.
    converter_python: str = "/usr/bin/python3"


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
    """A conversion that produced nothing usable; ``message`` is shown to people (in their language)."""

    def __init__(self, code: str, message: Message, *, retry: bool = True) -> None:
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
        raise _timed_out(timeout) from None
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
    """A .docx rendition of a .doc, .odt or .rtf, converted with macros off, by the persistent converter if it can."""
    with tempfile.TemporaryDirectory(prefix="qms-convert-") as work:
        root = Path(work)
        source = root / f"source.{file_type}"
        source.write_bytes(data)
        target = root / "out" / "source.docx"
        target.parent.mkdir()
        converted = False
        if limits.converter == PERSISTENT:
            converted = _convert_persistent(source, target, limits)
        if not converted:
            _convert_per_file(root, source, target.parent, limits)
        if not target.is_file() or target.stat().st_size == 0:
            raise _unreadable()
        content = target.read_bytes()
    pages = docx_pages(content)
    if pages is not None and pages > limits.max_pages:
        raise ConversionFailed(
            "too_many_pages",
            Message("Tài liệu có %(pages)s trang, vượt quá giới hạn %(limit)s trang.", pages=pages,
                    limit=limits.max_pages),
            retry=False,
        )
    return Produced(content, "docx", "LibreOffice", libreoffice_version(), pages)


def warm(limits: ConversionLimits) -> None:
    """Start one persistent converter now (a worker thread's, as the worker starts) if that is the converter in use."""
    if limits.converter == PERSISTENT:
        with contextlib.suppress(OfficeUnavailable):  # logged; conversions fall back to one soffice per file
            office_converter.POOL.warm(limits.converter_python, SOFFICE)


def _convert_persistent(source: Path, target: Path, limits: ConversionLimits) -> bool:
    """Convert with a long-lived LibreOffice; False when none can be started (the caller runs one per file)."""
    try:
        try:
            with office_converter.POOL.converter(limits.converter_python, SOFFICE) as converter:
                converter.convert(source, target, DOCX_FILTER, limits.timeout)
        except OfficeGone:  # it had died between two files: not this file's fault, a new one takes it
            with office_converter.POOL.converter(limits.converter_python, SOFFICE) as converter:
                converter.convert(source, target, DOCX_FILTER, limits.timeout)
    except (OfficeUnavailable, OfficeGone):
        return False
    except OfficeTimeout:
        raise _timed_out(limits.timeout) from None
    except OfficeCrashed:
        raise ConversionFailed("crashed", Message("LibreOffice dừng đột ngột khi chuyển đổi tệp.")) from None
    except OfficeRefused:
        raise _unreadable() from None
    return True


def _convert_per_file(root: Path, source: Path, out: Path, limits: ConversionLimits) -> None:
    """One soffice for this file alone, in a fresh profile, killed with its process group on time-out."""
    profile = root / "profile"
    office_converter.write_profile(profile)
    env = {**os.environ, "HOME": str(root), "SAL_USE_VCLPLUGIN": "svp"}
    run_bounded(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
         "--nodefault", "--nolockcheck", "--norestore", "--convert-to", f"docx:{DOCX_FILTER}",
         "--outdir", str(out), str(source)],
        timeout=limits.timeout, cwd=root, env=env,
    )


def _unreadable() -> ConversionFailed:
    return ConversionFailed(
        "unreadable", Message("LibreOffice không chuyển đổi được tệp (tệp hỏng, bị mã hoá hoặc không phải văn bản).")
    )


def _timed_out(timeout: float) -> ConversionFailed:
    return ConversionFailed(
        "timeout",
        Message("Quá thời gian xử lý cho phép (%(seconds)s giây); tệp có thể quá lớn hoặc bị lỗi.",
                seconds=f"{timeout:g}"),
    )


def docx_pages(content: bytes) -> int | None:
    """The page count a .docx states in docProps/app.xml (LibreOffice writes it), if any."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            found = _PAGES.search(archive.read("docProps/app.xml"))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None
    return int(found.group(1)) if found else None
