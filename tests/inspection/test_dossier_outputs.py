"""The dossier as a person and standard tools meet it: extracted with unzip and checked with ``sha256sum -c``, a cover
and index in Vietnamese that names every member, histories and lists as workbooks that say what the JSON says,
times on the agency's clock."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from docx import Document as WordDocument

from qms import demo
from qms.accounts import users
from qms.exports.xlsx import HEADING_ROW
from qms.inspection import dossier
from qms.inspection.dossier_check import verify_dossier


@pytest.fixture
def demo_dossier(session, files, today, tmp_path):
    demo.load(session, files, today)
    inspector = users.by_username(session, "thanhtra")
    path = tmp_path / "ho-so.zip"
    with open(path, "wb") as out:
        dossier.build(session, files, inspector, "XA-LOCBINH", out, as_of=today, today=today)
    return path


def extracted(path, tmp_path):
    """The dossier unpacked by Info-ZIP's unzip, as an inspector's machine would."""
    target = tmp_path / "giai-nen"
    subprocess.run(["unzip", "-q", str(path), "-d", str(target)], check=True, timeout=120)
    return target


def sha256sum_check(directory) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=directory, capture_output=True,
                          text=True, timeout=120)


def sheet_rows(content: bytes, name: str | None = None) -> tuple[object, list[object], list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[name] if name else book.active
    headings = [cell.value for cell in sheet[HEADING_ROW]]
    return sheet, headings, [list(row) for row in sheet.iter_rows(min_row=HEADING_ROW + 1, values_only=True)]


def test_sha256sum_checks_every_member_of_the_extracted_dossier_and_names_a_changed_one(demo_dossier, tmp_path):
    with zipfile.ZipFile(demo_dossier) as archive:
        names = archive.namelist()
    directory = extracted(demo_dossier, tmp_path)
    checked = sha256sum_check(directory)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = checked.stdout.splitlines()
    assert sorted(line.removesuffix(": OK") for line in lines) == sorted(set(names) - {"SHA256SUMS"})
    assert "manifest.json: OK" in lines and "00-bia-va-muc-luc.docx: OK" in lines

    history = directory / "lich-su" / "QT-HT-04.json"
    history.chmod(0o644)  # members are extracted read-only, as they were written
    history.write_bytes(history.read_bytes().replace(b"QT-HT-04", b"QT-HT-05", 1))
    refused = sha256sum_check(directory)
    assert refused.returncode == 1
    assert "lich-su/QT-HT-04.json: FAILED" in refused.stdout
    assert [line for line in refused.stdout.splitlines() if "FAILED" in line] == ["lich-su/QT-HT-04.json: FAILED"]


def test_the_cover_says_whose_dossier_what_it_holds_and_names_every_member_in_words(session, demo_dossier, today):
    with zipfile.ZipFile(demo_dossier) as archive:
        names = archive.namelist()
        word = WordDocument(io.BytesIO(archive.read("00-bia-va-muc-luc.docx")))
        coverage = json.loads(archive.read("bao-phu-tthc.json"))
        reviews = json.loads(archive.read("ra-soat-can-cu-phap-ly.json"))
        manifest = json.loads(archive.read("manifest.json"))
    text = [paragraph.text for paragraph in word.paragraphs]
    assert text[0] == "HỒ SƠ KIỂM TRA VIỆC ÁP DỤNG HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG THEO TCVN ISO 9001:2015"
    assert "Đơn vị: UBND xã Lộc Bình (mã XA-LOCBINH), thuộc UBND tỉnh Lạng Sơn." in text
    assert f"Tình trạng tại ngày: {today:%d/%m/%Y} (cuối ngày)." in text
    assert any(line.startswith("Lập lúc ") and "giờ Asia/Ho_Chi_Minh, UTC+07:00" in line
               and line.endswith("người lập: Phạm Thu Hà, Chuyên viên phòng Tiêu chuẩn Đo lường Chất lượng.")
               for line in text)
    assert (f"Thủ tục hành chính có quy trình đang hiệu lực: {coverage['covered']}/{coverage['total']} "
            f"({coverage['percent']:.1f} %).".replace(".", ",", 1)) in text
    assert (f"Rà soát căn cứ pháp lý: {reviews['open']} mục đang mở, {reviews['closed']} mục đã đóng.") in text
    assert any(f"là mục số {manifest['audit']['as_of_seq']}, mã băm {manifest['audit']['as_of_hash']}." in line
               for line in text)
    assert "KIỂM TRA TÍNH TOÀN VẸN CỦA HỒ SƠ" in text and text[-1] == "MỤC LỤC"
    index = word.tables[1]
    rows = [[cell.text for cell in row.cells] for row in index.rows]
    assert rows[0] == ["STT", "Tệp", "Nội dung"]
    assert sorted(row[1] for row in rows[1:]) == sorted(names)  # every member once, nothing else
    assert [row[0] for row in rows[1:]] == [str(number) for number in range(1, len(names) + 1)]
    described = {row[1]: row[2] for row in rows[1:]}
    assert described["tai-lieu/QT-HT-04/QT-HT-04_trich-luc_lan-01.docx"] == (
        f"QT-HT-04 · Cấp bản sao trích lục hộ tịch · lần ban hành 1, hiệu lực từ {today:%d/%m/%Y}: "
        "tệp như đã ban hành")
    assert described["lich-su/QT-HT-04.xlsx"].startswith("Lịch sử kiểm soát tài liệu QT-HT-04 · Cấp bản sao")
    assert "sha256sum -c SHA256SUMS" in described["SHA256SUMS"]
    # Page numbers on the cover too: its index may run over pages.
    footer = word.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Trang ")


def test_every_json_member_has_a_workbook_beside_it_that_says_the_same(app, demo_dossier):
    zone = ZoneInfo(app.config["TIMEZONE"])
    with zipfile.ZipFile(demo_dossier) as archive:
        names = set(archive.namelist())
        for name in names:
            if name.endswith(".json") and name != "manifest.json":
                assert name.removesuffix(".json") + ".xlsx" in names, name
        history = json.loads(archive.read("lich-su/QT-XD-01.json"))
        history_book = archive.read("lich-su/QT-XD-01.xlsx")
        coverage = json.loads(archive.read("bao-phu-tthc.json"))
        coverage_book = archive.read("bao-phu-tthc.xlsx")
        reviews = json.loads(archive.read("ra-soat-can-cu-phap-ly.json"))
        reviews_book = archive.read("ra-soat-can-cu-phap-ly.xlsx")
        findings = json.loads(archive.read("phat-hien-kiem-tra-phu-hop.json"))
        findings_book = archive.read("phat-hien-kiem-tra-phu-hop.xlsx")

    assert openpyxl.load_workbook(io.BytesIO(history_book)).sheetnames == ["Diễn biến", "Phiên bản"]
    sheet, headings, events = sheet_rows(history_book, "Diễn biến")
    assert sheet["A1"].value == "LỊCH SỬ KIỂM SOÁT TÀI LIỆU QT-XD-01"
    assert "giờ Asia/Ho_Chi_Minh, UTC+07:00" in sheet["A2"].value
    assert headings[:4] == ["STT", "Thời điểm", "Người thực hiện", "Nội dung"]
    assert len(events) == len(history["events"]) > 3
    for row, event in zip(events, history["events"], strict=True):
        local = datetime.fromisoformat(event["occurred_at"]).astimezone(zone).replace(tzinfo=None, microsecond=0)
        assert abs((row[1] - local).total_seconds()) < 1 and sheet.cell(row=HEADING_ROW + 1, column=2).is_date
        assert row[3] == event["label"] and row[7] == event["seq"]
        if event["actor"]:
            assert row[2].startswith(event["actor"]["name"])
    assert any("Ý kiến: " in (row[5] or "") for row in events)  # the reviewer's comment on the returned draft
    _sheet, _headings, revisions = sheet_rows(history_book, "Phiên bản")
    assert [(row[0], row[2]) for row in revisions] == [(r["number"], r["status_label"]) for r in history["revisions"]]

    _sheet, headings, procedures = sheet_rows(coverage_book)
    assert headings[1:3] == ["Mã TTHC", "Tên thủ tục hành chính"]
    assert len(procedures) == coverage["total"]
    assert sum(1 for row in procedures if row[5] == "Chưa có quy trình") == coverage["total"] - coverage["covered"]
    assert {row[1] for row in procedures} == {p["code"] for p in coverage["covered_procedures"]} | {
        p["code"] for p in coverage["uncovered_procedures"]}

    _sheet, _headings, items = sheet_rows(reviews_book)
    assert [(row[1], row[3], row[8]) for row in items] == [
        (item["document"], item["cited"], "Đang mở" if item["state"] == "open" else "Đã đóng")
        for item in reviews["items"]]
    assert all(isinstance(row[7], datetime) and row[7].date() == date.fromisoformat(item["opened_on"])
               for row, item in zip(items, reviews["items"], strict=True))

    _sheet, _headings, found = sheet_rows(findings_book)
    assert len(found) == sum(len(process["findings"]) for process in findings) > 0
    assert {row[1] for row in found} == {process["document"]["code"] for process in findings}


def test_verify_dossier_checks_sha256sums_too_and_still_reads_a_first_format_dossier(demo_dossier, tmp_path):
    def rewritten(target, change):
        with zipfile.ZipFile(demo_dossier) as old, zipfile.ZipFile(target, "w") as new:
            for info in old.infolist():
                data = change(info.filename, old.read(info.filename))
                if data is not None:
                    new.writestr(info, data)
        return verify_dossier(target)

    assert verify_dossier(demo_dossier).ok
    # A hash in SHA256SUMS that does not match its member.
    def one_sum_wrong(name, data):
        if name != "SHA256SUMS":
            return data
        first, rest = data.split(b"\n", 1)
        return (b"0" * 64) + first[64:] + b"\n" + rest

    wrong = rewritten(tmp_path / "sai.zip", one_sum_wrong)
    assert not wrong.ok and wrong.first_bad == (
        "so-sach/danh-muc-tai-lieu-noi-bo.docx: content differs from SHA256SUMS (SHA-256 mismatch)")
    missing = rewritten(tmp_path / "thieu.zip", lambda name, data: None if name == "SHA256SUMS" else data)
    assert missing.first_bad == "SHA256SUMS: missing from the dossier"
    # manifest.json changed: not listed in itself, but SHA256SUMS names it.
    def manifest_changed(name, data):
        return data.replace(b'"problems": []', b'"problems": ["sua"]') if name == "manifest.json" else data

    changed = rewritten(tmp_path / "manifest.zip", manifest_changed)
    assert changed.first_bad == "manifest.json: content differs from SHA256SUMS (SHA-256 mismatch)"

    # A dossier made before SHA256SUMS (format /1, no cover nor workbooks) still verifies.
    def first_format(name, data):
        workbooks = ("lich-su/", "bao-phu", "ra-soat", "phat-hien", "xac-nhan")
        if name == "SHA256SUMS" or name.endswith(".xlsx") and name.startswith(workbooks):
            return None
        if name == "00-bia-va-muc-luc.docx":
            return None
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["format"] = "qms-inspection-dossier/1"
            manifest["files"] = [entry for entry in manifest["files"] if not (
                entry["path"] == "00-bia-va-muc-luc.docx" or entry["path"].endswith(".xlsx")
                and not entry["path"].startswith("so-sach/"))]
            return json.dumps(manifest).encode()
        return data

    old = rewritten(tmp_path / "cu.zip", first_format)
    assert old.ok, old.problems
