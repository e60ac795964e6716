"""The worker's persistent LibreOffice: started with the worker, and gone with it however the worker dies."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from support.servers import queue_worker, server_env

pytestmark = pytest.mark.slow


def processes() -> dict[int, tuple[int, int, str]]:
    """pid → (parent, process group, command line) of the live processes."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z":
            found[int(entry.name)] = (int(fields[1]), int(fields[2]), command)
    return found


def bridges_of(worker: int) -> list[int]:
    return [pid for pid, (parent, _group, command) in processes().items()
            if parent == worker and "office_bridge.py" in command]


def test_each_worker_thread_starts_its_libreoffice_and_a_killed_worker_leaves_none_running(app, tmp_path):
    environment = server_env(app.config, QMS_TASKS_IMMEDIATE="0")
    with queue_worker(environment, tmp_path / "worker.log", threads=2) as worker:
        deadline = time.monotonic() + 120
        while len(bridges := bridges_of(worker.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(bridges) == 2, (tmp_path / "worker.log").read_text()[-2000:]
        deadline = time.monotonic() + 120
        offices: list[int] = []
        while len(offices) < 2 and time.monotonic() < deadline:  # each bridge's LibreOffice, in its group
            offices = [pid for pid, (_parent, group, command) in processes().items()
                       if group in bridges and "soffice.bin" in command]
            time.sleep(0.2)
        assert len(offices) == 2

        os.killpg(worker.pid, signal.SIGKILL)  # a power cut: no shutdown hook, no atexit
        worker.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            left = [pid for pid, (_parent, group, _command) in processes().items() if group in bridges]
            if not left:
                break
            time.sleep(0.2)
        assert left == [], "the bridges saw their pipe close and took their LibreOffice with them"

