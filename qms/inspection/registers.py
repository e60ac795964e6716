"""The registers an ISO secretary must keep, generated from the data as of a day, never typed.

- internal: the internal documents in force (danh mục tài liệu nội bộ);
- external: the standard and the model-framework decision the whole system rests on, then the legal documents the
  documents in force cite, with their status (danh mục tài liệu bên ngoài);
- amendments: every revision with its change description and approver (sổ theo dõi sửa đổi tài liệu).
They are read by the organisation's control roles and by inspectors; ``viewer`` None is the operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock
from qms.accounts import permissions
from qms.documents import as_of as state_on
from qms.documents.reading import KIND_LABELS, STATUS_LABELS
from qms.errors import NotFound
from qms.exports.xlsx import Cell
from qms.legal.status import STATUS_LABELS as LEGAL_STATUS_LABELS
from qms.legal.status import LegalStatus, incoming_relations, status_on, triggers
from qms.models import Citation, DocumentKind, LegalDocument, Organization, RelationKind, RevisionStatus, User
from qms.periodic_review import schedule

INTERNAL, EXTERNAL, AMENDMENTS = "internal", "external", "amendments"
KINDS = (INTERNAL, EXTERNAL, AMENDMENTS)

TITLES = {
    INTERNAL: "DANH MỤC TÀI LIỆU NỘI BỘ",
    EXTERNAL: "DANH MỤC TÀI LIỆU BÊN NGOÀI",
    AMENDMENTS: "SỔ THEO DÕI SỬA ĐỔI TÀI LIỆU",
}
LABELS = {
    INTERNAL: "Danh mục tài liệu nội bộ",
    EXTERNAL: "Danh mục tài liệu bên ngoài",
    AMENDMENTS: "Sổ theo dõi sửa đổi tài liệu",
}
FILE_STEMS = {
    INTERNAL: "danh-muc-tai-lieu-noi-bo",
    EXTERNAL: "danh-muc-tai-lieu-ben-ngoai",
    AMENDMENTS: "so-theo-doi-sua-doi-tai-lieu",
}
_HEADINGS = {
    INTERNAL: ["STT", "Mã hiệu", "Tên tài liệu", "Loại tài liệu", "Lần ban hành", "Ngày ban hành", "Ngày hiệu lực",
               "Hạn xem xét định kỳ"],
    EXTERNAL: ["STT", "Số, ký hiệu", "Loại văn bản", "Trích yếu", "Cơ quan ban hành", "Ngày ban hành",
               "Ngày hiệu lực", "Tình trạng", "Tài liệu viện dẫn"],
    AMENDMENTS: ["STT", "Mã hiệu", "Tên tài liệu", "Phiên bản", "Lần ban hành", "Nội dung sửa đổi", "Người soạn thảo",
                 "Ngày tải lên", "Người phê duyệt", "Ngày phê duyệt", "Ngày hiệu lực", "Tình trạng"],
}


@dataclass(frozen=True)
class Basis:
    """An external document every agency's quality system rests on, whether or not a document cites it."""

    number: str
    doc_type: str
    title: str
    issuer: str
    issued_on: date
    effective_from: date | None


#: Listed first in every external register (from the legal register when it holds them, else as here).
SYSTEM_BASES = (
    Basis("TCVN ISO 9001:2015", "Tiêu chuẩn quốc gia", "Hệ thống quản lý chất lượng - Các yêu cầu",
          "Bộ Khoa học và Công nghệ", date(2015, 12, 31), None),
    Basis("101/QĐ-BKHCN", "Quyết định",
          "Công bố Mô hình khung hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 cho các cơ quan, tổ chức thuộc "
          "hệ thống hành chính nhà nước tại địa phương", "Bộ Khoa học và Công nghệ", date(2019, 1, 21),
          date(2019, 1, 21)),
)
#: What the column "Tài liệu viện dẫn" says of a basis no document cites: the system as a whole applies it.
WHOLE_SYSTEM = "Toàn bộ HTQLCL"
_KIND_ORDER = {kind: position for position, kind in enumerate(KIND_LABELS)}


@dataclass(frozen=True)
class Register:
    kind: str
    organization: Organization
    as_of: date
    rows: list[list[Cell]]

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def headings(self) -> list[str]:
        return _HEADINGS[self.kind]

    @property
    def subtitle(self) -> str:
        return f"{self.organization.name} · tình trạng tại ngày {self.as_of:%d/%m/%Y}"


def readable_organization(session: Session, viewer: User | None, organization_code: str) -> Organization:
    """The organisation if the viewer keeps or inspects its documents (its control roles, inspectors), or keeps
    those of the organisation it was merged into."""
    organization = session.scalar(select(Organization).where(Organization.code == (organization_code or "").strip()))
    if organization is None:
        raise NotFound("Không tìm thấy đơn vị.")
    # The people of a merged commune keep reading the registers of the communes merged into it.
    own = permissions.can_read(viewer, organization.id) if viewer is not None else True
    inherited = viewer is not None and organization.merged_into_id == viewer.organization_id
    if viewer is not None and not ((own or inherited) and permissions.sees_non_current(viewer)):
        raise NotFound("Không tìm thấy đơn vị.")
    return organization


