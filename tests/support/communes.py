"""Two communes about to merge: each with a process for TTHC 1.001193, a document coded QT-01 and a catalogue."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qms import clock
from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.files.store import FileStore
from qms.models import Document, Procedure, User
from qms.records import (
    confirmations,
    corrective_actions,
    internal_audits,
    management_reviews,
    objectives,
    publications,
)
from qms.records.evidence import Upload
from support.factories import make_docx, make_effective, make_user, minimal_pdf

CATALOGUE = (
    "Mã thủ tục;Tên TTHC;Lĩnh vực;Thời hạn giải quyết\n"
    "1.001193;Đăng ký khai sinh;Hộ tịch;{time}\n"
    "1.000894;Đăng ký kết hôn;Hộ tịch;05 ngày làm việc\n"
)
MERGER = {"kind": "merge", "sources": ["XA-LOCBINH", "XA-DONGDANG"],
          "targets": [{"code": "XA-LOCBINH-MOI", "name": "UBND xã Lộc Bình (mới)", "parent": "TINH-LS"}]}
RESOLVED = {"codes": {"XA-DONGDANG:QT-01": "QT-01-DD"}, "procedures": {"1.001193": "XA-LOCBINH:QT-01"}}
#: RESOLVED as the API takes it: each resolution a list of objects.
RESOLVED_BODY = {
    "codes": [{"document": document, "code": code} for document, code in RESOLVED["codes"].items()],
    "procedures": [{"procedure": procedure, "document": document}
                   for procedure, document in RESOLVED["procedures"].items()],
}


@contextmanager
def days_ago(days: int) -> Iterator[date]:
    """The services' clock set ``days`` back, so revisions and their audit entries agree on when they happened (a row
    changed behind the audit log fails ``verify``); yields that day."""
    real = clock.now
    clock.now = lambda: real() - timedelta(days=days)  # type: ignore[method-assign]
    try:
        yield clock.today() - timedelta(days=days)
    finally:
        clock.now = real  # type: ignore[method-assign]


def backdate(session: Session, days: int) -> None:
    """Documents and catalogue rows (whose creation times the audit log does not hold) made ``days`` ago too."""
    then = clock.now() - timedelta(days=days)
    session.execute(update(Document).values(created_at=then))
    session.execute(update(Procedure).values(created_at=then))
    session.commit()


def two_communes(session: Session, files: FileStore, people_a: tuple[User, User, User], today: date,
                 days: int = 30) -> dict[str, int]:
    """Lộc Bình (A: QT-01 for 1.001193, QT-02) and Đồng Đăng (B: QT-01 for 1.000894, QT-03 for 1.001193), made
    ``days`` (30) days ago; the documents' ids by ``ORG:CODE``."""
    people_b = tuple(make_user(session, f"b{role}", "XA-DONGDANG", role) for role in ("secretary", "reviewer",
                                                                                      "approver"))
    made = {}
    for org, people, docs in (
        ("XA-LOCBINH", people_a,
         [("QT-01", "Đăng ký khai sinh", "process", "1.001193"),
          ("QT-02", "Kiểm soát tài liệu", "system_procedure", None)]),
        ("XA-DONGDANG", people_b,
         [("QT-01", "Đăng ký kết hôn", "process", "1.000894"),
          ("QT-03", "Khai sinh Đồng Đăng", "process", "1.001193")]),
    ):
        for code, title, kind, tthc in docs:
            document = lifecycle.create_document(session, people[0], organization_code=org, code=code, title=title,
                                                 kind=kind, procedure_code=tthc)
            with days_ago(days) as then:
                make_effective(session, files, document, people[0], people[1], people[2], then, make_docx(title))
            made[f"{org}:{code}"] = document.id
        procedures.import_procedures(session, people[0], org, "ds.csv", CATALOGUE.format(
            time="Trong ngày" if org == "XA-LOCBINH" else "01 ngày làm việc").encode("utf-8-sig"))
    backdate(session, days)
    return made


#: The day the communes of 2025 were merged, and the day before it.
MERGED_ON = date(2025, 7, 1)
DAY_BEFORE = date(2025, 6, 30)


def merged_on_1_july_2025(session: Session, files: FileStore, people_a: tuple[User, User, User], admin: User,
                          today: date) -> dict[str, int]:
    """The two communes, their documents in force from 2 June 2025, merged into Lộc Bình (mới) on 1 July 2025."""
    from qms.accounts import restructure

    made = two_communes(session, files, people_a, today, days=(today - date(2025, 6, 2)).days)
    restructure.carry_out(session, admin, **MERGER, effective_on=MERGED_ON, today=today, resolutions=RESOLVED)
    return made


