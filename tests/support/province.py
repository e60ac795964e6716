"""A small province with more than a page of everything a list shows, built through the services: the lists' tests
read a page of 5 and a page of 50 from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from qms.accounts import organizations
from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.files.store import FileStore
from qms.legal import proposals, register
from qms.models import Document, User
from support.factories import make_docx, make_effective, make_user, upload

#: More rows than the larger page, in every list.
ROWS = 55


@dataclass
class Province:
    secretary: User
    reviewer: User
    approver: User
    inspector: User
    admin: User
    #: The document with a long history.
    storied: Document


def catalogue_csv(count: int) -> bytes:
    lines = ["code,name,field,level,time_value,time_unit,fee"]
    for number in range(count):
        field = ("Hộ tịch", "Chứng thực", "Đất đai")[number % 3]
        lines.append(f"1.{number + 1:06d},Thủ tục {field.lower()} số {number + 1},{field},xã,5,ngày làm việc,Miễn")
    return "\n".join(lines).encode("utf-8")


def build(session: Session, files: FileStore, today: date, rows: int = ROWS) -> Province:
    """Organisations, users, a catalogue, a legal register, processes in force citing a decree that was then replaced
    (so each has a review item), a draft of each awaiting its secretary, and one document with a long history."""
    organizations.create(session, None, "TINH-LS", "UBND tỉnh Lạng Sơn")
    organizations.create(session, None, "XA-LOCBINH", "UBND xã Lộc Bình", "TINH-LS")
    organizations.create(session, None, "SO-KHCN", "Sở Khoa học và Công nghệ", "TINH-LS")
    for number in range(rows):
        organizations.create(session, None, f"XA-{number:03d}", f"UBND xã Số {number}", "TINH-LS")
    secretary = make_user(session, "thuky", "XA-LOCBINH", "secretary", "registrar")
    reviewer = make_user(session, "kiemtra", "XA-LOCBINH", "reviewer")
    approver = make_user(session, "pheduyet", "XA-LOCBINH", "approver")
    inspector = make_user(session, "doankiemtra", "SO-KHCN", "inspector")
    admin = make_user(session, "quantri", "TINH-LS", "admin")
    staff = [make_user(session, f"canbo{number:03d}", f"XA-{number:03d}", "staff") for number in range(rows)]

    procedures.import_procedures(session, secretary, "XA-LOCBINH", "tthc.csv", catalogue_csv(rows))
    register.create_legal_document(
        session, secretary, number="61/2018/NĐ-CP", doc_type="Nghị định", title="Về thực hiện cơ chế một cửa",
        issuer="Chính phủ", issued_on=date(2018, 4, 23), effective_from=date(2018, 6, 21), today=today,
    )
    for number in range(rows):
        register.create_legal_document(
            session, secretary, number=f"{number + 1}/2020/TT-BTP", doc_type="Thông tư",
            title=f"Hướng dẫn hộ tịch số {number + 1}", issuer="Bộ Tư pháp", issued_on=date(2020, 1, 1 + number % 28),
            effective_from=date(2020, 3, 1), today=today,
        )

    for number, proposer in enumerate(staff):
        proposals.propose(
            session, proposer, kind="create", number=f"{number + 1}/2025/TT-BTP",
            changes={"title": f"Hướng dẫn chứng thực số {number + 1}"}, note="Văn bản mới ban hành",
        )

    cited = make_docx("Căn cứ Nghị định 61/2018/NĐ-CP về cơ chế một cửa, một cửa liên thông.")
    documents = []
    for number in range(rows):
        document = lifecycle.create_document(
            session, secretary, organization_code="XA-LOCBINH", code=f"QT-{number:03d}",
            title=f"Quy trình hộ tịch số {number}", kind="process", procedure_code=f"1.{number + 1:06d}",
        )
        make_effective(session, files, document, secretary, reviewer, approver, today, cited)
        documents.append(document)
    storied = documents[0]
    for attempt in range(rows // 2):
        draft = upload(session, files, secretary, storied, summary=f"Thử sửa lần {attempt}")
        lifecycle.act(session, secretary, draft.id, "discard", today=today, comment="Không dùng")
    for document in documents:
        upload(session, files, secretary, document, summary="Sửa theo Nghị định mới")
    register.create_legal_document(
        session, secretary, number="118/2025/NĐ-CP", doc_type="Nghị định", title="Thay thế Nghị định 61/2018/NĐ-CP",
        issuer="Chính phủ", issued_on=date(2025, 6, 9), effective_from=date(2025, 7, 1),
        replaces=["61/2018/NĐ-CP"], today=today,
    )
    return Province(secretary, reviewer, approver, inspector, admin, storied)
