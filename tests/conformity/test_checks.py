"""The findings an inspector would make, found at upload: the fixture documents give exactly the expected ones."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from support.factories import FIXTURES, fixture_file, make_docx, make_effective, upload

from qms import conformity
from qms.catalogue import procedures
from qms.conformity.checks import Context, Outdated, Statutory, run_checks
from qms.conformity.reader import read_structure
from qms.conformity.structure import Step, Steps, Structure
from qms.documents import lifecycle
from qms.errors import NotFound
from qms.legal import csv_import
from qms.legal import register as legal
from qms.models import AuditEntry, Procedure


@pytest.fixture
def commune(session, secretary, today):
    """The catalogue and the legal register of the fixtures, so statutory times and legal statuses are known."""
    csv_import.import_csv(session, None, (FIXTURES / "legal_documents.csv").read_bytes(), today=today)
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "procedures.xlsx",
                                 (FIXTURES / "procedures.xlsx").read_bytes())


def process(session, secretary, code, procedure, title="Quy trình"):
    return lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=code, title=title,
                                     kind="process", procedure_code=procedure)


def found(session, revision):
    """(code, step) of each stored finding, in order."""
    result = conformity.stored_check(session, revision.id)
    assert result is not None
    return [(finding.code, finding.where.get("step")) for finding in result.findings]


# --- the fixture documents ----------------------------------------------------------------------


def test_birth_registration_issue_2_has_no_findings(session, files, secretary, reviewer, approver, today, commune):
    birth = process(session, secretary, "QT-HT-01", "1.001193", "Đăng ký khai sinh")
    make_effective(session, files, birth, secretary, reviewer, approver, today,
                   make_docx("Quy trình đăng ký khai sinh", "Lần ban hành: 01"))
    second = upload(session, files, secretary, birth, fixture_file("QT-HT-01_dang-ky-khai-sinh_lan-02.docx"),
                    "Thay Nghị định 61/2018/NĐ-CP", "QT-HT-01_lan-02.docx")
    assert found(session, second) == []
    structure = conformity.stored_check(session, second.id).structure
    assert [step.hours for step in structure.steps.rows] == [1, 4, 2, 0.5, 0.5]


def test_extract_issue_1_cites_a_replaced_decree_and_issue_2_none(
    session, files, secretary, reviewer, approver, today, commune
):
    extract = process(session, secretary, "QT-HT-04", "2.000635", "Cấp bản sao trích lục hộ tịch")
    first = make_effective(session, files, extract, secretary, reviewer, approver, today,
                           fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    result = conformity.stored_check(session, first.id)
    assert [f.code for f in result.findings] == ["legal_basis_outdated"]
    assert "61/2018/NĐ-CP" in result.findings[0].message and "118/2025/NĐ-CP" in result.findings[0].message
    assert result.findings[0].where["section"] == "5.1. Cơ sở pháp lý"

    second = upload(session, files, secretary, extract, fixture_file("QT-HT-04_trich-luc_lan-02.docx"),
                    "Cập nhật căn cứ pháp lý", "QT-HT-04_lan-02.docx")
    assert found(session, second) == []


def test_signature_certification_has_five_findings(session, files, secretary, today, commune):
    signature = process(session, secretary, "QT-CT-02", "2.000884")
    revision = upload(session, files, secretary, signature, fixture_file("QT-CT-02_chung-thuc-chu-ky_lan-01.docx"),
                      filename="QT-CT-02.docx")
    assert found(session, revision) == [
        ("dossier_missing", None),
        ("step_no_time", "2"),
        ("forms_missing", "4"),
        ("records_missing", None),
        ("legal_basis_outdated", None),
    ]
    messages = [f.message for f in conformity.stored_check(session, revision.id).findings]
    assert "Theo quy định hiện hành" in messages[0]
    assert messages[2].startswith("Mẫu 07 được nêu ở bước 4")
    assert "61/2018/NĐ-CP" in messages[4]


def test_building_permit_exceeds_the_statutory_time_and_a_step_has_nobody(session, files, secretary, today, commune):
    building = process(session, secretary, "QT-XD-01", "1.013225")
    revision = upload(session, files, secretary, building, fixture_file("QT-XD-01_giay-phep-xay-dung_lan-01.docx"),
                      filename="QT-XD-01.docx")
    assert found(session, revision) == [("step_no_responsible", "3"), ("time_exceeds_statutory", None)]
    exceeded = conformity.stored_check(session, revision.id).findings[1]
    assert "17 ngày" in exceeded.message and "15 ngày" in exceeded.message and "1.013225" in exceeded.message
    assert exceeded.severity == "error" and exceeded.where["section"] == "5.7. Quy trình xử lý công việc"


@pytest.mark.parametrize(
    ("code", "kind", "name"),
    [
        ("CSCL", "policy", "CSCL_chinh-sach-chat-luong_lan-01.docx"),
        ("QT-HT-KS", "system_procedure", "QT-HT-KS_kiem-soat-tai-lieu_lan-01.docx"),
    ],
)
def test_documents_that_are_not_per_procedure_processes_have_no_findings(
    session, files, secretary, today, commune, code, kind, name
):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=code,
                                         title="Tài liệu hệ thống", kind=kind)
    revision = upload(session, files, secretary, document, fixture_file(name), filename=name)
    assert found(session, revision) == []


# --- the comparisons with what the application knows ---------------------------------------------


def test_a_code_or_issue_number_that_disagrees_with_the_application(session, files, secretary, today, commune):
    other = process(session, secretary, "QT-HT-05", "2.000635")
    # The file names QT-HT-04: the secretary confirms it is this document's, with a reason.
    revision = lifecycle.add_revision(
        session, files, secretary, other.id, stream=io.BytesIO(fixture_file("QT-HT-04_trich-luc_lan-02.docx")),
        filename="QT-HT-04.docx", change_summary="Tách từ QT-HT-04", code_mismatch_reason="Tách từ QT-HT-04",
    )
    findings = conformity.stored_check(session, revision.id).findings
    assert [f.code for f in findings] == ["metadata_mismatch", "metadata_mismatch"]
    assert "QT-HT-04" in findings[0].message and "QT-HT-05" in findings[0].message
    assert "(02)" in findings[1].message and "(01)" in findings[1].message


def test_a_code_written_with_other_separators_is_the_same_code(session, files, secretary, today, commune):
    dotted = process(session, secretary, "QT.HT.04", "2.000635")
    revision = upload(session, files, secretary, dotted, fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    assert "metadata_mismatch" not in [code for code, _ in found(session, revision)]


def test_the_catalogue_time_rules_and_a_recheck_sees_the_catalogue_change(
    session, files, secretary, reviewer, today, commune
):
    building = process(session, secretary, "QT-XD-01", "1.013225")
    revision = upload(session, files, secretary, building, fixture_file("QT-XD-01_giay-phep-xay-dung_lan-01.docx"))
    assert ("time_exceeds_statutory", None) in found(session, revision)
    listed = session.scalar(select(Procedure).where(Procedure.code == "1.013225"))
    listed.time_value = 20
    session.commit()
    result = conformity.recheck(session, reviewer, revision.id, today, files=files)
    assert "time_exceeds_statutory" not in result.codes
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "conformity_check")).one()
    details = json.loads(entry.details)
    assert "time_exceeds_statutory" in details["before"] and "time_exceeds_statutory" not in details["after"]
    assert entry.actor_username == reviewer.username and entry.revision_id == revision.id


def test_without_a_catalogue_the_time_the_document_states_is_the_limit(session, files, secretary, today):
    building = process(session, secretary, "QT-XD-01", "1.013225")
    revision = upload(session, files, secretary, building, fixture_file("QT-XD-01_giay-phep-xay-dung_lan-01.docx"))
    exceeded = [f for f in conformity.stored_check(session, revision.id).findings if f.code == "time_exceeds_statutory"]
    assert len(exceeded) == 1 and "5.4. Thời gian xử lý" in exceeded[0].message


def test_a_decree_amended_after_the_revision_took_effect_is_outdated(
    session, files, secretary, reviewer, approver, admin, today, commune
):
    birth = process(session, secretary, "QT-HT-01", "1.001193")
    make_effective(session, files, birth, secretary, reviewer, approver, today, make_docx("Lần ban hành: 01"))
    current = make_effective(session, files, birth, secretary, reviewer, approver, today,
                             fixture_file("QT-HT-01_dang-ky-khai-sinh_lan-02.docx"))
    assert found(session, current) == []
    legal.create_legal_document(
        session, admin, number="99/2099/NĐ-CP", doc_type="Nghị định", title="Sửa đổi Nghị định 123/2015/NĐ-CP",
        issuer="Chính phủ", issued_on=today, effective_from=today + timedelta(days=1),
        amends=["123/2015/NĐ-CP"], replaces=[], today=today,
    )
    later = today + timedelta(days=2)
    result = conformity.recheck(session, secretary, current.id, later, files=files)
    assert result.codes == ["legal_basis_outdated"]
    assert "123/2015/NĐ-CP" in result.findings[0].message and "99/2099/NĐ-CP" in result.findings[0].message


def test_the_findings_at_approval_are_recorded_with_it(session, files, secretary, reviewer, approver, today, commune):
    signature = process(session, secretary, "QT-CT-02", "2.000884")
    revision = make_effective(session, files, signature, secretary, reviewer, approver, today,
                              fixture_file("QT-CT-02_chung-thuc-chu-ky_lan-01.docx"))
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "approve", AuditEntry.revision_id == revision.id)
    ).one()
    assert json.loads(entry.details)["findings"] == [
        "dossier_missing", "step_no_time", "forms_missing", "records_missing", "legal_basis_outdated",
    ]


def damaged_docx() -> bytes:
    """A zip that passes for a Word file at upload (it holds word/document.xml) but whose XML is broken."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document><w:body><w:p>Quy tr\xc3\xacnh")
    return buffer.getvalue()


