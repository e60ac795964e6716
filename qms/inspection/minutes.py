"""The inspection minutes (biên bản kiểm tra) for the agencies an inspector visited: each agency's scorecard as of
the day of the inspection, its gaps listed as the minutes phrase «tồn tại, hạn chế»."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.errors import Invalid, NotFound
from qms.exports.administrative_report import Section, Table, report_bytes
from qms.inspection import scorecard
from qms.inspection.overview import require_inspector
from qms.models import Organization, User

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "BIÊN BẢN KIỂM TRA"
SUBTITLE = "Việc xây dựng, áp dụng, duy trì và cải tiến hệ thống quản lý chất lượng theo TCVN ISO 9001:2015"
VERDICTS = {True: "Đạt", False: "Tồn tại", None: "Chưa theo dõi"}
NO_GAPS = "Không có tồn tại, hạn chế."
MAX_ORGANIZATIONS = 100
_NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def numeral(index: int) -> str:
    """I, II, … X, then plain numbers: the minutes rarely visit more than ten agencies."""
    return _NUMERALS[index] if index < len(_NUMERALS) else str(index + 1)


def minutes(session: Session, viewer: User, codes: list[str], *, day: date, today: date) -> bytes:
    """The minutes for the organisations chosen, in the order given; inspectors only."""
    require_inspector(viewer)
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    if not wanted:
        raise Invalid("Cần chọn ít nhất một đơn vị được kiểm tra.", code="organizations_required")
    if len(wanted) > MAX_ORGANIZATIONS:
        raise Invalid(f"Tối đa {MAX_ORGANIZATIONS} đơn vị trong một biên bản.", code="too_many_organizations")
    if day > today:
        raise Invalid("Ngày kiểm tra không được sau hôm nay.", code="invalid_date")
    found = {o.code: o for o in session.scalars(select(Organization).where(Organization.code.in_(wanted)))}
    missing = [code for code in wanted if code not in found]
    if missing:
        raise NotFound(f"Không tìm thấy đơn vị: {', '.join(missing[:5])}.")
    cards = [scorecard.of_organization(session, found[code], today=today, as_of_day=day) for code in wanted]
    sections = [_section(index, card) for index, card in enumerate(cards)]
    inspecting = viewer.organization
    opening = [
        f"Ngày {day:%d/%m/%Y}, Đoàn kiểm tra của {inspecting.name} tiến hành kiểm tra việc áp dụng hệ thống quản "
        f"lý chất lượng theo TCVN ISO 9001:2015 tại {len(cards)} cơ quan, đơn vị sau đây. Tình trạng được ghi nhận "
        f"theo dữ liệu của hệ thống tại ngày kiểm tra.",
    ]
    return report_bytes(
        inspecting, TITLE, SUBTITLE, sections, made_on=day, opening=opening,
        signatures=[("ĐẠI DIỆN ĐOÀN KIỂM TRA", viewer.full_name), ("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", "")],
    )


def _section(index: int, card: scorecard.Scorecard) -> Section:
    organization = card.organization
    rows = [[scorecard.LABELS[item.code], VERDICTS[item.ok], item.detail] for item in card.items]
    return Section(
        heading=f"{numeral(index)}. {organization.name.upper()} ({organization.code})",
        paragraphs=["Tồn tại, hạn chế:", *gap_lines(card)],
        table=Table(["Nội dung kiểm tra", "Kết quả", "Ghi nhận"], rows, [5, 2, 9]),
    )


def filename(day: date) -> str:
    return f"bien-ban-kiem-tra_{day.isoformat()}.docx"


def gap_lines(card: scorecard.Scorecard) -> list[str]:
    """The lines the minutes write for one organisation's gaps (what a reader of the file compares)."""
    return [f"{number}. {item.detail}" for number, item in enumerate(card.gaps, start=1)] or [NO_GAPS]

