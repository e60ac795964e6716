"""The province overview as an .xlsx workbook, one row per organisation in the order shown."""

from __future__ import annotations

from datetime import date

from qms import clock
from qms.documents.reading import KIND_LABELS
from qms.exports import xlsx
from qms.exports.xlsx import Cell
from qms.inspection.overview import Overview, OverviewRow

CHAIN_LABELS = {True: "Toàn vẹn", False: "Có sai lệch"}
#: Each gap of the scorecard (its code) as an inspection report words a «tồn tại, hạn chế».
GAP_LABELS = {
    "policy_missing": "Chưa ban hành chính sách chất lượng",
    "objectives_missing": "Chưa có mục tiêu chất lượng của năm được phê duyệt",
    "system_procedures_missing": "Chưa ban hành đủ các quy trình hệ thống",
    "coverage_incomplete": "Chưa xây dựng quy trình cho mọi TTHC thuộc phạm vi",
    "internal_audit_missing": "Chưa đánh giá nội bộ trong 12 tháng qua",
    "management_review_missing": "Chưa tổ chức xem xét của lãnh đạo trong 12 tháng qua",
    "publication_missing": "Chưa công bố HTQLCL phù hợp TCVN ISO 9001:2015",
    "republication_needed": "Phạm vi thay đổi nhưng chưa công bố lại HTQLCL",
    "corrective_action_overdue": "Có hành động khắc phục quá hạn",
    "legal_review_overdue": "Chưa cập nhật kịp thời thay đổi của văn bản pháp luật",
    "periodic_review_overdue": "Có tài liệu quá hạn xem xét định kỳ",
    "acknowledgement_incomplete": "Chưa phổ biến đầy đủ tài liệu đến công chức (xác nhận đã đọc)",
}
NO_GAPS = "Không có"


def headings() -> list[str]:
    return [
        "Mã đơn vị", "Tên đơn vị", "Đơn vị cấp trên", "Tổng số tài liệu", *KIND_LABELS.values(),
        "Quy trình TTHC đang hiệu lực", "TTHC có quy trình", "Tổng số TTHC", "Tỷ lệ bao phủ (%)",
        "Rà soát pháp lý đang mở", "Quy trình có phát hiện", "Chờ phê duyệt", "Quá hạn xem xét định kỳ",
        "Phê duyệt gần nhất", "Nhật ký kiểm soát", "Tồn tại, hạn chế",
    ]


def row_cells(row: OverviewRow) -> list[Cell]:
    organization = row.organization
    return [
        organization.code, organization.name, row.parent.name if row.parent else "", row.documents,
        *(row.documents_by_kind.get(kind, 0) for kind in KIND_LABELS),
        row.effective_processes, row.covered, row.listed, row.coverage_percent, row.open_reviews,
        row.processes_with_findings,
        row.awaiting_approval, row.overdue_reviews, clock.local_day(row.last_approval), CHAIN_LABELS[row.chain_ok],
        gaps_text(row.scorecard_gaps),
    ]


def gaps_text(codes: tuple[str, ...]) -> str:
    """The row's gaps in one cell, one numbered line each, in the scorecard's order."""
    lines = [f"{number}. {GAP_LABELS.get(code, code)}." for number, code in enumerate(codes, start=1)]
    return "\n".join(lines) or NO_GAPS


def workbook(overview: Overview, *, made_on: date) -> bytes:
    scope = f"các đơn vị thuộc {overview.parent.name}" if overview.parent else "tất cả các đơn vị"
    day = f" · tình hình ngày {overview.as_of:%d/%m/%Y}" if overview.as_of and overview.as_of != made_on else ""
    # The former organisations follow the rows, their mark in the name column, nothing counted.
    former: list[list[Cell]] = [
        [f.organization.code, f"{f.organization.name} ({f.label()})", "",
         *([None] * (len(headings()) - 3))]
        for f in overview.former
    ]
    return xlsx.workbook_bytes(
        "Tổng quan", "TỔNG QUAN KIỂM SOÁT TÀI LIỆU ISO 9001", headings(),
        [*(row_cells(row) for row in overview.rows), *former],
        subtitle=f"{scope[0].upper()}{scope[1:]}{day} · lập ngày {made_on:%d/%m/%Y}",
    )
