"""The TTHC catalogue: importing the files agencies receive, re-importing, links from processes, coverage, the CLI."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from support.factories import FIXTURES, make_docx, make_effective, make_user, upload

from qms.catalogue import coverage, procedures
from qms.catalogue.codes import codes_in_text, codes_match, normalize_code
from qms.catalogue.links import link_from_revision, set_document_procedures
from qms.catalogue.statutory_time import parse_time
from qms.database import unit_of_work
from qms.documents import lifecycle
from qms.errors import Forbidden, Invalid, NotFound
from qms.models import AuditEntry, DocumentProcedure, Procedure, TimeUnit

CSV_HEADING = "code,name,field,level,time_value,time_unit,fee\n"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def import_fixture(session, actor, name: str = "procedures.xlsx", org: str = "XA-LOCBINH") -> procedures.ImportReport:
    return procedures.import_procedures(session, actor, org, name, fixture_bytes(name))


def by_code(session, code: str, org_id: int | None = None) -> Procedure:
    query = select(Procedure).where(Procedure.code == code)
    if org_id is not None:
        query = query.where(Procedure.organization_id == org_id)
    return session.scalar(query)


def audit_entries(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def xlsx(rows: list[list[object]], merges: tuple[str, ...] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for merged in merges:
        sheet.merge_cells(merged)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def fixture_csv_without(*codes: str, replace: dict[str, str] | None = None, extra: str = "") -> bytes:
    """The fixture CSV with some codes left out, some text replaced and some lines added."""
    lines = fixture_bytes("procedures.csv").decode("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not any(line.startswith(code + ",") for code in codes)]
    text = "".join(kept) + extra
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    return text.encode("utf-8")


# --- reading the files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["procedures.xlsx", "procedures.csv"])
def test_the_fixture_catalogue_imports_14_procedures_with_parsed_times(session, secretary, agency, name):
    report = import_fixture(session, secretary, name)

    assert len(report.added) == 14 and report.errors == [] and not report.changed and not report.abolished
    same_day = by_code(session, "1.001193")
    assert (same_day.name, same_day.field, same_day.fee) == ("Đăng ký khai sinh", "Hộ tịch", "Miễn lệ phí")
    assert (same_day.time_text, same_day.time_value, same_day.time_unit) == ("Trong ngày", 1, TimeUnit.SAME_DAY)
    working = by_code(session, "1.004873")
    assert (working.time_text, working.time_value, working.time_unit) == ("3 ngày làm việc", 3, TimeUnit.WORKING_DAY)
    days = by_code(session, "1.013225")
    assert (days.time_text, days.time_value, days.time_unit) == ("15 ngày", 15, TimeUnit.DAY)
    assert by_code(session, "1.012753.H19").level.lower() == "tỉnh"
    stored = list(session.scalars(select(Procedure)))
    assert all(p.organization_id == agency["commune"].id and not p.is_abolished for p in stored)

    [entry] = audit_entries(session, "procedures_import")
    details = json.loads(entry.details)
    assert (entry.actor_username, entry.organization_id) == ("thuky", agency["commune"].id)
    assert details["filename"] == name and details["counts"]["added"] == 14 and "1.001193" in details["added"]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Trong ngày", 1, TimeUnit.SAME_DAY),
        ("Trong ngày làm việc", 1, TimeUnit.SAME_DAY),
        ("15 ngày", 15, TimeUnit.DAY),
        ("03 ngày làm việc", 3, TimeUnit.WORKING_DAY),
        ("05 ngày làm việc kể từ ngày nhận đủ hồ sơ", 5, TimeUnit.WORKING_DAY),
        ("Không quá 10 ngày làm việc", 10, TimeUnit.WORKING_DAY),
        ("04 giờ làm việc", 4, TimeUnit.WORKING_HOUR),
        ("8 giờ", 8, TimeUnit.HOUR),
        ("1/2 ngày", 0.5, TimeUnit.DAY),
        ("0,5 ngày", 0.5, TimeUnit.DAY),
        ("01 tháng", 1, TimeUnit.MONTH),
        ("3 ngay lam viec", 3, TimeUnit.WORKING_DAY),
        ("Theo quy định của pháp luật", None, None),
        ("", None, None),
    ],
)
def test_free_text_statutory_times(text, value, unit):
    assert parse_time(text) == (value, unit)


def test_varied_headings_title_rows_sections_merged_fields_and_bad_rows(session, secretary):
    rows = [
        ["UỶ BAN NHÂN DÂN TỈNH LẠNG SƠN"],
        ["DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA UBND CẤP XÃ"],
        [],
        ["STT", "Mã số", "TÊN THỦ TỤC", "Lĩnh vực", "Thời hạn giải quyết", "Cơ quan thực hiện", "Phí, lệ phí",
         "Ghi chú"],
        ["I. LĨNH VỰC HỘ TỊCH"],
        [1, "1.001193", "Đăng ký khai sinh", None, "Trong ngày", "UBND xã", "Miễn lệ phí"],
        [2, " 2.000635 ", "Cấp bản sao  trích lục\nhộ tịch", None, "04 giờ làm việc", "UBND xã", "8.000 đồng/bản sao"],
        [],
        ["II", None, "Lĩnh vực Chứng thực"],
        [1, "2.000815.000.00.00.h55", "Chứng thực bản sao từ bản chính", None, "1/2 ngày", "UBND xã", "2.000 đ/trang"],
        [2, "2.000884", "Chứng thực chữ ký", None, "0,5 ngày"],
        [1, "1.013225", "Cấp giấy phép xây dựng", "Xây dựng", "15 ngày"],
        [2, "1.012753.H19", "Đăng ký đất đai lần đầu", None, "01 tháng"],
        [3, None, "Thủ tục không có mã", "Xây dựng", "15 ngày"],
        [4, "1.00119", "Mã thiếu một chữ số", "Hộ tịch"],
        [5, "1.004884", None, "Hộ tịch", "05 ngày làm việc"],
        ["Tổng cộng: 9 thủ tục"],
    ]
    content = xlsx(rows, merges=("A1:H1", "A2:H2", "A5:H5", "D12:D13"))

    report = procedures.import_procedures(session, secretary, "XA-LOCBINH", "Danh mục 2025.xlsx", content)

    assert report.added == ["1.001193", "2.000635", "2.000815.000.00.00.H55", "2.000884", "1.013225", "1.012753.H19"]
    assert [(e.row, e.message) for e in report.errors] == [
        (14, "Thiếu mã TTHC."),
        (15, "Mã TTHC «1.00119» không đúng dạng (ví dụ: 1.001193 hoặc 2.000815.000.00.00.H55)."),
        (16, "Thiếu tên thủ tục hành chính."),
    ]
    fields = {p.code: p.field for p in session.scalars(select(Procedure))}
    assert fields == {
        "1.001193": "Hộ tịch", "2.000635": "Hộ tịch",
        "2.000815.000.00.00.H55": "Chứng thực", "2.000884": "Chứng thực",
        "1.013225": "Xây dựng", "1.012753.H19": "Xây dựng",
    }
    copy = by_code(session, "2.000635")
    assert copy.name == "Cấp bản sao trích lục hộ tịch" and copy.fee == "8.000 đồng/bản sao"
    assert (copy.time_value, copy.time_unit) == (4, TimeUnit.WORKING_HOUR)
    assert by_code(session, "2.000815.000.00.00.H55").time_value == by_code(session, "2.000884").time_value == 0.5
    assert by_code(session, "1.012753.H19").time_unit is TimeUnit.MONTH
    assert by_code(session, "1.001193").level == ""  # no "Cấp thực hiện" column: nothing guessed


def test_a_semicolon_csv_with_a_title_line_and_a_bad_row(session, secretary):
    content = (
        "Danh mục TTHC cấp xã;;;\n"
        "Mã thủ tục;Tên TTHC;Lĩnh vực;Thời hạn giải quyết\n"
        "1.001193;Đăng ký khai sinh;Hộ tịch;Trong ngày\n"
        "abc;Thủ tục lạ;Hộ tịch;15 ngày\n"
        ";;;\n"
        "1.000894;Đăng ký kết hôn;Hộ tịch;05 ngày làm việc kể từ ngày nhận đủ hồ sơ\n"
        "1.001193;Đăng ký khai sinh (lặp);Hộ tịch;Trong ngày\n"
    ).encode("utf-8-sig")

    report = procedures.import_procedures(session, secretary, "XA-LOCBINH", "ds.csv", content)

    assert report.added == ["1.001193", "1.000894"]
    assert [(e.row, e.message) for e in report.errors] == [
        (4, "Mã TTHC «abc» không đúng dạng (ví dụ: 1.001193 hoặc 2.000815.000.00.00.H55)."),
        (7, "Mã TTHC 1.001193 trùng với dòng 3."),
    ]
    marriage = by_code(session, "1.000894")
    assert marriage.time_text == "05 ngày làm việc kể từ ngày nhận đủ hồ sơ"
    assert (marriage.time_value, marriage.time_unit) == (5, TimeUnit.WORKING_DAY)


def test_an_unparsable_time_keeps_its_text(session, secretary):
    content = ("Mã TTHC,Tên thủ tục,Thời hạn giải quyết\n1.001193,Đăng ký khai sinh,Theo quy định\n").encode()
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "a.csv", content)
    procedure = by_code(session, "1.001193")
    assert (procedure.time_text, procedure.time_value, procedure.time_unit) == ("Theo quy định", None, None)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("danh-muc.pdf", b"%PDF-1.4 ...", "Chỉ nhận danh mục TTHC dạng tệp Excel (.xlsx) hoặc CSV (.csv)."),
        ("danh-muc.xls", b"\xd0\xcf\x11\xe0 old excel", "(.xls) chưa được hỗ trợ"),
        ("danh-muc.xlsx", b"not a zip at all", "không phải là tệp Excel .xlsx hợp lệ"),
        ("danh-muc.csv", b"PK\x03\x04 zipped", "không phải là văn bản CSV"),
        ("danh-muc.csv", "Số;Tên;Ghi chú\n1;Khai sinh;x\n".encode(), "Không tìm thấy dòng tiêu đề"),
        ("danh-muc.csv", b"", "Tệp tải lên rỗng."),
        ("danh-muc.csv", "Mã TTHC,Tên thủ tục\n,Thiếu mã\n".encode(), "Tệp không có dòng thủ tục nào đọc được"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_and_changes_nothing(session, secretary, filename, content, message):
    import_fixture(session, secretary, "procedures.csv")
    with pytest.raises(Invalid) as refused:
        procedures.import_procedures(session, secretary, "XA-LOCBINH", filename, content)
    assert message in refused.value.message
    assert len(audit_entries(session, "procedures_import")) == 1
    assert session.scalar(select(func.count()).select_from(Procedure).where(Procedure.is_abolished)) == 0


def test_codes_are_normalised():
    assert normalize_code(" 1.012753.h19 ") == "1.012753.H19"
    assert normalize_code("2.000815.000.00.00.h55") == "2.000815.000.00.00.H55"
    assert normalize_code(1.00487) == "1.004870"  # Excel turned the code into a number and dropped the zero
    assert normalize_code("1.001193\u200b") == "1.001193"


# --- re-importing --------------------------------------------------------------------------------


def test_reimport_reports_added_changed_abolished_and_restores(session, secretary, today):
    import_fixture(session, secretary, "procedures.csv")
    updated = fixture_csv_without(
        "2.001263",
        replace={
            "1.001193,Đăng ký khai sinh,": "1.001193,Đăng ký khai sinh cho trẻ em,",
            "1.004873,Cấp Giấy xác nhận tình trạng hôn nhân,Hộ tịch,xã,3,": (
                "1.004873,Cấp Giấy xác nhận tình trạng hôn nhân,Hộ tịch,xã,5,"
            ),
        },
        extra="2.002189,Đăng ký hộ kinh doanh,Hộ kinh doanh,xã,3,ngày làm việc,100.000 đồng\n",
    )

    report = procedures.import_procedures(session, secretary, "XA-LOCBINH", "cap-nhat.csv", updated)

    assert report.added == ["2.002189"]
    assert [(c.code, c.fields) for c in report.changed] == [("1.001193", ["name"]), ("1.004873", ["time_text"])]
    assert report.abolished == ["2.001263"] and report.restored == [] and report.unchanged == 11
    adoption = by_code(session, "2.001263")
    assert adoption.is_abolished and adoption.abolished_at is not None and adoption.name  # kept, not deleted
    assert by_code(session, "1.004873").time_value == 5
    assert session.scalar(select(func.count()).select_from(Procedure)) == 15

    again = import_fixture(session, secretary, "procedures.csv")
    assert again.restored == ["2.001263"] and again.abolished == ["2.002189"] and again.added == []
    assert sorted(c.code for c in again.changed) == ["1.001193", "1.004873"]
    adoption = by_code(session, "2.001263")
    assert not adoption.is_abolished and adoption.abolished_at is None
    details = json.loads(audit_entries(session, "procedures_import")[-1].details)
    assert details["restored"] == ["2.001263"] and details["abolished"] == ["2.002189"]
    assert details["changed"] == {"1.001193": ["name"], "1.004873": ["time_text"]}


def test_a_code_on_a_bad_row_is_not_abolished(session, secretary):
    import_fixture(session, secretary, "procedures.csv")
    broken = fixture_csv_without(replace={"1.001193,Đăng ký khai sinh,": "1.001193,,"})
    report = procedures.import_procedures(session, secretary, "XA-LOCBINH", "loi.csv", broken)
    assert [(e.row, e.code) for e in report.errors] == [(2, "1.001193")]
    assert report.abolished == [] and not by_code(session, "1.001193").is_abolished


def test_lists_of_two_organisations_are_separate(session, secretary, outsider):
    import_fixture(session, secretary)
    report = procedures.import_procedures(
        session, outsider, "XA-DONGDANG", "x.csv",
        (CSV_HEADING + "1.001193,Đăng ký khai sinh,Hộ tịch,xã,1,trong ngày,\n").encode(),
    )
    assert report.added == ["1.001193"] and report.abolished == []
    assert session.scalar(select(func.count()).select_from(Procedure).where(Procedure.is_abolished)) == 0
    assert len(procedures.list_procedures(session, secretary, "XA-LOCBINH")) == 14


# --- who may import and see ----------------------------------------------------------------------


def test_only_the_secretary_or_admin_of_the_organisation_imports(session, staff, outsider, inspector, admin, agency):
    with pytest.raises(Forbidden):
        import_fixture(session, staff)
    with pytest.raises(Forbidden):
        import_fixture(session, inspector)
    with pytest.raises(NotFound):
        import_fixture(session, outsider)
    with pytest.raises(NotFound):
        import_fixture(session, admin)  # an administrator of the province is not one of the commune
    assert import_fixture(session, admin, org="TINH-LS").added
    local_admin = make_user(session, "qtxa", "XA-LOCBINH", "admin")
    assert len(import_fixture(session, local_admin).added) == 14
    with pytest.raises(NotFound):
        import_fixture(session, admin, org="KHONG-CO")


def test_the_catalogue_and_coverage_are_visible_to_the_organisation_and_inspectors(
    session, secretary, staff, inspector, outsider
):
    import_fixture(session, secretary)
    assert len(procedures.list_procedures(session, staff, "XA-LOCBINH")) == 14
    assert coverage.coverage(session, inspector, "XA-LOCBINH").total == 14
    assert coverage.coverage(session, staff, "XA-LOCBINH").total == 14
    with pytest.raises(NotFound):
        coverage.coverage(session, outsider, "XA-LOCBINH")
    with pytest.raises(NotFound):
        procedures.list_procedures(session, outsider, "XA-LOCBINH")


# --- coverage ------------------------------------------------------------------------------------


def test_coverage_counts_a_process_only_once_it_takes_effect(
    session, files, secretary, reviewer, approver, document, today
):
    import_fixture(session, secretary)
    upload(session, files, secretary, document)
    before = coverage.coverage(session, secretary, "XA-LOCBINH")
    assert (before.covered, before.total, before.percent) == (0, 14, 0.0)

    # Another file: the draft's own bytes would be refused as a duplicate of the open draft.
    make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("Ban hành"))
    after = coverage.coverage(session, secretary, "XA-LOCBINH")
    assert (after.covered, after.total, after.percent) == (1, 14, 7.1)
    assert [(c.procedure.code, c.document.code) for c in after.covered_procedures] == [("2.000635", "QT-HT-04")]
    assert list(after.uncovered) == [
        "Chứng thực", "Đăng ký biện pháp bảo đảm", "Đất đai", "Hộ tịch", "Nuôi con nuôi",
        "Thành lập và hoạt động của hộ kinh doanh", "Xây dựng",
    ]
    assert [p.code for p in after.uncovered["Hộ tịch"]] == ["1.000656", "1.000894", "1.001193", "1.004873", "1.004884"]
    assert after.abolished_links == []


def process(session, secretary, code: str, procedure_code: str | None = None, title: str = "Quy trình"):
    return lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code=code, title=title, kind="process",
        procedure_code=procedure_code,
    )


def test_a_provincial_variant_and_its_national_code_cover_each_other(
    session, files, secretary, reviewer, approver, today
):
    content = (
        CSV_HEADING
        + "2.000815.000.00.00.H55,Chứng thực bản sao,Chứng thực,xã,1,trong ngày,\n"
        + "2.000884,Chứng thực chữ ký,Chứng thực,xã,1,trong ngày,\n"
        + "1.012753.H19,Đăng ký đất đai,Đất đai,tỉnh,20,ngày,\n"
    ).encode()
    # Linked before the catalogue was imported: once it is, another province's variant is refused at creation.
    other_province = process(session, secretary, "QT-DD-01", "1.012753.H55")
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "tinh.csv", content)
    national = process(session, secretary, "QT-CT-01", "2.000815")
    variant = process(session, secretary, "QT-CT-02", "2.000884.000.00.00.H55")
    for each in (national, variant, other_province):
        make_effective(session, files, each, secretary, reviewer, approver, today)

    found = coverage.coverage(session, secretary, "XA-LOCBINH")

    assert [(c.procedure.code, c.document.code) for c in found.covered_procedures] == [
        ("2.000815.000.00.00.H55", "QT-CT-01"),
        ("2.000884", "QT-CT-02"),
    ]
    assert [p.code for p in found.uncovered["Đất đai"]] == ["1.012753.H19"]
    assert [(link.document.code, link.code, link.procedure) for link in found.abolished_links] == [
        ("QT-DD-01", "1.012753.H55", None)
    ]
    assert codes_match("2.000815", "2.000815.000.00.00.H55") and codes_match("2.000815.000.00.00.H55", "2.000815")
    assert not codes_match("1.012753.H55", "1.012753.H19") and not codes_match("2.000815", "2.000816")


def test_processes_pointing_to_abolished_procedures_are_listed(session, files, secretary, reviewer, approver, today):
    import_fixture(session, secretary, "procedures.csv")
    adoption = process(session, secretary, "QT-NCN-01", "2.001263", "Quy trình nuôi con nuôi")
    make_effective(session, files, adoption, secretary, reviewer, approver, today)
    draft_only = process(session, secretary, "QT-NCN-02", "2.001263")
    upload(session, files, secretary, draft_only)
    assert coverage.coverage(session, secretary, "XA-LOCBINH").covered == 1

    procedures.import_procedures(session, secretary, "XA-LOCBINH", "moi.csv", fixture_csv_without("2.001263"))
    found = coverage.coverage(session, secretary, "XA-LOCBINH")

    assert (found.covered, found.total) == (0, 13)
    [link] = found.abolished_links  # the draft is not a process in force
    assert (link.document.code, link.code, link.is_abolished) == ("QT-NCN-01", "2.001263", True)
    assert link.procedure.name == "Đăng ký việc nuôi con nuôi trong nước" and link.procedure.abolished_at


def test_a_manual_link_covers_and_is_audited(session, files, secretary, reviewer, approver, staff, today):
    import_fixture(session, secretary)
    shared = process(session, secretary, "QT-CT-03", title="Chứng thực bản sao và bản sao từ sổ gốc")
    make_effective(session, files, shared, secretary, reviewer, approver, today)

    assert set_document_procedures(session, secretary, shared.id, ["2.000815", " 2.000908 ", "2.000815"]) == [
        "2.000815", "2.000908",
    ]
    found = coverage.coverage(session, secretary, "XA-LOCBINH")
    assert sorted(c.procedure.code for c in found.covered_procedures) == ["2.000815", "2.000908"]
    assert set_document_procedures(session, secretary, shared.id, ["2.000908"]) == ["2.000908"]
    rows = list(session.scalars(select(DocumentProcedure).where(DocumentProcedure.document_id == shared.id)))
    assert [(r.procedure_code, r.source) for r in rows] == [("2.000908", "manual")]
    entries = audit_entries(session, "procedure_links")
    assert [json.loads(e.details) for e in entries] == [
        {"before": [], "after": ["2.000815", "2.000908"]},
        {"before": ["2.000815", "2.000908"], "after": ["2.000908"]},
    ]
    assert entries[0].document_id == shared.id

    with pytest.raises(Invalid):
        set_document_procedures(session, secretary, shared.id, ["QT-01"])
    with pytest.raises(Forbidden):
        set_document_procedures(session, staff, shared.id, ["2.000908"])


# --- codes read from the document ----------------------------------------------------------------


def test_codes_in_text_are_read_conservatively():
    assert codes_in_text("QUY TRÌNH\nMã TTHC: 1.001193; 1.000894 và 2.000815.000.00.00.h55\nNội dung") == [
        "1.001193", "1.000894", "2.000815.000.00.00.H55",
    ]
    assert codes_in_text("Mã thủ tục hành chính | 2.000635") == ["2.000635"]
    control_block = "UBND XÃ | QUY TRÌNH CẤP BẢN SAO | Mã hiệu: QT-HT-04 | 2.000635\n1. MỤC ĐÍCH\n..."
    assert codes_in_text(control_block) == ["2.000635"]
    # In the body, without a label, a code is only mentioned: not read.
    assert codes_in_text("QUY TRÌNH\n1. MỤC ĐÍCH\nLiên quan thủ tục 2.000908 | x\nPhí 8.000 đồng, 1.000.000 đồng") == []
    # A control block listing many codes is a list of procedures, not a process heading.
    assert codes_in_text("A | 1.001193 | 1.000894 | 1.000656 | 2.000635\n1. MỤC ĐÍCH") == []


def test_link_from_revision_adds_document_links_inside_the_callers_unit_of_work(session, files, secretary, document):
    content = make_docx("QUY TRÌNH CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", "Mã TTHC: 2.000635, 1.001193", "1. MỤC ĐÍCH",
                        "Xem thêm thủ tục 2.000908.")
    revision = upload(session, files, secretary, document, content)
    entries = session.scalar(select(func.count()).select_from(AuditEntry))

    with unit_of_work(session):
        first = link_from_revision(session, revision)
    # 2.000635 is its procedure_code already; once add_revision calls this, the upload itself has linked 1.001193.
    assert first in (["1.001193"], [])
    with unit_of_work(session):
        assert link_from_revision(session, revision) == []  # nothing twice

    rows = list(session.scalars(select(DocumentProcedure).where(DocumentProcedure.document_id == document.id)))
    assert [(r.procedure_code, r.source) for r in rows] == [("1.001193", "document")]
    # The caller's upload entry covers the links: none of their own.
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_link_from_revision_ignores_documents_other_than_processes(session, files, secretary):
    catalogue = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="HS-01", title="Danh mục TTHC", kind="record"
    )
    revision = upload(session, files, secretary, catalogue, make_docx("Mã TTHC: 1.001193"))
    with unit_of_work(session):
        assert link_from_revision(session, revision) == []


# --- the command line ----------------------------------------------------------------------------


def test_cli_imports_and_reports_in_vietnamese(runner, session, agency, tmp_path):
    result = runner.invoke(args=["qms", "import-procedures", str(FIXTURES / "procedures.xlsx"), "--org", "XA-LOCBINH"])
    assert result.exit_code == 0, result.output
    assert "Đã nhập danh mục TTHC của UBND xã Lộc Bình từ procedures.xlsx: thêm 14, thay đổi 0" in result.output

    changed = tmp_path / "cap-nhat.csv"
    changed.write_bytes(fixture_csv_without("2.001263", extra=",Thiếu mã,Hộ tịch,xã,1,trong ngày,\n"))
    result = runner.invoke(args=["qms", "import-procedures", str(changed), "--org", "XA-LOCBINH"])
    assert result.exit_code == 0, result.output
    assert "Bãi bỏ (không còn trong danh mục): 2.001263" in result.output
    assert "Dòng 15: Thiếu mã TTHC." in result.output
    assert "Thay đổi 1.001193: Cấp thực hiện" in result.output  # "Xã" in the workbook, "xã" in the CSV
    [entry] = audit_entries(session, "procedures_import")[1:]
    assert entry.actor_id is None  # the operator at the command line


def test_cli_exits_1_when_the_file_cannot_be_read(runner, agency, tmp_path):
    missing = runner.invoke(args=["qms", "import-procedures", str(tmp_path / "khong-co.xlsx"), "--org", "XA-LOCBINH"])
    assert missing.exit_code == 1 and "Không đọc được tệp" in missing.output
    text = tmp_path / "ghi-chu.txt"
    text.write_text("không phải danh mục")
    refused = runner.invoke(args=["qms", "import-procedures", str(text), "--org", "XA-LOCBINH"])
    assert refused.exit_code == 1 and "Chỉ nhận danh mục TTHC dạng tệp Excel (.xlsx) hoặc CSV (.csv)." in refused.output
    unknown = runner.invoke(args=["qms", "import-procedures", str(FIXTURES / "procedures.csv"), "--org", "KHONG-CO"])
    assert unknown.exit_code == 1 and "Không tìm thấy đơn vị." in unknown.output