def records_before_merger(session: Session, files: FileStore, people_a: tuple[User, User, User], today: date,
                          days: int = 20) -> dict[str, int]:
    """Lộc Bình's records of the year, made ``days`` (20) days ago: a publication made known everywhere, an internal
    audit with a nonconformity on QT-01 whose action is overdue, a management review, an approved objective and
    the year's confirmation; Đồng Đăng's publication and confirmation of the same year. Their ids by name."""
    secretary, _reviewer, approver = people_a
    b_secretary, b_approver = (session.scalar(select(User).where(User.username == name))
                               for name in ("bsecretary", "bapprover"))
    assert b_secretary is not None and b_approver is not None
    made: dict[str, int] = {}
    with days_ago(days) as then:
        for key, actor, org, number in (("publication_a", secretary, "XA-LOCBINH", "12/QĐ-UBND"),
                                        ("publication_b", b_secretary, "XA-DONGDANG", "07/QĐ-UBND")):
            made[key] = publications.create(
                session, files, actor, org, number=number, signed_on=then, signer="Chủ tịch UBND xã",
                upload=Upload(io.BytesIO(minimal_pdf(f"Quyet dinh {key}")), "quyet-dinh.pdf"), today=then,
                posted_office_on=then, posted_website_on=then, website_url="https://xa.langson.gov.vn",
                notified_on=then, notified_to="Sở Khoa học và Công nghệ").id
        audit = internal_audits.create(session, files, secretary, "XA-LOCBINH", starts_on=then, ends_on=then,
                                       auditors=["Nguyễn Văn An"], processes=["QT-01"], report=None, today=then)
        document_id = session.scalar(select(Document.id).where(Document.code == "QT-01",
                                                               Document.organization.has(code="XA-LOCBINH")))
        assert document_id is not None
        finding = internal_audits.add_finding(session, secretary, audit.id, kind="nonconformity",
                                              description="Phiếu hẹn trả không ghi giờ", document_ids=[document_id])
        made["action"] = corrective_actions.create(session, secretary, finding.id, cause="Mẫu phiếu cũ",
                                                   action="Sửa mẫu phiếu", responsible="Công chức Tư pháp",
                                                   due_on=then + timedelta(days=5)).id
        made["audit"] = audit.id
        made["review"] = management_reviews.create(
            session, files, approver, "XA-LOCBINH", held_on=then, chair="Chủ tịch UBND xã",
            inputs={"audit_results": "Một điểm không phù hợp"}, decisions="Sửa mẫu phiếu hẹn", minutes=None,
            today=then).id
        objective = objectives.create(session, secretary, "XA-LOCBINH", year=then.year,
                                      title="100% hồ sơ trả đúng hạn", target="100%")
        objectives.approve(session, approver, objective.id)
        made["objective"] = objective.id
        for key, actor, org in (("confirmation_a", approver, "XA-LOCBINH"), ("confirmation_b", b_approver,
                                                                                 "XA-DONGDANG")):
            made[key] = confirmations.confirm(session, files, actor, org, year=then.year, statement=None,
                                              upload=None, today=then).id
    return made


def more_records(session: Session, files: FileStore, secretary: User, approver: User, code: str, count: int,
                 days: int, first: int = 0) -> None:
    """``count`` more of each kind of record of the organisation, made ``days`` ago, numbered from ``first``: a
    publication, an internal audit with a nonconformity on each of two documents (one action open, one verified)
    and an observation, a management review, an approved objective with a result, a confirmation of an earlier
    year. Every file has the same bytes, with a text layer: search reads it at once, and once."""
    scan = minimal_pdf("Quyet dinh va bang chung cua ho so")
    documents = list(session.scalars(select(Document.id).where(Document.organization.has(code=code))
                                     .order_by(Document.id).limit(2)))
    assert len(documents) == 2
    with days_ago(days) as then:
        for n in range(first, first + count):
            publications.create(
                session, files, secretary, code, number=f"{100 + n}/QĐ-UBND", signed_on=then, signer="Chủ tịch",
                upload=Upload(io.BytesIO(scan), f"quyet-dinh-{n}.pdf"), today=then)
            audit = internal_audits.create(session, files, secretary, code, starts_on=then, ends_on=then,
                                           auditors=[f"Chuyên gia {n}"], processes=["QT-01"], report=None, today=then)
            for index, document_id in enumerate(documents):
                finding = internal_audits.add_finding(session, secretary, audit.id, kind="nonconformity",
                                                      description=f"Phát hiện {n}.{index}", document_ids=[document_id])
                action = corrective_actions.create(session, secretary, finding.id, cause="Nguyên nhân",
                                                   action="Khắc phục", responsible="Công chức",
                                                   due_on=then + timedelta(days=index))
                if index:
                    corrective_actions.verify(
                        session, files, approver, action.id, note=None, today=then,
                        evidence_file=Upload(io.BytesIO(scan), f"bang-chung-{n}.pdf"))
            internal_audits.add_finding(session, secretary, audit.id, kind="observation",
                                        description=f"Lưu ý {n}", document_ids=documents)
            management_reviews.create(session, files, approver, code, held_on=then, chair=f"Chủ tịch {n}",
                                      inputs={"audit_results": "Đã khắc phục"}, decisions=f"Quyết định {n}",
                                      minutes=None, today=then)
            objective = objectives.create(session, secretary, code, year=then.year, title=f"Mục tiêu {n}",
                                          target="100%")
            objectives.approve(session, approver, objective.id)
            objectives.record_result(session, secretary, objective.id, measured_on=then, value="98%", note=None,
                                     today=then)
            confirmations.confirm(session, files, approver, code, year=then.year - 1 - n, statement=None,
                                  upload=None, today=then)
