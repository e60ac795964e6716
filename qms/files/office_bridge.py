"""The far side of the persistent converter: one LibreOffice, driven through UNO, converting one file per request.

Run as a script by a Python that has LibreOffice's UNO bindings (Debian's ``/usr/bin/python3`` with
``python3-uno``), never imported by the application, whose own Python has no ``uno``. It speaks JSON lines on
stdin/stdout: a request ``{"source", "target", "filter", "timeout"}`` gets ``{"ok": true}`` or
``{"ok": false, "error"}``. Its process group (itself and the LibreOffice it starts) is killed as a whole:

- when stdin closes (the worker that started it has gone, however it died);
- when a conversion outlives its time-out (a watchdog here, besides the worker's own, for a worker that died
  while it waited), or LibreOffice has died (under a document, or found dead before the next one): the worker
  starts a new one.

Isolation between files: each document is loaded hidden and read-only, with macros never executed and links
never updated, and closed as soon as it is stored; the profile records no history of recent documents. Only
standard library and ``uno`` here: Debian's Python has nothing else.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

#: com.sun.star.document.MacroExecMode.NEVER_EXECUTE and UpdateDocMode.NO_UPDATE.
_NEVER_EXECUTE, _NO_UPDATE = 0, 0


def _end(*_args: object) -> None:
    """Kill this process group: the bridge and the LibreOffice it started, whatever state they are in."""
    os.killpg(0, signal.SIGKILL)


def _send(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _property(uno, name: str, value: object):  # noqa: ANN001, ANN202 - uno types exist only in Debian's Python
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name, prop.Value = name, value
    return prop


def _connect(uno, pipe: str, office: subprocess.Popen, seconds: float):  # noqa: ANN001, ANN202
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + seconds
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:  # noqa: BLE001 - NoConnectException until LibreOffice listens
            if office.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _convert(uno, desktop, request: dict) -> None:  # noqa: ANN001
    load = (
        _property(uno, "Hidden", True), _property(uno, "ReadOnly", True),
        _property(uno, "MacroExecutionMode", _NEVER_EXECUTE), _property(uno, "UpdateDocMode", _NO_UPDATE),
    )
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["source"]), "_blank", 0, load)
    if document is None:
        raise ValueError("LibreOffice could not load the document")
    try:
        if not document.supportsService("com.sun.star.text.TextDocument"):
            raise ValueError("not a text document")
        store = (_property(uno, "FilterName", request["filter"]), _property(uno, "Overwrite", True))
        document.storeToURL(uno.systemPathToFileUrl(request["target"]), store)
    finally:
        document.close(True)


def _alive(desktop, office: subprocess.Popen) -> bool:  # noqa: ANN001
    """LibreOffice still answers (a crash may show as a failed call before its launcher has exited)."""
    if office.poll() is not None:
        return False
    try:
        desktop.getComponents()
    except Exception:  # noqa: BLE001 - DisposedException and friends: the connection is gone
        return False
    return True


def main() -> None:
    """Serve until stdin closes; however this ends (an answer to a worker that has gone raises BrokenPipeError,
    a bug raises anything), the group goes with it: LibreOffice never outlives its bridge."""
    if os.getpgid(0) != os.getpid():
        os.setsid()  # _end kills this group: it must be ours alone
    try:
        _serve(*sys.argv[1:5])
    finally:
        _end()


def _serve(soffice: str, profile_uri: str, pipe: str, start_seconds: str) -> None:
    uno = importlib.import_module("uno")
    signal.signal(signal.SIGTERM, _end)
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile_uri}", "--headless", "--invisible", "--nologo", "--nodefault",
         "--nolockcheck", "--norestore", "--nofirststartwizard",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        desktop = _connect(uno, pipe, office, float(start_seconds))
    except Exception as error:  # noqa: BLE001 - reported to the worker, which falls back to one soffice per file
        _send({"ready": False, "error": f"{type(error).__name__}: {error}"})
        return
    _send({"ready": True, "office_pid": office.pid})
    for line in sys.stdin:
        request = json.loads(line)
        if not _alive(desktop, office):
            _send({"ok": False, "gone": True})  # died since the last file: the worker starts another for this one
            return
        watchdog = threading.Timer(float(request["timeout"]) + 5, _end)
        watchdog.start()
        try:
            _convert(uno, desktop, request)
        except Exception as error:  # noqa: BLE001 - told to the worker: the document's fault, or a crash
            crashed = not _alive(desktop, office)
            _send({"ok": False, "error": f"{type(error).__name__}: {error}", "crashed": crashed})
            if crashed:
                return  # LibreOffice died under this document: nothing is left to serve the next one
        else:
            _send({"ok": True})
        finally:
            watchdog.cancel()
    # stdin closed: the worker has gone


if __name__ == "__main__":
    main()
