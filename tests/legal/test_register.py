"""The legal register: canonical numbers, status as of a date, adding and editing, CSV import, the CLI."""

from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select
from support.factories import FIXTURES

from qms.errors import Conflict, Forbidden, Invalid, NotFound
from qms.legal import csv_import
from qms.legal import register as legal
from qms.legal.status import LegalStatus
from qms.models import AuditEntry, LegalDocument, LegalRelation

CSV = (FIXTURES / "legal_documents.csv").read_bytes()
DAY = date(2025, 12, 1)


def audit_entries(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def status(session, number: str, on: date) -> LegalStatus:
    return legal.get_legal_document(session, number, today=on).status


@pytest.fixture
def register(session, admin):
    """The fixture register, imported as of 1 December 2025."""
    return csv_import.import_csv(session, admin, CSV, today=DAY)


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "61/2018/NĐ-CP",
        "61/2018/ND-CP",
        "61/2018/nd-cp",
        " 61 / 2018 / NĐ - CP ",
        unicodedata.normalize("NFD", "61/2018/NĐ-CP"),
        "61/2018/\u00d0-CP".replace("\u00d0", "N\u00d0"),
        "61/2018/NĐ\u2013CP",
    ],
)
def test_every_way_of_writing_a_decree_number_is_one_canonical_number(typed):
    assert legal.parse_number(typed) == "61/2018/NĐ-CP"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("19/2014/QD-TTg", "19/2014/QĐ-TTg"),
        ("19/2014/QĐ - TTg", "19/2014/QĐ-TTg"),
        ("19/2014/qđ-ttg", "19/2014/QĐ-TTg"),
        ("101/QD-BKHCN", "101/QĐ-BKHCN"),
        ("60/2014/qh13", "60/2014/QH13"),
        ("66.7/2025/NQ-CP", "66.7/2025/NQ-CP"),
    ],
)
def test_ascii_and_spaced_forms_map_to_the_canonical_number(typed, canonical):
    assert legal.parse_number(typed) == canonical


@pytest.mark.parametrize("typed", ["", "   ", "23/4/2018", "115/245", "9001:2015", "1.001193", "61/2018", "QT-HT-04"])
def test_what_is_not_a_legal_document_number_is_refused(typed):
    with pytest.raises(Invalid):
        legal.parse_number(typed)


# --- status as of a date -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2018, 6, 20), LegalStatus.NOT_YET_IN_FORCE),
        (date(2018, 6, 21), LegalStatus.IN_FORCE),
        (date(2019, 6, 1), LegalStatus.IN_FORCE),
        (date(2022, 1, 31), LegalStatus.IN_FORCE),
        (date(2022, 2, 1), LegalStatus.AMENDED),
        (date(2025, 6, 30), LegalStatus.AMENDED),
        (date(2025, 7, 1), LegalStatus.REPLACED),
        (date(2026, 11, 21), LegalStatus.REPLACED),
    ],
)
def test_the_one_stop_shop_decree_is_amended_then_replaced(session, register, on, expected):
    assert status(session, "61/2018/ND-CP", on) is expected


def test_the_rest_of_the_chain(session, register):
    assert status(session, "107/2021/NĐ-CP", date(2022, 1, 31)) is LegalStatus.NOT_YET_IN_FORCE
    assert status(session, "107/2021/NĐ-CP", date(2023, 1, 1)) is LegalStatus.IN_FORCE
    assert status(session, "107/2021/NĐ-CP", date(2025, 7, 1)) is LegalStatus.REPLACED
    assert status(session, "118/2025/NĐ-CP", date(2025, 6, 30)) is LegalStatus.NOT_YET_IN_FORCE
    assert status(session, "118/2025/NĐ-CP", date(2025, 7, 1)) is LegalStatus.IN_FORCE
    assert status(session, "80/2015/QH13", date(2025, 3, 31)) is LegalStatus.IN_FORCE
    assert status(session, "80/2015/QH13", date(2025, 4, 1)) is LegalStatus.REPLACED
    # A stub has no dates: in force, unless something replaces it.
    assert status(session, "118/2009/QĐ-TTg", date(2014, 4, 19)) is LegalStatus.IN_FORCE
    assert status(session, "118/2009/QĐ-TTg", date(2014, 4, 20)) is LegalStatus.REPLACED


