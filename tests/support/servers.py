"""Real server processes for the deployment, fault and load tests: gunicorn on a free port, stopped afterwards.

``running(env)`` starts ``gunicorn -c config/gunicorn.conf.py wsgi:app`` in its own process group, waits
until ``/healthz`` answers and stops it on exit; ``Server.kill()`` is a SIGKILL of the whole group (master and
workers at once, as a power cut would). ``server_env(app)`` makes the QMS_* environment of a test app's
installation, ``flask_cli(env, …)`` runs ``flask qms …`` against it, ``request``/``multipart`` talk HTTP.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(config: Any, **overrides: str) -> dict[str, str]:
    """The environment of a process serving the installation a test app (or its config mapping) uses."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QMS_")}
    env.update(
        QMS_DATABASE_URL=config["DATABASE_URL"],
        QMS_STORAGE_DIR=str(config["STORAGE_DIR"]),
        QMS_FILES_DIR=str(config["FILES_DIR"]),
        QMS_INDEX_DIR=str(config["INDEX_DIR"]),
        QMS_SECRET_KEY=str(config.get("SECRET_KEY") or "server-test"),
        QMS_SECURE_COOKIES="0",
        QMS_RATELIMIT_ENABLED="0",
        PYTHONPATH=str(ROOT),
    )
    env.update(overrides)
    return env


def flask_cli(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``flask --app wsgi qms ARGS`` in a process of its own."""
    return subprocess.run(
        [PYTHON, "-m", "flask", "--app", "wsgi", "qms", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 60) -> Response:
    """One HTTP request; a 4xx/5xx is returned like any answer, a refused connection raises OSError."""
    call = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(call, timeout=timeout) as answer:
            return Response(answer.status, dict(answer.headers), answer.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read())


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, for ``files = {name: (filename, content)}``."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n")
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def request(self, path: str, method: str = "GET", body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 60) -> Response:
        return request(self.url + path, method, body, headers, timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 30) -> None:
        """Until ``text`` appears in the server's output; fails if the server dies or time runs out."""
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server never logged {text!r}:\n{self.log()[-3000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL to master and workers at once: nothing gets to clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def _wait_until_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise AssertionError(f"server exited with {server.process.returncode}:\n{server.log()[-3000:]}")
        try:
            if server.request("/healthz", timeout=2).status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise AssertionError(f"server not healthy after {timeout} s:\n{server.log()[-3000:]}")
        time.sleep(0.1)


@contextmanager
def running(env: dict[str, str], log_path: Path, *, workers: int = 2, port: int | None = None,
            startup_timeout: float = 60) -> Iterator[Server]:
    """A gunicorn server for the installation ``env`` describes, healthy on entry and stopped on exit."""
    port = port or free_port()
    env = {**env, "QMS_BIND": f"127.0.0.1:{port}", "QMS_WORKERS": str(workers)}
    log = open(log_path, "ab")  # noqa: SIM115 - the child writes to it until stopped
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.conf.py"), "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_healthy(server, startup_timeout)
        yield server
    finally:
        server.stop()
        log.close()


@contextmanager
def queue_worker(env: dict[str, str], log_path: Path, *, threads: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    """`flask qms worker` for the installation ``env`` describes, in a process group of its own, stopped on exit
    (SIGTERM, then SIGKILL after 20 s)."""
    with log_path.open("ab") as output:
        process = subprocess.Popen(
            [PYTHON, "-m", "flask", "--app", "wsgi", "qms", "worker", "--workers", str(threads)],
            cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
