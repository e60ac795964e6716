"""The province overview: a row per organisation from the data, sorting, filtering, the audit chain, the .xlsx."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select, text
from support.factories import fixture_file, make_effective, upload
from support.statements import statements_sent
from support.tampering import bypass_append_only

from qms import clock
from qms.accounts import organizations
from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.errors import Forbidden, Invalid, NotFound
from qms.exports.xlsx import HEADING_ROW
from qms.inspection import overview, overview_file
from qms.legal import register
from qms.models import AuditEntry, DocumentKind, Revision

CSV_HEADING = "code,name,field,level,time_value,time_unit,fee\n"




@pytest.fixture
def province(session, files, today, admin, secretary, reviewer, approver, outsider, document):
    """Lộc Bình: two processes (one in force, citing a replaced decree; one awaiting approval), a policy in force
    and overdue for review, a withdrawn process; a list of three TTHC, one covered. Đồng Đăng: one draft."""
    register.create_legal_document(session, admin, number="61/2018/NĐ-CP", title="Một cửa",
                                effective_from=date(2018, 6, 21), today=clock.today())
    register.create_legal_document(session, admin, number="118/2025/NĐ-CP", title="Một cửa",
                                effective_from=date(2025, 7, 1), replaces=["61/2018/NĐ-CP"], today=clock.today())
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "ds.csv", (
        CSV_HEADING + "2.000635,Cấp bản sao trích lục hộ tịch,Hộ tịch,xã,1,trong ngày,\n"
        "1.001193,Đăng ký khai sinh,Hộ tịch,xã,1,trong ngày,\n2.000884,Chứng thực chữ ký,Chứng thực,xã,1,trong ngày,\n"
    ).encode())
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    waiting = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-01",
                                        title="Đăng ký khai sinh", kind="process", procedure_code="1.001193")
    pending = upload(session, files, secretary, waiting)
    lifecycle.act(session, secretary, pending.id, "submit", today=today)
    lifecycle.act(session, reviewer, pending.id, "pass", today=today, comment="Đã xem")
    policy = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="CSCL",
                                       title="Chính sách chất lượng", kind="policy")
    # Approved as if 800 days ago, through the service, so the revision agrees with its audit entries.
    old_policy = make_effective(session, files, policy, secretary, reviewer, approver, today - timedelta(days=800))
    gone = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-09",
                                     title="Đăng ký giám hộ", kind="process")
    withdrawn = make_effective(session, files, gone, secretary, reviewer, approver, today)
    lifecycle.act(session, approver, withdrawn.id, "withdraw", today=today, comment="Không còn thẩm quyền")
    other = lifecycle.create_document(session, outsider, organization_code="XA-DONGDANG", code="QT-01",
                                      title="Đăng ký khai sinh", kind="process")
    upload(session, files, outsider, other)
    return {"policy": old_policy}


def rows_by_code(found: overview.Overview) -> dict[str, overview.OverviewRow]:
    return {row.organization.code: row for row in found.rows}


def test_one_row_per_organisation_counts_what_the_data_says(session, today, inspector, province):
    found = overview.overview(session, inspector, today=today)
    rows = rows_by_code(found)
    assert set(rows) == {"TINH-LS", "XA-LOCBINH", "XA-DONGDANG", "SO-KHCN"}
    commune = rows["XA-LOCBINH"]
    assert commune.documents_by_kind == {DocumentKind.PROCESS: 2, DocumentKind.POLICY: 1}  # withdrawn not counted
    assert commune.documents == 3
    assert commune.effective_processes == 1
    assert (commune.covered, commune.listed, commune.coverage_percent) == (1, 3, 33.3)
    assert commune.open_reviews == 1  # QT-HT-04 cites 61/2018, replaced by 118/2025
    assert commune.awaiting_approval == 1
    assert commune.overdue_reviews == 1  # the policy (24 months) took effect 800 days ago
    last = session.scalar(select(func.max(Revision.approved_at)))
    assert commune.last_approval == last
    assert commune.chain_ok and found.chain.ok
    other = rows["XA-DONGDANG"]
    assert (other.documents, other.effective_processes, other.awaiting_approval, other.last_approval) == (1, 0, 0, None)
    assert rows["SO-KHCN"].documents_by_kind == {} and rows["SO-KHCN"].listed == 0


def test_sorted_by_any_column_either_way_and_filtered_by_parent(session, today, inspector, province):
    by_documents = overview.overview(session, inspector, today=today, sort="documents", descending=True)
    assert [row.organization.code for row in by_documents.rows][:2] == ["XA-LOCBINH", "XA-DONGDANG"]
    by_name = overview.overview(session, inspector, today=today)
    assert [row.organization.name for row in by_name.rows] == [
        "Sở Khoa học và Công nghệ", "UBND tỉnh Lạng Sơn", "UBND xã Đồng Đăng", "UBND xã Lộc Bình",
    ]
    for key in overview.SORTS:
        assert len(overview.overview(session, inspector, today=today, sort=key).rows) == 4
    organizations.create(session, None, "XA-CON", "UBND xã Con", "XA-LOCBINH")
    below = overview.overview(session, inspector, today=today, parent_code="XA-LOCBINH")
    assert [row.organization.code for row in below.rows] == ["XA-CON", "XA-LOCBINH"]
    assert [organization.code for _depth, organization in below.parents] == ["TINH-LS", "XA-LOCBINH"]
    with pytest.raises(NotFound):
        overview.overview(session, inspector, today=today, parent_code="KHONG-CO")
    with pytest.raises(Invalid):
        overview.overview(session, inspector, today=today, sort="bất kỳ")


def _statements(session, call) -> int:
    with statements_sent(session.get_bind()) as sent:
        call()
    return len(sent)


def test_the_counts_are_kept_until_the_audit_log_moves(session, files, today, inspector, secretary, reviewer,
                                                       approver, province):
    """Sorting, paging and downloading reuse the counts; any change (written with its audit entry) shows at once."""
    first = _statements(session, lambda: overview.overview(session, inspector, today=today))
    again = _statements(session, lambda: overview.overview(session, inspector, today=today, sort="coverage"))
    assert again < first / 2, (first, again)
    before = rows_by_code(overview.overview(session, inspector, today=today))["XA-LOCBINH"]

    process = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-77",
                                        title="Đăng ký khai tử", kind="process")
    make_effective(session, files, process, secretary, reviewer, approver, today)
    after = rows_by_code(overview.overview(session, inspector, today=today))["XA-LOCBINH"]
    assert after.effective_processes == before.effective_processes + 1
    assert after.documents_by_kind[DocumentKind.PROCESS] == before.documents_by_kind[DocumentKind.PROCESS] + 1
    # A past day's counts are kept apart from today's.
    yesterday = rows_by_code(overview.overview(session, inspector, today=today, as_of=today - timedelta(days=1)))
    assert yesterday["XA-LOCBINH"].effective_processes <= before.effective_processes


def test_only_inspectors_see_the_overview(session, today, secretary, approver, staff, admin, outsider):
    for user in (secretary, approver, staff, admin, outsider):
        with pytest.raises(Forbidden):
            overview.overview(session, user, today=today)


def test_an_altered_entry_marks_its_organisation_only(session, files, today, inspector, province, outsider):
    target = session.scalar(select(AuditEntry).where(AuditEntry.action == "upload").order_by(AuditEntry.seq.desc()))
    assert target.organization_id == outsider.organization_id  # Đồng Đăng's draft was the last upload
    bypass_append_only(session)
    session.execute(text("UPDATE audit_entries SET details = :d WHERE seq = :s"), {"d": "{}", "s": target.seq})
    session.commit()
    rows = rows_by_code(overview.overview(session, inspector, today=today))
    assert not rows["XA-DONGDANG"].chain_ok
    assert rows["XA-LOCBINH"].chain_ok and rows["TINH-LS"].chain_ok


def test_the_workbook_has_the_rows_as_shown(session, today, inspector, province):
    found = overview.overview(session, inspector, today=today, sort="documents", descending=True)
    sheet = openpyxl.load_workbook(io.BytesIO(overview_file.workbook(found, made_on=today))).active
    assert sheet.cell(row=1, column=1).value == "TỔNG QUAN KIỂM SOÁT TÀI LIỆU ISO 9001"
    headings = [cell.value for cell in sheet[HEADING_ROW]]
    assert headings == overview_file.headings()
    rows = [dict(zip(headings, values, strict=True))
            for values in sheet.iter_rows(min_row=HEADING_ROW + 1, values_only=True)]
    assert [row["Mã đơn vị"] for row in rows] == [r.organization.code for r in found.rows]
    commune = rows[0]
    assert commune["Tên đơn vị"] == "UBND xã Lộc Bình" and commune["Đơn vị cấp trên"] == "UBND tỉnh Lạng Sơn"
    assert [commune[k] for k in ("Tổng số tài liệu", "Quy trình giải quyết TTHC", "Chính sách chất lượng")] == [3, 2, 1]
    assert (commune["TTHC có quy trình"], commune["Tổng số TTHC"], commune["Tỷ lệ bao phủ (%)"]) == (1, 3, 33.3)
    assert [commune[k] for k in ("Rà soát pháp lý đang mở", "Chờ phê duyệt", "Quá hạn xem xét định kỳ")] == [1, 1, 1]
    assert commune["Phê duyệt gần nhất"].date() == today
    assert commune["Nhật ký kiểm soát"] == "Toàn vẹn"
    assert rows[-1]["Phê duyệt gần nhất"] is None


def test_the_workbook_writes_each_organisations_gaps_in_one_readable_cell(session, today, inspector, province):
    found = overview.overview(session, inspector, today=today)
    sheet = openpyxl.load_workbook(io.BytesIO(overview_file.workbook(found, made_on=today))).active
    headings = [cell.value for cell in sheet[HEADING_ROW]]
    assert headings[-1] == "Tồn tại, hạn chế"
    cells = {values[0]: values[-1] for values in sheet.iter_rows(min_row=HEADING_ROW + 1, values_only=True)}
    commune = rows_by_code(found)["XA-LOCBINH"]
    assert "publication_missing" in commune.scorecard_gaps and "internal_audit_missing" in commune.scorecard_gaps
    lines = cells["XA-LOCBINH"].split("\n")
    assert len(lines) == len(commune.scorecard_gaps)
    assert "Chưa công bố HTQLCL phù hợp TCVN ISO 9001:2015." in [line.split(". ", 1)[1] for line in lines]
    assert any(line.endswith("Chưa đánh giá nội bộ trong 12 tháng qua.") for line in lines)
    assert [line.split(".")[0] for line in lines] == [str(n) for n in range(1, len(lines) + 1)]
    assert not any(code in cells["XA-LOCBINH"] for code in commune.scorecard_gaps)  # words, not codes
    for row in found.rows:
        assert cells[row.organization.code].count("\n") + 1 == max(1, len(row.scorecard_gaps))