def test_an_entry_lists_its_relations_both_ways(session, register):
    old = legal.get_legal_document(session, "61/2018/NĐ-CP", today=DAY)
    assert (old.amended_by, old.replaced_by) == (["107/2021/NĐ-CP"], ["118/2025/NĐ-CP"])
    assert (old.amends, old.replaces) == ([], [])
    new = legal.get_legal_document(session, "118/2025/NĐ-CP", today=DAY)
    assert new.replaces == ["107/2021/NĐ-CP", "61/2018/NĐ-CP"]


def test_list_filters_by_status_and_by_words_typed_without_diacritics(session, register):
    replaced = {e.document.number for e in legal.list_legal_documents(session, status=LegalStatus.REPLACED, today=DAY)}
    assert {"61/2018/NĐ-CP", "107/2021/NĐ-CP", "01/2018/TT-VPCP", "80/2015/QH13", "45/2013/QH13"} <= replaced
    assert "118/2025/NĐ-CP" not in replaced
    found = [e.document.number for e in legal.list_legal_documents(session, "luat xay dung", today=DAY)]
    assert found == ["50/2014/QH13"]
    by_number = [e.document.number for e in legal.list_legal_documents(session, "61/2018/nd-cp", today=DAY)]
    assert by_number[0] == "61/2018/NĐ-CP" and "107/2021/NĐ-CP" in by_number  # its amender names it in the title
    everything = legal.list_legal_documents(session, today=DAY)
    assert everything[0].document.number == "03/2025/TT-VPCP"  # newest first
    assert all(entry.document.is_stub for entry in everything[-3:])  # stubs last


def test_an_unknown_number_is_not_found(session, register):
    with pytest.raises(NotFound):
        legal.get_legal_document(session, "999/2030/NĐ-CP")
    with pytest.raises(NotFound):
        legal.get_legal_document(session, "không phải số hiệu")


# --- CSV import --------------------------------------------------------------------------------


def test_importing_the_fixture_creates_documents_stubs_relations_and_warnings(session, admin):
    report = csv_import.import_csv(session, admin, CSV, today=DAY)
    assert len(report.created) == 17 and report.updated == [] and report.unchanged == []
    assert sorted(report.stubs) == ["118/2009/QĐ-TTg", "2968/QĐ-BKHCN", "45/2013/QH13"]
    assert report.relations_added == 9 == session.scalar(select(func.count(LegalRelation.id)))
    stub = session.scalar(select(LegalDocument).where(LegalDocument.number == "2968/QĐ-BKHCN"))
    assert stub.is_stub and stub.doc_type == "Quyết định" and stub.effective_from is None
    # The file says "amended" where nothing in it amends them: reported, never stored.
    assert len(report.warnings) == 2
    assert report.warnings[0].startswith("Dòng 13: 04/2020/TT-BTP ghi trạng thái «Đã được sửa đổi, bổ sung»")
    assert "«Còn hiệu lực»" in report.warnings[0] and "50/2014/QH13" in report.warnings[1]
    (entry,) = audit_entries(session, "legal_import")
    details = json.loads(entry.details)
    assert entry.actor_username == admin.username and details["relations_added"] == 9
    assert sorted(details["stubs"]) == sorted(report.stubs)


def test_reimport_changes_nothing_and_completes_stubs(session, admin, register):
    again = csv_import.import_csv(session, admin, CSV, today=DAY)
    assert (again.created, again.updated, again.stubs, again.relations_added) == ([], [], [], 0)
    assert len(again.unchanged) == 17

    header = b"number,type,title,issuer,issued_on,effective_from,status,amends,replaces\n"
    completing = header + (
        "118/2009/QĐ-TTg,Quyết định,Về việc áp dụng ISO 9001:2000,Thủ tướng Chính phủ,"
        "2009-09-30,2009-11-15,replaced,,\n"
        "61/2018/ND-CP,,,,,,,,\n"
    ).encode()
    report = csv_import.import_csv(session, admin, completing, today=DAY)
    assert report.updated == ["118/2009/QĐ-TTg"] and report.unchanged == ["61/2018/NĐ-CP"] and report.warnings == []
    completed = legal.get_legal_document(session, "118/2009/QD-TTg", today=DAY)
    assert not completed.document.is_stub and completed.document.issued_on == date(2009, 9, 30)
    kept = legal.get_legal_document(session, "61/2018/NĐ-CP", today=DAY).document
    assert kept.title.startswith("Về thực hiện cơ chế một cửa")  # empty cells keep what is registered