def test_a_damaged_file_gives_one_unreadable_finding():
    # Uploads refuse such a file now; one stored before that is still checked and reported.
    structure = read_structure(damaged_docx(), "hong.docx")
    findings = run_checks(structure, context())
    assert [f.code for f in findings] == ["unreadable"]
    assert "hỏng" in findings[0].message and structure.readable is False


def test_a_scanned_pdf_gives_one_unreadable_finding(session, files, secretary, today, commune):
    from pypdf import PdfWriter

    scan = process(session, secretary, "QT-XD-01", "1.013225")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    revision = upload(session, files, secretary, scan, buffer.getvalue(), filename="scan.pdf")
    result = conformity.stored_check(session, revision.id)
    assert [f.code for f in result.findings] == ["unreadable"]
    assert "bản quét" in result.findings[0].message and result.structure.readable is False


# --- the rules on their own -----------------------------------------------------------------------


def context(**overrides) -> Context:
    values = {"is_process": True, "document_code": "QT-01", "expected_issue": 1, "issued": False}
    return Context(**{**values, **overrides})


def steps(*times: str) -> Structure:
    structure = read_structure(make_docx("Quy trình", table=[
        ["Bước", "Nội dung", "Trách nhiệm", "Thời gian", "Kết quả"],
        *[[f"Bước {i}", "Việc", "Công chức", time, ""] for i, time in enumerate(times, start=1)],
    ]), "q.docx")
    return structure


