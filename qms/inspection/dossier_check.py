"""Checking an inspection dossier later: every member's SHA-256 against its manifest, nothing missing or added.

A member whose bytes cannot be read back (the zip's own CRC fails) is as bad as one whose hash differs. A dossier
of format /2 also carries ``SHA256SUMS`` (what ``sha256sum -c`` checks): it must list every member, the manifest
included, with the same hashes; a dossier of format /1 has none.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from qms.files.store import CHUNK
from qms.inspection.dossier import FORMAT, FORMATS, MANIFEST, SUMS


@dataclass
class DossierCheck:
    checked: int = 0
    #: What the manifest says about the organisation, the day and the audit chain.
    manifest: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> str | None:
        """The first bad member, named with what is wrong with it."""
        return f"{self.problems[0][0]}: {self.problems[0][1]}" if self.problems else None

    def fail(self, member: str, problem: str) -> None:
        self.problems.append((member, problem))


def verify_dossier(source: str | Path | IO[bytes]) -> DossierCheck:
    """Recompute every listed member's hash; report members missing, changed, unreadable or not listed."""
    check = DossierCheck()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        check.fail(str(source), f"not a readable zip archive ({error})")
        return check
    with archive:
        manifest = _manifest(archive, check)
        if manifest is None:
            return check
        check.manifest = {key: manifest.get(key) for key in ("organization", "as_of", "generated_at", "audit")}
        present = {info.filename for info in archive.infolist() if not info.is_dir()}
        listed: set[str] = set()
        for entry in manifest.get("files") or []:
            path = str(entry.get("path"))
            listed.add(path)
            check.checked += 1
            if path not in present:
                check.fail(path, "missing from the dossier")
                continue
            found = _digest(archive, path)
            if found is None:
                check.fail(path, "damaged (cannot be read back)")
            elif found != (entry.get("sha256"), entry.get("size")):
                check.fail(path, "content differs from the manifest (SHA-256 mismatch)")
        for path in sorted(present - listed - {MANIFEST, SUMS}):
            check.fail(path, "not listed in the manifest")
        if manifest.get("format") != FORMATS[0]:
            _check_sums(archive, present, check)
    return check


def _check_sums(archive: zipfile.ZipFile, present: set[str], check: DossierCheck) -> None:
    """SHA256SUMS lists every other member once, each with the hash of its bytes."""
    if SUMS not in present:
        check.fail(SUMS, "missing from the dossier")
        return
    try:
        text = archive.read(SUMS).decode("utf-8")
    except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, OSError):
        check.fail(SUMS, "damaged (cannot be read)")
        return
    summed: dict[str, str] = {}
    for line in text.splitlines():
        sha256, separator, path = line.partition("  ")
        if not separator or len(sha256) != 64 or path in summed:
            check.fail(SUMS, f"not in the format of sha256sum ({line[:80]!r})")
            return
        summed[path] = sha256
    for path, sha256 in summed.items():
        if path not in present:
            check.fail(path, f"listed in {SUMS} but missing from the dossier")
            continue
        found = _digest(archive, path)
        if found is not None and found[0] != sha256 and path not in {bad for bad, _problem in check.problems}:
            check.fail(path, f"content differs from {SUMS} (SHA-256 mismatch)")
    for path in sorted(present - set(summed) - {SUMS}):
        check.fail(path, f"not listed in {SUMS}")


def _manifest(archive: zipfile.ZipFile, check: DossierCheck) -> dict[str, Any] | None:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError:
        check.fail(MANIFEST, "missing")
        return None
    except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, ValueError, OSError):
        check.fail(MANIFEST, "damaged (cannot be read)")
        return None
    well_formed = isinstance(manifest, dict) and isinstance(manifest.get("files"), list)
    if not well_formed or manifest.get("format") not in FORMATS:
        check.fail(MANIFEST, f"not a manifest of format {FORMAT}")
        return None
    return manifest


def _digest(archive: zipfile.ZipFile, path: str) -> tuple[str, int] | None:
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(path) as member:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        return None
    return digest.hexdigest(), size
