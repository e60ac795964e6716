"""A year of the demo agency's quality records, through the services: a publication, a catalogue change and the
re-publication it called for, an internal audit with two nonconformities (one closed by a new revision of the
document it concerns, one overdue), a management review, and approved objectives with their results. The second
commune (Đồng Đăng) records nothing, so its scorecard shows the gaps an inspector would write down. Đông Quan, merged
on 1 July 2025, published its system and held an internal audit before: the merger carries both to the new commune."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from docx import Document as WordDocument
from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.catalogue import procedures
from qms.documents import lifecycle as documents
from qms.files.store import FileStore
from qms.models import Document, Organization, User
from qms.records import corrective_actions, internal_audits, management_reviews, objectives, publications
from qms.records.evidence import Upload

FILES = Path(__file__).resolve().parent / "files"
FIRST_DECISION = "25/QĐ-UBND"
SECOND_DECISION = "112/QĐ-UBND"
#: The catalogue change: «Đăng ký nhận cha, mẹ, con» added, «Đăng ký giám hộ» (1.000110) no longer the commune's.
UPDATED_CATALOGUE = "procedures_cap-nhat.csv"
ADDED_CODE, ABOLISHED_CODE = "1.001022", "1.000110"
CLOSED_FINDING = "Quy trình đánh giá nội bộ chưa quy định việc lập chương trình đánh giá hằng năm."
OVERDUE_FINDING = "Quy trình cấp bản sao trích lục hộ tịch chưa được phổ biến cho bộ phận tiếp nhận và trả kết quả."
SCOPE_NOTICE = "Sở Khoa học và Công nghệ tỉnh Lạng Sơn"
#: Đông Quan's records of 2025, before the merger carried them to the new commune.
DONG_QUAN_DECISION = "18/QĐ-UBND"
DONG_QUAN_SIGNED_ON = date(2025, 3, 10)
DONG_QUAN_AUDIT_ON = date(2025, 5, 20)
DONG_QUAN_OBSERVATION = "Nên cập nhật danh mục hồ sơ lưu trữ của bộ phận một cửa trước khi sáp nhập."


def _docx(title: str, lines: list[str]) -> bytes:
    word = WordDocument()
    word.add_heading(title, level=1)
    for line in lines:
        word.add_paragraph(line)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _upload(name: str, title: str, lines: list[str]) -> Upload:
    return Upload(io.BytesIO(_docx(title, lines)), name)


def _in_year(today: date, days_ago: int) -> date:
    """A day ``days_ago`` before today, kept within this year so the annual report counts it."""
    return max(today - timedelta(days=days_ago), date(today.year, 1, 1))


def load(session: Session, files: FileStore, today: date, people: dict[str, User]) -> None:
    secretary, reviewer, approver = people["thuky"], people["kiemtra"], people["pheduyet"]
    code = secretary.organization.code
    year = today.year

    def effective(document_id: int, content: bytes, filename: str, summary: str) -> None:
        revision = documents.add_revision(session, files, secretary, document_id, stream=io.BytesIO(content),
                                          filename=filename, change_summary=summary)
        steps: list[tuple[User, str]] = [(secretary, "submit"), (reviewer, "pass"), (approver, "approve")]
        for actor, step in steps:
            documents.act(session, actor, revision.id, step, today=today, comment="Đã xem xét", effective_from=today)

    # The publication of the scope as it was, then the catalogue change and the re-publication.
    first_scope = publications.scope_on(session, secretary.organization, today)
    publications.create(
        session, files, secretary, code, number=FIRST_DECISION, signed_on=_in_year(today, 200),
        signer="Lý Văn Đức", upload=_upload("QD-cong-bo.docx", f"Quyết định số {FIRST_DECISION}",
                                            ["Công bố HTQLCL phù hợp TCVN ISO 9001:2015."]),
        today=today, scope=first_scope, posted_office_on=_in_year(today, 198), posted_website_on=_in_year(today, 198),
        website_url="https://locbinh.langson.gov.vn", notified_on=_in_year(today, 195), notified_to=SCOPE_NOTICE,
    )
    procedures.import_procedures(session, secretary, code, UPDATED_CATALOGUE, (FILES / UPDATED_CATALOGUE).read_bytes())
    publications.create(
        session, files, secretary, code, number=SECOND_DECISION, signed_on=today, signer="Lý Văn Đức",
        upload=_upload("QD-cong-bo-lai.docx", f"Quyết định số {SECOND_DECISION}",
                       ["Công bố lại HTQLCL do điều chỉnh phạm vi áp dụng."]),
        today=today, posted_office_on=today, posted_website_on=today, website_url="https://locbinh.langson.gov.vn",
        notified_on=today, notified_to=SCOPE_NOTICE,
    )

    # The audit procedure, in force before the audit found it wanting.
    audit_procedure = documents.create_document(
        session, secretary, organization_code=code, code="QT-HT-DGNB", title="Quy trình đánh giá nội bộ",
        kind="system_procedure")
    effective(audit_procedure.id, _docx("Quy trình đánh giá nội bộ", ["Lần ban hành 01."]), "QT-HT-DGNB_lan-01.docx",
              "Ban hành lần đầu")
    extract = next(d for d in documents_of(session, code) if d.code == "QT-HT-04")
    audit = internal_audits.create(
        session, files, secretary, code, starts_on=_in_year(today, 60), ends_on=_in_year(today, 59),
        auditors=["Hoàng Văn Minh", "Nguyễn Thị Lan"], processes=["QT-HT-DGNB", "QT-HT-04", "QT-HT-KS"],
        report=_upload("bao-cao-danh-gia-noi-bo.docx", "Báo cáo đánh giá nội bộ", ["2 điểm không phù hợp."]),
        today=today,
    )
    closed = internal_audits.add_finding(session, secretary, audit.id, kind="nonconformity",
                                         description=CLOSED_FINDING, document_ids=[audit_procedure.id])
    overdue = internal_audits.add_finding(session, secretary, audit.id, kind="nonconformity",
                                          description=OVERDUE_FINDING, document_ids=[extract.id])
    internal_audits.add_finding(session, secretary, audit.id, kind="observation",
                                description="Nên lưu hồ sơ đánh giá nội bộ dưới dạng điện tử.", document_ids=[])
    corrective_actions.create(session, secretary, closed.id, cause="Quy trình soạn theo mẫu cũ.",
                              action="Sửa đổi quy trình, bổ sung chương trình đánh giá hằng năm.",
                              responsible="Nguyễn Thị Lan", due_on=today + timedelta(days=15))
    corrective_actions.create(session, secretary, overdue.id, cause="Chưa tổ chức phổ biến sau khi ban hành.",
                              action="Tổ chức phổ biến, lập sổ giao nhận tài liệu.",
                              responsible="Vi Thị Hoa", due_on=today - timedelta(days=10))
    # The revision that closes the first action: it takes effect after the action was opened.
    effective(audit_procedure.id, _docx("Quy trình đánh giá nội bộ", ["Lần ban hành 02: chương trình đánh giá."]),
              "QT-HT-DGNB_lan-02.docx", "Bổ sung chương trình đánh giá nội bộ hằng năm (khắc phục điểm không phù hợp)")

    management_reviews.create(
        session, files, secretary, code, held_on=_in_year(today, 30), chair="Lý Văn Đức",
        inputs={"audit_results": "2 điểm không phù hợp, 1 khuyến nghị.",
                "objectives": "Tỷ lệ hồ sơ đúng hạn 98,7%.",
                "customer_feedback": "Không có phản ánh, kiến nghị.",
                "corrective_actions": "1 hành động đang thực hiện.",
                "legal_changes": "Nghị định 118/2025/NĐ-CP thay thế Nghị định 61/2018/NĐ-CP.",
                "risks": "Thay đổi nhân sự bộ phận một cửa."},
        decisions="Cập nhật các quy trình viện dẫn Nghị định 61/2018/NĐ-CP; phổ biến lại quy trình hộ tịch.",
        minutes=_upload("bien-ban-xem-xet.docx", "Biên bản họp xem xét của lãnh đạo", ["Thành phần: …"]),
        today=today,
    )

    results: list[tuple[str, str, Callable[[], list[tuple[date, str]]]]] = [
        ("Hồ sơ TTHC được giải quyết đúng hạn", "100%",
         lambda: [(_in_year(today, 90), "98,7%"), (_in_year(today, 5), "99,2%")]),
        ("Tổ chức, công dân hài lòng với việc giải quyết TTHC", "≥ 95%", lambda: [(_in_year(today, 5), "96%")]),
    ]
    for title, target, measured in results:
        objective = objectives.create(session, secretary, code, year=year, title=title, target=target)
        objectives.approve(session, approver, objective.id)
        for day, value in measured():
            objectives.record_result(session, secretary, objective.id, measured_on=day, value=value, note="",
                                     today=today)



def load_before_merger(session: Session, files: FileStore, today: date, secretary: User, approver: User) -> None:
    """Đông Quan publishes its system in March 2025 and audits it in May, before the merger of 1 July."""
    code = secretary.organization.code
    publications.create(
        session, files, secretary, code, number=DONG_QUAN_DECISION, signed_on=DONG_QUAN_SIGNED_ON,
        signer=approver.full_name, upload=_upload("QD-cong-bo-dong-quan.docx", f"Quyết định số {DONG_QUAN_DECISION}",
                                                  ["Công bố HTQLCL phù hợp TCVN ISO 9001:2015."]),
        today=today, posted_office_on=DONG_QUAN_SIGNED_ON, posted_website_on=DONG_QUAN_SIGNED_ON,
        website_url="https://dongquan.langson.gov.vn", notified_on=DONG_QUAN_SIGNED_ON + timedelta(days=3),
        notified_to=SCOPE_NOTICE,
    )
    audit = internal_audits.create(
        session, files, secretary, code, starts_on=DONG_QUAN_AUDIT_ON, ends_on=DONG_QUAN_AUDIT_ON,
        auditors=["Nông Văn Tâm"], processes=["QT-01"],
        report=_upload("bao-cao-danh-gia-dong-quan.docx", "Báo cáo đánh giá nội bộ", ["1 khuyến nghị."]),
        today=today,
    )
    internal_audits.add_finding(session, secretary, audit.id, kind="observation", description=DONG_QUAN_OBSERVATION,
                                document_ids=[])


def documents_of(session: Session, code: str) -> list[Document]:
    return list(session.scalars(select(Document).join(Organization).where(Organization.code == code)))