@pytest.mark.parametrize(
    ("times", "statutory", "exceeds"),
    [
        (["04 giờ", "04 giờ làm việc"], Statutory(8, "trong ngày", "same_day", "1.001193"), False),
        (["04 giờ", "0,5 ngày", "1 giờ"], Statutory(8, "trong ngày", "same_day", "1.001193"), True),
        (["1/2 ngày", "02 ngày làm việc"], Statutory(24, "03 ngày làm việc", "working_day", "1.004873"), False),
        (["Trong ngày", "02 ngày làm việc", "01 giờ"], Statutory(24, "03 ngày làm việc", "working_day", "x"), True),
        (["30 phút", "7 giờ 30"], Statutory(8, "trong ngày", "same_day", "1.001193"), False),
    ],
)
def test_times_compare_in_working_hours(times, statutory, exceeds):
    findings = run_checks(steps(*times), context(statutory=statutory))
    assert ("time_exceeds_statutory" in [f.code for f in findings]) is exceeds


def test_a_step_merged_over_two_rows_counts_its_time_once():
    structure = Structure(source="docx", steps=Steps(rows=[
        Step("1", responsible="A", time_text="04 giờ", hours=4),
        Step("2", responsible="B", time_text="04 giờ", shared_time=True),
        Step("3", responsible="C", time_text="04 giờ", hours=4),
    ]))
    codes = [f.code for f in run_checks(structure, context(statutory=Statutory(8, "trong ngày", "same_day", "x")))]
    assert "time_exceeds_statutory" not in codes and "step_no_time" not in codes


