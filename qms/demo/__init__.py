"""A demo agency with realistic documents in every state, built through the real services.

The files beside this module are the sample processes of UBND xã Lộc Bình, its TTHC
catalogue and the legal register (copied from the project's shared fixtures so a fresh
clone has them).
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from docx import Document as WordDocument
from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.accounts import organizations, restructure, users
from qms.acknowledgements import confirmations
from qms.catalogue import procedures
from qms.demo import records
from qms.documents import lifecycle as documents
from qms.files.store import FileStore
from qms.legal import csv_import
from qms.models import Document, Organization, Revision, User

FILES = Path(__file__).resolve().parent / "files"
PASSWORD = "qms-demo-2026"

#: (username, organisation, roles, full name, title)
PEOPLE = [
    ("quantri", "TINH-LS", ["admin"], "Trần Quốc Toản", "Chuyên viên Văn phòng UBND tỉnh"),
    ("thanhtra", "SO-KHCN", ["inspector"], "Phạm Thu Hà", "Chuyên viên phòng Tiêu chuẩn Đo lường Chất lượng"),
    ("thuky", "XA-LOCBINH", ["secretary"], "Nguyễn Thị Lan", "Công chức Tư pháp - Hộ tịch"),
    ("kiemtra", "XA-LOCBINH", ["reviewer"], "Hoàng Văn Minh", "Phó Chủ tịch UBND"),
    ("pheduyet", "XA-LOCBINH", ["approver"], "Lý Văn Đức", "Chủ tịch UBND"),
    ("canbo", "XA-LOCBINH", ["staff"], "Vi Thị Hoa", "Công chức Văn phòng - Thống kê"),
    ("thuky.dd", "XA-DONGDANG", ["secretary"], "Lương Văn Hải", "Công chức Văn phòng - Thống kê"),
    ("kiemtra.dd", "XA-DONGDANG", ["reviewer"], "Nông Văn Bình", "Phó Chủ tịch UBND"),
    ("pheduyet.dd", "XA-DONGDANG", ["reviewer", "approver"], "Hà Thị Mai", "Chủ tịch UBND"),
    ("thuky.dq", "XA-DONGQUAN", ["secretary"], "Nông Văn Tâm", "Công chức Văn phòng - Thống kê"),
    ("kiemtra.dq", "XA-DONGQUAN", ["reviewer"], "Đinh Văn Lực", "Phó Chủ tịch UBND"),
    ("pheduyet.dq", "XA-DONGQUAN", ["reviewer", "approver"], "Hoàng Thị Thu", "Chủ tịch UBND"),
    ("thuky.tg", "XA-TAMGIA", ["secretary"], "Lăng Văn Sơn", "Công chức Tư pháp - Hộ tịch"),
    ("kiemtra.tg", "XA-TAMGIA", ["reviewer"], "Mông Thị Hằng", "Phó Chủ tịch UBND"),
    ("pheduyet.tg", "XA-TAMGIA", ["reviewer", "approver"], "Chu Văn Bình", "Chủ tịch UBND"),
]
#: The 2025 merger of the demo: two communes into one, with a code clash and a TTHC covered twice.
MERGED_ON = date(2025, 7, 1)
MERGED_TARGET = {"code": "XA-DONGQUAN-2025", "name": "UBND xã Đông Quan (sau sáp nhập)", "parent": "TINH-LS"}
MERGER_RESOLUTIONS = {"codes": {"XA-TAMGIA:QT-01": "QT-01-TG"}, "procedures": {"1.001193": "XA-DONGQUAN:QT-01"}}
REASON = "Đã đối chiếu các phát hiện kiểm tra nội dung; sẽ hoàn thiện ở lần sửa đổi sau."
LOGINS = [(username, PASSWORD) for username, *_ in PEOPLE]


def load(session: Session, files: FileStore, today: date) -> bool:
    """Load the demo once; False when it is already there."""
    if session.scalar(select(Organization.id).where(Organization.code == "XA-LOCBINH")):
        return False
    organizations.create(session, None, "TINH-LS", "UBND tỉnh Lạng Sơn")
    organizations.create(session, None, "SO-KHCN", "Sở Khoa học và Công nghệ tỉnh Lạng Sơn", "TINH-LS")
    organizations.create(session, None, "XA-LOCBINH", "UBND xã Lộc Bình", "TINH-LS")
    organizations.create(session, None, "XA-DONGDANG", "UBND xã Đồng Đăng", "TINH-LS")
    organizations.create(session, None, "XA-DONGQUAN", "UBND xã Đông Quan", "TINH-LS")
    organizations.create(session, None, "XA-TAMGIA", "UBND xã Tam Gia", "TINH-LS")
    people = {
        username: users.create(
            session, None, username=username, full_name=name, title=title,
            organization_code=org, roles=roles, password=PASSWORD,
        )
        for username, org, roles, name, title in PEOPLE
    }
    # The catalogue and the register first, so uploads link to procedures and cite registered documents.
    csv_import.import_csv(session, None, _file("legal_documents.csv"), today=today)
    procedures.import_procedures(session, people["thuky"], "XA-LOCBINH", "procedures.xlsx", _file("procedures.xlsx"))
    _Agency(session, files, today, people["thuky"], people["kiemtra"], people["pheduyet"]).load_loc_binh()
    # Read and confirmed by everybody asked (the policy), by one person (the birth registration), by nobody (the rest).
    _acknowledge(session, "CSCL", [people[name] for name in ("thuky", "kiemtra", "pheduyet", "canbo")])
    _acknowledge(session, "QT-HT-01", [people["canbo"]])
    # The drafter, the reviewer and the approver of a revision are three people, even where one holds two roles.
    _Agency(session, files, today, people["thuky.dd"], people["kiemtra.dd"], people["pheduyet.dd"]).load_dong_dang()
    for code, secretary in (("XA-DONGQUAN", "thuky.dq"), ("XA-TAMGIA", "thuky.tg")):
        procedures.import_procedures(session, people[secretary], code, "procedures.xlsx", _file("procedures.xlsx"))
    _Agency(session, files, today, people["thuky.dq"], people["kiemtra.dq"], people["pheduyet.dq"]).load_dong_quan()
    _Agency(session, files, today, people["thuky.tg"], people["kiemtra.tg"], people["pheduyet.tg"]).load_tam_gia()
    records.load_before_merger(session, files, today, people["thuky.dq"], people["pheduyet.dq"])
    restructure.carry_out(
        session, people["quantri"], kind="merge", sources=["XA-DONGQUAN", "XA-TAMGIA"], targets=[MERGED_TARGET],
        effective_on=MERGED_ON, today=today, resolutions=MERGER_RESOLUTIONS,
    )
    records.load(session, files, today, people)
    return True


class _Agency:
    """Drives documents of one agency through the lifecycle as its people would."""

    def __init__(self, session: Session, files: FileStore, today: date, secretary: User, reviewer: User,
                 approver: User) -> None:
        self.session, self.files, self.today = session, files, today
        self.secretary, self.reviewer, self.approver = secretary, reviewer, approver

    def document(self, code: str, title: str, kind: str, procedure_code: str | None = None) -> Document:
        return documents.create_document(
            self.session, self.secretary, organization_code=self.secretary.organization.code,
            code=code, title=title, kind=kind, procedure_code=procedure_code,
        )

    def draft(
        self, document: Document, content: bytes, filename: str, summary: str, code_mismatch_reason: str | None = None
    ) -> Revision:
        return documents.add_revision(
            self.session, self.files, self.secretary, document.id,
            stream=io.BytesIO(content), filename=filename, change_summary=summary,
            code_mismatch_reason=code_mismatch_reason,
        )

    def act(
        self, revision: Revision, *steps: str, comment: str | None = None, effective_from: date | None = None
    ) -> None:
        actors = {"submit": self.secretary, "pass": self.reviewer, "return": self.reviewer, "approve": self.approver,
                  "withdraw": self.approver}
        for step in steps:
            # Passing or approving with error findings takes a reason; the demo's people give one every time.
            said = comment or (REASON if step in ("pass", "approve") else None)
            documents.act(self.session, actors[step], revision.id, step, today=self.today, comment=said,
                          effective_from=effective_from or self.today)

    def effective(
        self, document: Document, content: bytes, filename: str, summary: str, code_mismatch_reason: str | None = None
    ) -> Revision:
        revision = self.draft(document, content, filename, summary, code_mismatch_reason)
        self.act(revision, "submit", "pass", "approve")
        return revision

    def load_loc_binh(self) -> None:
        policy = self.document("CSCL", "Chính sách chất lượng", "policy")
        self.effective(policy, _file("CSCL_chinh-sach-chat-luong_lan-01.docx"), "CSCL_lan-01.docx", "Ban hành lần đầu")

        control = self.document("QT-HT-KS", "Quy trình kiểm soát tài liệu", "system_procedure")
        # In force for 13 months: its yearly periodic review is overdue.
        _Agency(self.session, self.files, self.today - timedelta(days=395), self.secretary, self.reviewer,
                self.approver).effective(control, _file("QT-HT-KS_kiem-soat-tai-lieu_lan-01.docx"),
                                         "QT-HT-KS_lan-01.docx", "Ban hành lần đầu theo Quyết định 101/QĐ-BKHCN")

        objectives = self.document("MTCL", "Mục tiêu chất lượng", "objectives")
        year = self.today.year
        self.effective(objectives, _simple_docx(f"Mục tiêu chất lượng năm {year}", [
            "100% hồ sơ TTHC được giải quyết đúng hạn.", "95% người dân hài lòng với việc giải quyết TTHC."]),
            f"MTCL_{year}.docx", f"Mục tiêu năm {year}")
        next_year = self.draft(objectives, _simple_docx(f"Mục tiêu chất lượng năm {year + 1}", [
            "100% hồ sơ TTHC được giải quyết đúng hạn, không có hồ sơ trễ hạn.",
            "100% TTHC thuộc thẩm quyền có quy trình ISO được áp dụng."]),
            f"MTCL_{year + 1}.docx", f"Mục tiêu năm {year + 1}: thêm mục tiêu bao phủ quy trình")
        self.act(next_year, "submit", "pass", "approve", effective_from=date(year + 1, 1, 1))

        birth = self.document("QT-HT-01", "Đăng ký khai sinh", "process", "1.001193")
        self.effective(birth, _simple_docx("Quy trình đăng ký khai sinh (lần ban hành 01)", [
            "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ.",
            "Thời gian giải quyết: trong ngày."]), "QT-HT-01_lan-01.docx", "Ban hành lần đầu")
        self.effective(birth, _file("QT-HT-01_dang-ky-khai-sinh_lan-02.docx"), "QT-HT-01_dang-ky-khai-sinh_lan-02.docx",
                       "Mục 5.1: thay Nghị định 61/2018/NĐ-CP bằng Nghị định 118/2025/NĐ-CP; cập nhật biểu mẫu")

        extract = self.document("QT-HT-04", "Cấp bản sao trích lục hộ tịch", "process", "2.000635")
        self.effective(extract, _file("QT-HT-04_trich-luc_lan-01.docx"), "QT-HT-04_trich-luc_lan-01.docx",
                       "Ban hành lần đầu")
        second = self.draft(extract, _file("QT-HT-04_trich-luc_lan-02.docx"), "QT-HT-04_trich-luc_lan-02.docx",
                            "Cập nhật căn cứ pháp lý (Mục 5.1): "
                            "Nghị định 118/2025/NĐ-CP thay thế Nghị định 61/2018/NĐ-CP")
        self.act(second, "submit", "pass")  # awaits the approver

        signature = self.document("QT-CT-02", "Chứng thực chữ ký trong các giấy tờ, văn bản", "process", "2.000884")
        draft = self.draft(signature, _file("QT-CT-02_chung-thuc-chu-ky_lan-01.docx"),
                           "QT-CT-02_chung-thuc-chu-ky_lan-01.docx", "Ban hành lần đầu")
        self.act(draft, "submit")  # awaits the reviewer

        building = self.document("QT-XD-01", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "process", "1.013225")
        returned = self.draft(building, _file("QT-XD-01_giay-phep-xay-dung_lan-01.docx"),
                              "QT-XD-01_giay-phep-xay-dung_lan-01.docx", "Ban hành lần đầu")
        self.act(returned, "submit", "return",
                 comment="Tổng thời gian các bước là 17 ngày, vượt thời hạn 15 ngày; bước 3 chưa ghi đơn vị thực hiện.")

        manual = self.document("STCL", "Sổ tay chất lượng", "manual")
        self.draft(manual, _simple_docx("Sổ tay chất lượng", ["Phạm vi áp dụng HTQLCL của UBND xã Lộc Bình."]),
                   "STCL_du-thao.docx", "Dự thảo lần đầu")

        guardian = self.document("QT-HT-09", "Đăng ký giám hộ", "process", "1.000110")
        withdrawn = self.effective(guardian,
                                   _simple_docx("Quy trình đăng ký giám hộ", ["Thời gian: 03 ngày làm việc."]),
                                   "QT-HT-09_lan-01.docx", "Ban hành lần đầu")
        self.act(withdrawn, "withdraw",
                 comment="Thủ tục không còn thuộc danh mục TTHC của xã theo quyết định công bố mới.")

    def load_dong_quan(self) -> None:
        birth = self.document("QT-01", "Đăng ký khai sinh", "process", "1.001193")
        self.effective(birth, _file("QT-HT-01_dang-ky-khai-sinh_lan-02.docx"), "QT-01.docx", "Ban hành lần đầu",
                       code_mismatch_reason="Áp dụng quy trình mẫu của xã Lộc Bình; khối kiểm soát sửa ở lần sau.")
        control = self.document("QT-HT-KS", "Quy trình kiểm soát tài liệu", "system_procedure")
        self.effective(control, _file("QT-HT-KS_kiem-soat-tai-lieu_lan-01.docx"), "QT-HT-KS.docx", "Ban hành lần đầu")

    def load_tam_gia(self) -> None:
        # QT-01 is Đông Quan's code too (a clash); QT-02 serves the TTHC Đông Quan's QT-01 serves (covered twice).
        extract = self.document("QT-01", "Cấp bản sao trích lục hộ tịch", "process", "2.000635")
        self.effective(extract, _simple_docx("Quy trình cấp bản sao trích lục hộ tịch của xã Tam Gia", [
            "Căn cứ Nghị định số 118/2025/NĐ-CP.", "Thời gian giải quyết: trong ngày."]),
            "QT-01.docx", "Ban hành lần đầu")
        birth = self.document("QT-02", "Đăng ký khai sinh", "process", "1.001193")
        self.effective(birth, _simple_docx("Quy trình đăng ký khai sinh của xã Tam Gia", [
            "Căn cứ Nghị định số 118/2025/NĐ-CP.", "Thời gian giải quyết: trong ngày."]),
            "QT-02.docx", "Ban hành lần đầu")

    def load_dong_dang(self) -> None:
        policy = self.document("CSCL", "Chính sách chất lượng", "policy")
        self.effective(policy, _file("CSCL_chinh-sach-chat-luong_lan-01.docx"), "CSCL.docx", "Ban hành lần đầu")
        birth = self.document("QT-01", "Đăng ký khai sinh", "process", "1.001193")
        # The commune adopts Lộc Bình's process as it is, control block included: the secretary confirms it.
        self.effective(birth, _file("QT-HT-01_dang-ky-khai-sinh_lan-02.docx"), "QT-01.docx", "Ban hành lần đầu",
                       code_mismatch_reason="Áp dụng quy trình mẫu của xã Lộc Bình; khối kiểm soát sửa ở lần sau.")


def _acknowledge(session: Session, code: str, readers: list[User]) -> None:
    document = session.scalar(
        select(Document).join(Document.organization).where(Organization.code == "XA-LOCBINH", Document.code == code)
    )
    assert document is not None and document.current_revision is not None
    for reader in readers:
        confirmations.acknowledge(session, reader, document.current_revision.id)


def _file(name: str) -> bytes:
    return (FILES / name).read_bytes()


def _simple_docx(title: str, lines: list[str]) -> bytes:
    word = WordDocument()
    word.add_heading(title, level=1)
    for line in lines:
        word.add_paragraph(line)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


__all__ = ["LOGINS", "PASSWORD", "load"]
