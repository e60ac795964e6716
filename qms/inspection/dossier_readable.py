"""The dossier's histories and lists for a person: workbooks made from the very JSON values kept for machines.

Reading the JSON values (not the rows again) keeps both views of one member the same. Times are shown on the
agency's clock (``qms.clock``), named in each subtitle; dates dd/mm/yyyy; every cell text unless a date or number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from qms import clock
from qms.conformity.checks import CODE_LABELS, SEVERITY_LABELS
from qms.exports import xlsx
from qms.exports.xlsx import Cell, LocalTime


def zone_label() -> str:
    """The time zone the times are shown in, e.g. "giờ Asia/Ho_Chi_Minh, UTC+07:00"."""
    offset = clock.local(clock.now()).strftime("%z")
    return f"giờ {clock.zone().key}, UTC{offset[:3]}:{offset[3:]}"


def local_time(value: str | None) -> LocalTime | None:
    """An instant stored in ISO 8601 (UTC) as the agency's wall clock showed it."""
    if not value:
        return None
    return LocalTime(clock.local(datetime.fromisoformat(value)).replace(tzinfo=None))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _shown_day(value: str | None) -> str:
    return f"{date.fromisoformat(value):%d/%m/%Y}" if value else ""


def _person(person: dict[str, Any] | None) -> str:
    if not person:
        return "Hệ thống (tự động)"
    return ", ".join(part for part in (person.get("name"), person.get("title")) if part)


def history_workbook(history: dict[str, Any]) -> bytes:
    """A document's control history: what happened, when, by whom (sheet 1) and its revisions (sheet 2)."""
    document = history["document"]
    subtitle = (f"{document['title']} · {document['kind_label']} · tình trạng tại ngày "
                f"{_shown_day(history['as_of'])} · thời điểm theo {zone_label()}")
    events: list[list[Cell]] = [
        [number, local_time(event["occurred_at"]), _person(event["actor"]), event["label"], event["revision"],
         "\n".join(f"{fact['label']}: {fact['value']}" for fact in event["facts"]), event["file_sha256"],
         event["seq"]]
        for number, event in enumerate(history["events"], start=1)
    ]
    revisions: list[list[Cell]] = [
        [revision["number"], revision["issue_number"], revision["status_label"], revision["change_summary"],
         _person(revision["drafted_by"]), local_time(revision["drafted_at"]), _day(revision["effective_from"]),
         revision["filename"], revision["sha256"]]
        for revision in history["revisions"]
    ]
    code = document["code"]
    return xlsx.sheets_bytes([
        xlsx.Sheet("Diễn biến", f"LỊCH SỬ KIỂM SOÁT TÀI LIỆU {code}",
                   ["STT", "Thời điểm", "Người thực hiện", "Nội dung", "Phiên bản", "Chi tiết", "Mã SHA-256 của tệp",
                    "Số thứ tự trong nhật ký"], events, subtitle=subtitle),
        xlsx.Sheet("Phiên bản", f"CÁC PHIÊN BẢN CỦA TÀI LIỆU {code}",
                   ["Phiên bản", "Lần ban hành", "Tình trạng", "Nội dung sửa đổi", "Người soạn thảo",
                    "Thời điểm tải lên", "Hiệu lực từ", "Tệp", "Mã SHA-256 của tệp"], revisions, subtitle=subtitle),
    ])


def coverage_workbook(coverage: dict[str, Any], organization_name: str) -> bytes:
    """Every procedure of the organisation's list, with the process in force for it or the gap."""
    rows: list[list[Cell]] = []
    for procedure in coverage["covered_procedures"]:
        rows.append([procedure["code"], procedure["name"], procedure["field"], procedure["document"],
                     "Có quy trình đang hiệu lực"])
    for procedure in coverage["uncovered_procedures"]:
        rows.append([procedure["code"], procedure["name"], procedure["field"], None, "Chưa có quy trình"])
    numbered: list[list[Cell]] = [[number, *row] for number, row in enumerate(rows, start=1)]
    percent = f"{coverage['percent']:.1f}".replace(".", ",")
    return xlsx.workbook_bytes(
        "Bao phủ TTHC", "MỨC ĐỘ BAO PHỦ THỦ TỤC HÀNH CHÍNH",
        ["STT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Quy trình đang hiệu lực", "Tình trạng"], numbered,
        subtitle=(f"{organization_name} · tình trạng tại ngày {_shown_day(coverage['as_of'])} · "
                  f"{coverage['covered']}/{coverage['total']} thủ tục có quy trình ({percent} %)"),
    )