def test_an_unreadable_time_is_a_note_not_a_missing_time():
    codes = [f.code for f in run_checks(steps("Theo thực tế", "01 giờ"), context())]
    assert "step_time_unreadable" in codes and "step_no_time" not in codes


def test_outdated_citations_say_replaced_or_amended():
    findings = run_checks(Structure(source="docx"), context(is_process=False, outdated=[
        Outdated("61/2018/NĐ-CP", "replaced", ["118/2025/NĐ-CP"], date(2025, 7, 1)),
        Outdated("123/2015/NĐ-CP", "amended", ["07/2025/NĐ-CP"], None),
    ]))
    assert [(f.code, f.severity) for f in findings] == [
        ("legal_basis_outdated", "error"), ("legal_basis_outdated", "warning")
    ]
    assert "01/07/2025" in findings[0].message and "sửa đổi, bổ sung" in findings[1].message


def test_every_finding_is_json_with_code_severity_message_and_where():
    findings = run_checks(Structure(source="docx"), context())
    assert {f.code for f in findings} == {"dossier_missing", "steps_missing", "forms_missing", "records_missing"}
    for finding in findings:
        data = json.loads(json.dumps(finding.to_dict()))
        assert set(data) == {"code", "severity", "message", "where", "quote"}
        assert set(data["where"]) == {"section", "step", "row"}


# --- the organisation's processes with findings ------------------------------------------------


def test_processes_in_force_with_findings_for_the_dashboard(
    session, files, secretary, reviewer, approver, staff, inspector, outsider, today, commune
):
    signature = process(session, secretary, "QT-CT-02", "2.000884")
    make_effective(session, files, signature, secretary, reviewer, approver, today,
                   fixture_file("QT-CT-02_chung-thuc-chu-ky_lan-01.docx"))
    extract = process(session, secretary, "QT-HT-04", "2.000635")
    make_effective(session, files, extract, secretary, reviewer, approver, today,
                   fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    make_effective(session, files, extract, secretary, reviewer, approver, today,
                   fixture_file("QT-HT-04_trich-luc_lan-02.docx"))
    building = process(session, secretary, "QT-XD-01", "1.013225")
    upload(session, files, secretary, building, fixture_file("QT-XD-01_giay-phep-xay-dung_lan-01.docx"))

    listed = conformity.organization_findings(session, inspector, "XA-LOCBINH")
    assert [(item.document.code, item.revision.issue_number) for item in listed] == [("QT-CT-02", 1)]
    assert listed[0].counts == {
        "dossier_missing": 1, "step_no_time": 1, "forms_missing": 1, "records_missing": 1, "legal_basis_outdated": 1,
    }
    assert [item.document.code for item in conformity.organization_findings(session, secretary, "XA-LOCBINH")] == [
        "QT-CT-02"
    ]
    assert conformity.organization_findings(session, staff, "XA-LOCBINH") == []
    with pytest.raises(NotFound):
        conformity.organization_findings(session, outsider, "XA-LOCBINH")
