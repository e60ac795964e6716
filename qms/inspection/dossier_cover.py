"""The dossier's cover and index, in Vietnamese: whose dossier, as of which day, made when and by whom, what the
figures are, how to check it without this application, and what each member is, in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from qms.exports import administrative_docx
from qms.exports.xlsx import Cell
from qms.inspection.dossier_readable import zone_label
from qms.models import Organization

PATH = "00-bia-va-muc-luc.docx"
TITLE = "HỒ SƠ KIỂM TRA VIỆC ÁP DỤNG HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG THEO TCVN ISO 9001:2015"
INDEX_HEADING = "MỤC LỤC"


@dataclass(frozen=True)
class Figures:
    """What the cover states in figures, each as the dossier's members state it."""

    in_force: int
    documents: int
    covered: int
    total: int
    percent: float
    reviews_open: int
    reviews_closed: int
    processes_with_findings: int
    chain_ok: bool
    first_bad: str | None
    as_of_seq: int
    as_of_hash: str


def cover_bytes(
    organization: Organization,
    *,
    as_of: date,
    made_on: date,
    generated_at: datetime,
    generated_by: str | None,
    figures: Figures,
    members: Sequence[tuple[str, str]],
    problems: Sequence[str],
) -> bytes:
    """The cover as a Word administrative document (portrait), its index the table of members."""
    parent = f", thuộc {organization.parent.name}" if organization.parent is not None else ""
    percent = f"{figures.percent:.1f}".replace(".", ",")
    chain = ("toàn vẹn (mọi mục khớp mã băm của mục trước)" if figures.chain_ok
             else f"PHÁT HIỆN SAI LỆCH: {figures.first_bad}")
    intro = [
        f"Đơn vị: {organization.name} (mã {organization.code}){parent}.",
        f"Tình trạng tại ngày: {as_of:%d/%m/%Y} (cuối ngày).",
        f"Lập lúc {generated_at:%H:%M} ngày {generated_at:%d/%m/%Y} ({zone_label()}), người lập: "
        f"{generated_by or 'quản trị hệ thống (dòng lệnh)'}.",
        f"Tài liệu đang hiệu lực: {figures.in_force}; tài liệu có lịch sử kiểm soát: {figures.documents}.",
        f"Thủ tục hành chính có quy trình đang hiệu lực: {figures.covered}/{figures.total} ({percent} %).",
        f"Rà soát căn cứ pháp lý: {figures.reviews_open} mục đang mở, {figures.reviews_closed} mục đã đóng.",
        f"Quy trình đang hiệu lực có phát hiện khi kiểm tra sự phù hợp: {figures.processes_with_findings}.",
        f"Nhật ký hệ thống: chuỗi {chain}; mục cuối cùng đến hết ngày {as_of:%d/%m/%Y} là mục số "
        f"{figures.as_of_seq}, mã băm {figures.as_of_hash}.",
        "KIỂM TRA TÍNH TOÀN VẸN CỦA HỒ SƠ",
        "Giải nén tệp .zip, rồi trong thư mục đã giải nén chạy lệnh «sha256sum -c SHA256SUMS» (có sẵn trên Linux; "
        "trên Windows dùng Git Bash hoặc WSL): mọi dòng phải báo «OK»; một tệp bị sửa, dù một byte, sẽ báo «FAILED». "
        "Trên máy cài hệ thống, lệnh «flask qms verify-dossier <tệp .zip>» kiểm tra cả tệp manifest.json.",
    ]
    if problems:
        intro += ["LƯU Ý KHI LẬP HỒ SƠ", *problems]
    intro.append(INDEX_HEADING)
    rows: list[list[Cell]] = [[number, path, description]
                              for number, (path, description) in enumerate(members, start=1)]
    return administrative_docx.document_bytes(
        organization, TITLE, "", ["STT", "Tệp", "Nội dung"], rows, made_on=made_on, landscape=False, intro=intro,
        page_numbers=True,
    )