def test_a_file_with_a_bad_row_imports_nothing_and_names_every_problem(session, admin):
    bad = (
        "number,type,title,issuer,issued_on,effective_from,status,amends,replaces\n"
        "61/2018/NĐ-CP,Nghị định,Một cửa,Chính phủ,2018-04-23,2018-06-21,in_force,,\n"
        "115/245,Nghị định,Tỉ lệ,,,,,,\n"
        "107/2021/NĐ-CP,Nghị định,Sửa đổi,Chính phủ,06/12/2021,2022-02-30,,61/2018/NĐ-CP,\n"
        "61/2018/ND-CP,Nghị định,Trùng,,,,,,\n"
        "64/2025/QH15,Luật,Tự thay thế,,,,,,64/2025/QH15\n"
    ).encode()
    with pytest.raises(csv_import.ImportRefused) as refused:
        csv_import.import_csv(session, admin, bad, today=DAY)
    problems = refused.value.problems
    assert [p.split(":")[0].split(",")[0] for p in problems] == ["dòng 3", "dòng 4", "dòng 5", "dòng 6"]
    assert "2022-02-30" in problems[1] and "trùng với dòng 2" in problems[2]
    assert refused.value.status == 422
    assert session.scalar(select(func.count(LegalDocument.id))) == 0
    assert audit_entries(session, "legal_import") == []


def test_a_file_that_is_not_utf8_or_has_no_header_is_refused(session, admin):
    with pytest.raises(Invalid, match="UTF-8"):
        csv_import.import_csv(session, admin, "số,tên\n".encode("utf-16"), today=DAY)
    with pytest.raises(Invalid, match="dòng tiêu đề"):
        csv_import.import_csv(session, admin, b"a,b\n1,2\n", today=DAY)


def test_only_register_editors_import(session, staff, inspector):
    for user in (staff, inspector):
        with pytest.raises(Forbidden):
            csv_import.import_csv(session, user, CSV, today=DAY)


# --- adding and editing ------------------------------------------------------------------------


def test_registrars_and_admins_add_documents_and_other_organisations_writers_do_not(
    session, registrar, outsider, admin
):
    for number, user in (("87/2020/ND-CP", registrar), ("07/2025/NĐ-CP", admin)):
        document = legal.create_legal_document(
            session, user, number=number, doc_type="Nghị định", title="Sửa đổi hộ tịch", today=DAY
        )
        assert document.number == legal.parse_number(number) and not document.is_stub
    with pytest.raises(Forbidden):
        legal.create_legal_document(
            session, outsider, number="104/2022/NĐ-CP", doc_type="Nghị định", title="Sửa đổi hộ tịch", today=DAY
        )
    entry = audit_entries(session, "legal_create")[0]
    assert entry.actor_username == registrar.username and entry.organization_id is None
    assert json.loads(entry.details)["number"] == "87/2020/NĐ-CP"


def test_staff_and_inspectors_only_read_the_register(session, staff, inspector, register):
    for user in (staff, inspector):
        with pytest.raises(Forbidden):
            legal.create_legal_document(session, user, number="1/2026/NĐ-CP", title="x", today=DAY)
        with pytest.raises(Forbidden):
            legal.update_legal_document(session, user, "61/2018/NĐ-CP", {"title": "x"}, today=DAY)
    assert legal.list_legal_documents(session, today=DAY)


def test_adding_with_relations_makes_stubs_and_changes_the_status(session, registrar):
    legal.create_legal_document(
        session, registrar, number="123/2015/NĐ-CP", title="Luật Hộ tịch, chi tiết", effective_from=date(2016, 1, 1),
        today=DAY,
    )
    legal.create_legal_document(
        session, registrar, number="07/2025/NĐ-CP", doc_type="Nghị định", title="Sửa đổi 123/2015 và 87/2020",
        effective_from=date(2025, 3, 1), amends=["123/2015/ND-CP", "87/2020/NĐ-CP"], today=DAY,
    )
    assert status(session, "123/2015/NĐ-CP", DAY) is LegalStatus.AMENDED
    stub = legal.get_legal_document(session, "87/2020/NĐ-CP", today=DAY)
    assert stub.document.is_stub and stub.amended_by == ["07/2025/NĐ-CP"] and stub.status is LegalStatus.AMENDED
    assert json.loads(audit_entries(session, "legal_create")[-1].details)["stubs"] == ["87/2020/NĐ-CP"]


