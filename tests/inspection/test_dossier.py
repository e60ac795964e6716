"""The inspection dossier of the demo agency: its members, its manifest, and checking it later."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tracemalloc
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select
from support.factories import upload

from qms import demo
from qms.accounts import users
from qms.documents import lifecycle
from qms.errors import Invalid, NotFound
from qms.inspection import dossier
from qms.inspection.dossier_check import verify_dossier
from qms.models import AuditHead, Document, Organization, Revision, RevisionStatus

REGISTERS = [
    f"so-sach/{stem}.{fmt}"
    for stem in ("danh-muc-tai-lieu-noi-bo", "danh-muc-tai-lieu-ben-ngoai", "so-theo-doi-sua-doi-tai-lieu")
    for fmt in ("docx", "xlsx")
]


@pytest.fixture
def demo_agency(session, files, today):
    demo.load(session, files, today)
    return users.by_username(session, "thanhtra")


@pytest.fixture
def demo_dossier(session, files, today, demo_agency, tmp_path):
    path = tmp_path / "ho-so.zip"
    with open(path, "wb") as out:
        dossier.build(session, files, demo_agency, "XA-LOCBINH", out, as_of=today, today=today)
    return path


def rewrite(source, target, change) -> None:
    """A copy of the zip with ``change(name, data)`` applied to every member."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, change(info.filename, old.read(info.filename)))


def test_the_demo_dossier_holds_everything_and_verifies(session, files, demo_dossier):
    organization = session.scalar(select(Organization).where(Organization.code == "XA-LOCBINH"))
    in_force = list(session.scalars(
        select(Revision).join(Revision.document)
        .where(Document.organization_id == organization.id, Revision.status == RevisionStatus.EFFECTIVE)
    ))
    all_documents = list(session.scalars(select(Document).where(Document.organization_id == organization.id)))
    with zipfile.ZipFile(demo_dossier) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        for revision in in_force:
            member = f"tai-lieu/{revision.document.code}/{revision.filename}"
            data = archive.read(member)
            assert hashlib.sha256(data).hexdigest() == revision.file_sha256
            with files.open(revision.file_sha256) as stored:
                assert data == stored.read()
        history = json.loads(archive.read("lich-su/QT-XD-01.json"))
        coverage = json.loads(archive.read("bao-phu-tthc.json"))
        reviews = json.loads(archive.read("ra-soat-can-cu-phap-ly.json"))
    assert set(REGISTERS) <= set(names)
    assert {f"lich-su/{document.code}.json" for document in all_documents} <= set(names)
    # Five from the document control story, and the internal-audit procedure of the demo's records (issue 2 in force).
    assert len([name for name in names if name.startswith("tai-lieu/")]) == len(in_force) == 6
    assert {entry["path"] for entry in manifest["files"]} == set(names) - {"manifest.json", "SHA256SUMS"}
    head = session.get(AuditHead, 1)
    assert manifest["audit"]["head_hash"] == head.hash and manifest["audit"]["head_seq"] == head.seq
    assert manifest["audit"]["chain_verified"] and manifest["organization"]["code"] == "XA-LOCBINH"
    assert manifest["problems"] == []
    # A returned draft is in the history with the reviewer's comment; the coverage and reviews say what the data says.
    returned = next(event for event in history["events"] if event["action"] == "return")
    assert returned["actor"]["name"] == "Hoàng Văn Minh" and returned["actor"]["title"] == "Phó Chủ tịch UBND"
    assert returned["details"]["comment"].startswith("Tổng thời gian các bước là 17 ngày")
    assert {"label": "Ý kiến", "value": returned["details"]["comment"]} in returned["facts"]
    # 15: the demo catalogue lists the guardianship procedure (1.000110) its withdrawn process QT-HT-09 is linked to,
    # since a process's TTHC code must be on the catalogue.
    assert coverage["covered"] == 2 and coverage["total"] == 15
    assert reviews["open"] == 1 and reviews["items"][0]["cited"] == "61/2018/NĐ-CP"

    check = verify_dossier(demo_dossier)
    assert check.ok and check.checked == len(manifest["files"]) and check.first_bad is None


def test_one_changed_byte_in_one_file_fails_and_names_the_member(demo_dossier, tmp_path):
    target = "tai-lieu/QT-HT-04/QT-HT-04_trich-luc_lan-01.docx"

    def one_byte(name: str, data: bytes) -> bytes:
        if name != target:
            return data
        return data[:1000] + bytes([data[1000] ^ 0x01]) + data[1001:]

    tampered = tmp_path / "sua.zip"
    rewrite(demo_dossier, tampered, one_byte)
    check = verify_dossier(tampered)
    assert not check.ok
    assert check.first_bad == f"{target}: content differs from the manifest (SHA-256 mismatch)"
    assert len(check.problems) == 1