def register(session: Session, viewer: User | None, organization_code: str, kind: str, *, as_of: date) -> Register:
    """One register of an organisation as it stood at the end of ``as_of``."""
    if kind not in KINDS:
        raise NotFound("Không có sổ, danh mục này.")
    organization = readable_organization(session, viewer, organization_code)
    build = {INTERNAL: _internal_rows, EXTERNAL: _external_rows, AMENDMENTS: _amendment_rows}[kind]
    return Register(kind, organization, as_of, build(session, organization.id, as_of))


def _internal_rows(session: Session, organization_id: int, day: date) -> list[list[Cell]]:
    in_force = [r for r in state_on.effective_on(session, organization_id, day)
                if r.document.kind is not DocumentKind.EXTERNAL]
    codes = state_on.codes_on(session, [r.document for r in in_force], day)
    in_force.sort(key=lambda r: (_KIND_ORDER[r.document.kind], codes[r.document_id]))
    review_due = schedule.due_on_day(session, in_force, day)
    return [
        [number, codes[r.document_id], r.document.title, KIND_LABELS[r.document.kind], r.issue_number,
         clock.local_day(r.approved_at), r.effective_from, review_due.get(r.document_id)]
        for number, r in enumerate(in_force, start=1)
    ]


def _external_rows(session: Session, organization_id: int, day: date) -> list[list[Cell]]:
    in_force = {r.id: r for r in state_on.effective_on(session, organization_id, day)}
    code_then = state_on.codes_on(session, [r.document for r in in_force.values()], day)
    citing: dict[int, list[str]] = {}
    cited: dict[int, LegalDocument] = {}
    if in_force:
        found = session.scalars(select(Citation).where(Citation.revision_id.in_(list(in_force))))
        for citation in found:
            cited[citation.legal_document_id] = citation.legal_document
            codes = citing.setdefault(citation.legal_document_id, [])
            code = code_then[in_force[citation.revision_id].document_id]
            if code not in codes:
                codes.append(code)
    bases = [basis for basis in SYSTEM_BASES if basis.issued_on <= day]
    kept = {legal.number: legal for legal in session.scalars(
        select(LegalDocument).where(LegalDocument.number.in_([basis.number for basis in bases])))}
    for basis_kept in kept.values():
        cited.setdefault(basis_kept.id, basis_kept)
    incoming = incoming_relations(session, cited)
    first: list[LegalDocument | Basis] = [kept.get(basis.number, basis) for basis in bases]
    rest = sorted((legal for legal in cited.values() if legal.number not in kept),
                  key=lambda d: (d.issued_on is None, d.issued_on or date.min, d.number))
    rows: list[list[Cell]] = []
    for number, legal in enumerate([*first, *rest], start=1):
        if isinstance(legal, Basis):
            rows.append([number, legal.number, legal.doc_type, legal.title, legal.issuer, legal.issued_on,
                         legal.effective_from, LEGAL_STATUS_LABELS[LegalStatus.IN_FORCE], WHOLE_SYSTEM])
            continue
        relations = incoming.get(legal.id, [])
        status = LEGAL_STATUS_LABELS[status_on(legal, relations, day)]
        changes = [
            f"{label} {', '.join(d.number for d in triggers(relations, kind, day))}"
            for kind, label in ((RelationKind.AMENDS, "sửa đổi, bổ sung bởi"), (RelationKind.REPLACES, "thay thế bởi"))
            if triggers(relations, kind, day)
        ]
        if changes:
            status = f"{status} ({'; '.join(changes)})"
        rows.append([number, legal.number, legal.doc_type, legal.title, legal.issuer, legal.issued_on,
                     legal.effective_from, status, ", ".join(sorted(citing.get(legal.id, []))) or WHOLE_SYSTEM])
    return rows


def _amendment_rows(session: Session, organization_id: int, day: date) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    documents = state_on.documents_on(session, organization_id, day)
    codes = state_on.codes_on(session, documents, day)
    for document in sorted(documents, key=lambda d: (codes[d.id], d.id)):
        for revision in document.revisions:
            status = state_on.status_on(revision, day)
            if status is None:
                continue
            approved = clock.local_day(revision.approved_at)
            signed = approved is not None and approved <= day
            approver = _person(revision.approved_by_name, revision.approved_by_title) if signed else ""
            state = STATUS_LABELS[status]
            if status is RevisionStatus.RETURNED and revision.return_comment:
                state = f"{state}: {revision.return_comment}"
            rows.append([
                len(rows) + 1, codes[document.id], document.title, revision.number,
                revision.issue_number if signed else None, revision.change_summary,
                _person(revision.drafted_by_name, revision.drafted_by_title), clock.local_day(revision.created_at),
                approver, approved if signed else None, revision.effective_from if signed else None, state,
            ])
    return rows


def _person(name: str | None, title: str | None) -> str:
    return ", ".join(part for part in (name, title) if part)