def test_adding_twice_is_a_conflict_but_completing_a_stub_is_not(session, registrar, register):
    secretary = registrar
    with pytest.raises(Conflict):
        legal.create_legal_document(session, secretary, number="61/2018/ND-CP", title="Lại", today=DAY)
    completed = legal.create_legal_document(
        session, secretary, number="45/2013/QH13", doc_type="Luật", title="Luật Đất đai 2013", today=DAY
    )
    assert not completed.is_stub and completed.title == "Luật Đất đai 2013"
    assert json.loads(audit_entries(session, "legal_create")[-1].details)["completed_stub"] is True


def test_adding_needs_a_title_and_no_relation_to_itself(session, registrar):
    secretary = registrar
    with pytest.raises(Invalid, match="trích yếu"):
        legal.create_legal_document(session, secretary, number="1/2026/NĐ-CP", title="  ", today=DAY)
    with pytest.raises(Invalid, match="chính nó"):
        legal.create_legal_document(
            session, secretary, number="1/2026/NĐ-CP", title="x", replaces=["1/2026/ND-CP"], today=DAY
        )


def test_editing_changes_fields_and_relations_and_records_before_and_after(session, registrar, register):
    approver = registrar
    legal.update_legal_document(
        session, approver, "04/2020/TT-BTP", {"title": "Hướng dẫn Luật Hộ tịch", "replaces": ["15/2015/TT-BTP"]},
        today=DAY,
    )
    entry = legal.get_legal_document(session, "04/2020/TT-BTP", today=DAY)
    assert entry.document.title == "Hướng dẫn Luật Hộ tịch" and entry.replaces == ["15/2015/TT-BTP"]
    details = json.loads(audit_entries(session, "legal_update")[-1].details)
    assert details["before"]["replaces"] == [] and details["after"]["replaces"] == ["15/2015/TT-BTP"]
    assert details["after"]["title"] == "Hướng dẫn Luật Hộ tịch" and "issuer" not in details["after"]
    assert details["stubs"] == ["15/2015/TT-BTP"]

    legal.update_legal_document(session, approver, "04/2020/TT-BTP", {"replaces": []}, today=DAY)
    assert legal.get_legal_document(session, "04/2020/TT-BTP", today=DAY).replaces == []
    count = len(audit_entries(session, "legal_update"))
    legal.update_legal_document(session, approver, "04/2020/TT-BTP", {"replaces": []}, today=DAY)
    assert len(audit_entries(session, "legal_update")) == count  # nothing changed, nothing recorded


def test_editing_a_stub_completes_it_and_dates_change_the_status(session, registrar, register):
    secretary = registrar
    legal.update_legal_document(
        session, secretary, "45/2013/QH13",
        {"doc_type": "Luật", "title": "Luật Đất đai", "effective_from": date(2014, 7, 1)}, today=DAY,
    )
    entry = legal.get_legal_document(session, "45/2013/QH13", today=date(2014, 6, 30))
    assert not entry.document.is_stub and entry.status is LegalStatus.NOT_YET_IN_FORCE
    with pytest.raises(Invalid):
        legal.update_legal_document(session, secretary, "45/2013/QH13", {"number": "46/2013/QH13"}, today=DAY)
    with pytest.raises(NotFound):
        legal.update_legal_document(session, secretary, "46/2013/QH13", {"title": "x"}, today=DAY)


# --- the command line --------------------------------------------------------------------------


def test_import_legal_command_reports_and_reimports(runner, session, tmp_path):
    path = tmp_path / "vbpl.csv"
    path.write_bytes(CSV)
    result = runner.invoke(args=["qms", "import-legal", str(path)])
    assert result.exit_code == 0, result.output
    assert "thêm 17" in result.output and "118/2009/QĐ-TTg" in result.output
    assert "Cảnh báo: Dòng 13: 04/2020/TT-BTP" in result.output
    again = runner.invoke(args=["qms", "import-legal", str(path)])
    assert again.exit_code == 0 and "thêm 0, cập nhật 0, không đổi 17" in again.output
    assert audit_entries(session, "legal_import")[0].actor_id is None


def test_import_legal_command_fails_on_a_bad_file(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"number,title\n23/4/2018,Ngay\n")
    result = runner.invoke(args=["qms", "import-legal", str(path)])
    assert result.exit_code == 1 and "dòng 2" in result.output
    missing = runner.invoke(args=["qms", "import-legal", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "Không đọc được tệp" in missing.output
