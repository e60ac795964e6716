"""A long-lived LibreOffice per worker thread, driven through UNO by the bridge script (office_bridge.py).

Starting LibreOffice is most of a one-file conversion (~1 s of ~1.2 s for a 10-page .doc on this machine); a
converter that stays up converts the same file in ~0.2 s. The bridge runs under a Python that has the UNO
bindings (Debian's, ``python3-uno``), in a process group of its own with the LibreOffice it starts, and talks
JSON lines over pipes: no port to pick, and it ends itself when the worker's end of the pipe closes.

The guarantees of one soffice per file are kept: each document is loaded hidden, read-only, with macros never
executed and links not updated, and closed after it is stored (office_bridge.py); a converter whose file
outlives its time-out, or whose LibreOffice dies, is killed as a group and a new one is started for the next
file; a converter is also replaced after ``RECYCLE_AFTER`` files, so nothing a long run accumulates lasts.
When no converter can be started, the caller falls back to one soffice per file (``OfficeUnavailable``).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BRIDGE = Path(__file__).with_name("office_bridge.py")
#: Seconds LibreOffice may take to start and listen; a converter replaced after this many files.
START_SECONDS, RECYCLE_AFTER = 60.0, 100
#: After a failed start, one soffice per file for this long before a converter is tried again.
RETRY_START_AFTER = 60.0

# Macros never run: the highest security level, and macro execution switched off altogether; no first-run
# wizard; no list of recent documents kept in the profile between the files a persistent converter opens.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse">
<value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution"
 oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value>
</prop></item>
<item oor:path="/org.openoffice.Office.Common/History"><prop oor:name="PickListSize" oor:op="fuse"><value>0</value>
</prop></item>
</oor:items>
"""

_log = logging.getLogger(__name__)


class OfficeUnavailable(Exception):
    """No persistent converter could be started (no UNO bindings, LibreOffice missing or not answering)."""


class OfficeTimeout(Exception):
    """The file outlived its time-out; the converter was killed."""


class OfficeCrashed(Exception):
    """LibreOffice or the bridge died under the file; the converter is gone."""


class OfficeGone(Exception):
    """LibreOffice had died before the file was given to it; a new converter can take the file."""


class OfficeRefused(Exception):
    """LibreOffice could not load or store the file; the converter goes on serving."""


def write_profile(profile: Path) -> None:
    """A new LibreOffice user profile holding only the settings above."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")


class OfficeConverter:
    """One bridge and its LibreOffice, converting one file at a time."""

    def __init__(self, python: str, soffice: str) -> None:
        self.python, self.soffice = python, soffice
        self.process: subprocess.Popen[bytes] | None = None
        self.office_pid: int | None = None
        self.converted = 0
        self._buffer = b""
        self._ended = False  # the bridge's stdout reached its end
        self._work: Path | None = None

    def start(self) -> None:
        """Start the bridge and wait until LibreOffice listens; OfficeUnavailable if it does not."""
        self._work = Path(tempfile.mkdtemp(prefix="qms-office-"))
        profile = self._work / "profile"
        write_profile(profile)
        pipe = f"qms-office-{os.getpid()}-{uuid.uuid4().hex}"
        # Debian's Python must not see the application's environment for Python.
        env = {key: value for key, value in os.environ.items()
               if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        env.update(HOME=str(self._work), SAL_USE_VCLPLUGIN="svp")
        try:
            self.process = subprocess.Popen(
                [self.python, str(BRIDGE), self.soffice, profile.as_uri(), pipe, str(START_SECONDS)],
                cwd=self._work, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True,
            )
        except OSError as error:
            self.stop()
            raise OfficeUnavailable(f"{self.python}: {error}") from None
        answer = self._read(START_SECONDS + 10)
        if answer is None or not answer.get("ready"):
            self.stop()
            raise OfficeUnavailable((answer or {}).get("error") or "the bridge ended without answering")
        self.office_pid = int(answer["office_pid"])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def convert(self, source: Path, target: Path, filter_name: str, timeout: float) -> None:
        """Convert source into target with the export filter, within the time-out."""
        assert self.process is not None and self.process.stdin is not None
        request = {"source": str(source), "target": str(target), "filter": filter_name, "timeout": timeout}
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            self.stop()
            raise OfficeCrashed("the bridge had ended") from None
        answer = self._read(timeout)
        if answer is None:
            timed_out = not self._ended and self.alive()
            self.stop()
            raise OfficeTimeout() if timed_out else OfficeCrashed("the bridge ended during the conversion")
        if answer.get("gone"):
            self.stop()
            raise OfficeGone()
        self.converted += 1
        if answer.get("crashed"):
            self.stop()
            raise OfficeCrashed(str(answer.get("error")))
        if not answer.get("ok"):
            raise OfficeRefused(str(answer.get("error")))

    def stop(self) -> None:
        """Kill the bridge's process group (bridge and LibreOffice) and remove its profile."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    def _read(self, seconds: float) -> dict[str, Any] | None:
        """The bridge's next answer; None on time-out or when it has ended."""
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + seconds
        descriptor = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
                return None
            chunk = os.read(descriptor, 65536)
            if not chunk:
                self._ended = True
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        answer: dict[str, Any] = json.loads(line)
        return answer


class OfficePool:
    """Idle converters of this process, one in use per converting thread; started on demand or by warm()."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, str], list[OfficeConverter]] = {}
        self._failed_at: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def converter(self, python: str, soffice: str) -> Iterator[OfficeConverter]:
        """An idle converter, or a new one; it goes back to the pool unless it died or has served its turn."""
        key = (python, soffice)
        with self._lock:
            failed_at = self._failed_at.get(key)
            if failed_at is not None and time.monotonic() - failed_at < RETRY_START_AFTER:
                raise OfficeUnavailable("the last start failed less than a minute ago")
            idle = self._idle.setdefault(key, [])
            converter = idle.pop() if idle else None
        if converter is None or not converter.alive():
            if converter is not None:
                converter.stop()
            converter = self._start(key)
        try:
            yield converter
        finally:
            if converter.alive() and converter.converted < RECYCLE_AFTER:
                with self._lock:
                    self._idle[key].append(converter)
            else:
                converter.stop()

    def idle(self, python: str, soffice: str) -> list[OfficeConverter]:
        """The converters waiting for a file (for tests and health checks)."""
        with self._lock:
            return list(self._idle.get((python, soffice), []))

    def warm(self, python: str, soffice: str) -> None:
        """Start one converter now (a worker thread's, at the worker's start) so the first file waits for nobody."""
        converter = self._start((python, soffice))
        with self._lock:
            self._idle.setdefault((python, soffice), []).append(converter)

    def close(self) -> None:
        """Stop every idle converter (at exit; a converter in use is stopped by its thread or by its bridge)."""
        with self._lock:
            idle = [converter for converters in self._idle.values() for converter in converters]
            self._idle.clear()
        for converter in idle:
            converter.stop()

    def _start(self, key: tuple[str, str]) -> OfficeConverter:
        converter = OfficeConverter(*key)
        try:
            converter.start()
        except OfficeUnavailable as error:
            with self._lock:
                self._failed_at[key] = time.monotonic()
            _log.warning("persistent LibreOffice converter unavailable (%s); one soffice per file", error)
            raise
        with self._lock:
            self._failed_at.pop(key, None)
        return converter


#: This process's converters.
POOL = OfficePool()
atexit.register(POOL.close)