def legal_reviews_workbook(reviews: dict[str, Any], organization_name: str) -> bytes:
    """Every review of a cited legal document opened by the day, open or closed as it stood then."""
    rows: list[list[Cell]] = [
        [number, item["document"], item["revision"], item["cited"], item["change_label"], item["trigger"],
         _day(item["since"]), _day(item["opened_on"]), "Đang mở" if item["state"] == "open" else "Đã đóng",
         _day(item["closed_on"]), item["resolution_label"], item["reason"], item["closed_by"]]
        for number, item in enumerate(reviews["items"], start=1)
    ]
    return xlsx.workbook_bytes(
        "Rà soát căn cứ pháp lý", "RÀ SOÁT CĂN CỨ PHÁP LÝ",
        ["STT", "Tài liệu", "Phiên bản", "Văn bản được trích dẫn", "Thay đổi", "Văn bản sửa đổi, thay thế",
         "Áp dụng từ", "Ngày mở", "Tình trạng", "Ngày đóng", "Kết quả", "Lý do", "Người đóng"], rows,
        subtitle=(f"{organization_name} · tình trạng tại ngày {_shown_day(reviews['as_of'])} · "
                  f"{reviews['open']} mục đang mở, {reviews['closed']} mục đã đóng"),
    )


def findings_workbook(processes: list[dict[str, Any]], organization_name: str, as_of: date) -> bytes:
    """What the checks found in each process in force, one finding a row, as an inspector would phrase it."""
    rows: list[list[Cell]] = []
    for process in processes:
        for finding in process["findings"]:
            where = "; ".join(f"{label} {finding['where'][key]}" for key, label in
                              (("section", "mục"), ("step", "bước"), ("row", "dòng"))
                              if (finding.get("where") or {}).get(key))
            rows.append([len(rows) + 1, process["document"]["code"], process["document"]["title"],
                         process["revision"]["number"], SEVERITY_LABELS.get(finding["severity"], finding["severity"]),
                         CODE_LABELS.get(finding["code"], finding["code"]), finding["message"], where,
                         finding.get("quote") or ""])
    return xlsx.workbook_bytes(
        "Kiểm tra sự phù hợp", "KẾT QUẢ KIỂM TRA SỰ PHÙ HỢP CỦA CÁC QUY TRÌNH",
        ["STT", "Mã hiệu", "Tên tài liệu", "Phiên bản", "Mức độ", "Loại phát hiện", "Nội dung", "Vị trí",
         "Trích từ tài liệu"], rows,
        subtitle=f"{organization_name} · các quy trình đang hiệu lực có phát hiện · lập ngày {as_of:%d/%m/%Y}",
    )


def acknowledgements_workbook(items: list[dict[str, Any]], organization_name: str, as_of: date) -> bytes:
    """Each revision in force: one row per person asked to read it, with whether and when they confirmed."""
    rows: list[list[Cell]] = []
    for item in items:
        people = [(person, local_time(person["at"]), "Đã xác nhận") for person in item["acknowledged"]]
        people += [(person, None, "Chưa xác nhận") for person in item["pending"]]
        for person, at, state in people:
            rows.append([len(rows) + 1, item["code"], item["title"], item["number"], person["name"], state, at])
    confirmed = sum(len(item["acknowledged"]) for item in items)
    required = sum(item["required"] for item in items)
    return xlsx.workbook_bytes(
        "Đã đọc và hiểu", "XÁC NHẬN ĐÃ ĐỌC VÀ HIỂU TÀI LIỆU ĐANG HIỆU LỰC",
        ["STT", "Mã hiệu", "Tên tài liệu", "Phiên bản", "Người được yêu cầu đọc", "Tình trạng",
         f"Thời điểm xác nhận ({zone_label()})"], rows,
        subtitle=(f"{organization_name} · tình trạng tại ngày {as_of:%d/%m/%Y} · "
                  f"{confirmed}/{required} lượt đã xác nhận"),
    )