def test_a_byte_flipped_inside_the_zip_is_named_too(demo_dossier, tmp_path):
    target = "lich-su/QT-HT-01.json"
    with zipfile.ZipFile(demo_dossier) as archive:
        info = archive.getinfo(target)
    damaged = tmp_path / "hong.zip"
    shutil.copyfile(demo_dossier, damaged)
    with open(damaged, "r+b") as handle:
        handle.seek(info.header_offset + 30 + len(info.filename.encode()) + 10)  # inside the member's data
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    check = verify_dossier(damaged)
    assert not check.ok and check.problems[0][0] == target


def test_an_added_or_removed_member_fails(demo_dossier, tmp_path):
    added = tmp_path / "them.zip"
    shutil.copyfile(demo_dossier, added)
    with zipfile.ZipFile(added, "a") as archive:
        archive.writestr("tai-lieu/them.docx", b"khong co trong manifest")
    assert verify_dossier(added).first_bad == "tai-lieu/them.docx: not listed in the manifest"
    removed = tmp_path / "bot.zip"
    with zipfile.ZipFile(demo_dossier) as old, zipfile.ZipFile(removed, "w") as new:
        for info in old.infolist():
            if info.filename != "bao-phu-tthc.json":
                new.writestr(info, old.read(info.filename))
    assert verify_dossier(removed).first_bad == "bao-phu-tthc.json: missing from the dossier"
    not_zip = tmp_path / "rac.zip"
    not_zip.write_bytes(b"not a zip")
    assert not verify_dossier(not_zip).ok


def test_the_command_line_builds_and_verifies(runner, session, files, today, demo_agency, tmp_path):
    out = tmp_path / "cli.zip"
    built = runner.invoke(args=["qms", "dossier", "XA-LOCBINH", str(out)])
    assert built.exit_code == 0, built.output
    assert "Đã lập hồ sơ kiểm tra" in built.output
    verified = runner.invoke(args=["qms", "verify-dossier", str(out)])
    assert verified.exit_code == 0 and "Hồ sơ toàn vẹn" in verified.output

    tampered = tmp_path / "cli-sua.zip"
    rewrite(out, tampered, lambda name, data: data + b" " if name == "so-sach/danh-muc-tai-lieu-noi-bo.xlsx" else data)
    refused = runner.invoke(args=["qms", "verify-dossier", str(tampered)])
    assert refused.exit_code == 1
    assert "so-sach/danh-muc-tai-lieu-noi-bo.xlsx" in refused.output

    unknown = runner.invoke(args=["qms", "dossier", "KHONG-CO", str(tmp_path / "x.zip")])
    assert unknown.exit_code == 1 and "Không tìm thấy đơn vị." in unknown.output
    assert not (tmp_path / "x.zip").exists()
    earlier = runner.invoke(args=["qms", "dossier", "XA-LOCBINH", str(tmp_path / "y.zip"), "--as-of",
                                  (today - timedelta(days=1)).isoformat()])
    assert earlier.exit_code == 0
    with zipfile.ZipFile(tmp_path / "y.zip") as archive:  # nothing of the demo existed yesterday
        assert not [name for name in archive.namelist() if name.startswith(("tai-lieu/", "lich-su/"))]


def test_who_may_build_it_and_for_which_day(session, files, today, demo_agency):
    staff = users.by_username(session, "canbo")
    other = users.by_username(session, "thuky.dd")
    for user in (staff, other):
        with pytest.raises(NotFound):
            dossier.build(session, files, user, "XA-LOCBINH", io.BytesIO(), as_of=today, today=today)
    with pytest.raises(Invalid):
        dossier.build(session, files, demo_agency, "XA-LOCBINH", io.BytesIO(), as_of=today + timedelta(days=1),
                      today=today)
    own = users.by_username(session, "thuky")
    spool, size, name = dossier.build_to_temporary_file(session, files, own, "XA-LOCBINH", as_of=today, today=today)
    with spool:
        assert name == f"ho-so-kiem-tra_XA-LOCBINH_{today.isoformat()}.zip" and size == len(spool.read()) > 0


def test_stored_files_are_copied_in_chunks_not_held_in_memory(
    session, files, secretary, reviewer, approver, inspector, document, today, tmp_path
):
    big = b"%PDF-1.4\n" + os.urandom(24 * 1024 * 1024) + b"\n%%EOF\n"
    revision = upload(session, files, secretary, document, big, filename="quy-trinh.pdf")
    del big
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
    lifecycle.act(session, approver, revision.id, "approve", today=today, effective_from=today, comment="Đã xem")
    tracemalloc.start()
    try:
        with open(tmp_path / "lon.zip", "wb") as out:
            dossier.build(session, files, inspector, "XA-LOCBINH", out, as_of=today, today=today)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 * 1024 * 1024
    assert verify_dossier(tmp_path / "lon.zip").ok
