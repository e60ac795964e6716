"""Publication (công bố) and re-publication (công bố lại) of the QMS, and the scope change that calls for one.

The scope published is the organisation's TTHC list on the day the decision was signed, kept as a snapshot, unless
the decision names its own list. When the catalogue later gains or loses procedures relative to the latest
publication, the item «phạm vi thay đổi — cần công bố lại» lists them; a newer publication covering the scope
closes it. The item is computed, never stored, so it is right for any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from qms import listing
from qms.accounts import permissions
from qms.catalogue import coverage
from qms.catalogue.codes import codes_match, is_valid, normalize_code
from qms.database import unit_of_work
from qms.errors import Invalid, NotFound
from qms.files.store import FileStore
from qms.models import Organization, Procedure, Publication, User
from qms.records import evidence, ownership
from qms.records.evidence import Upload

REPUBLICATION_ITEM = "Phạm vi thay đổi — cần công bố lại"


@dataclass(frozen=True)
class ScopeChange:
    """The procedures listed now that the latest publication did not cover, and those it covered that are gone."""

    publication: Publication
    added: list[Procedure]
    removed: list[str]

    @property
    def is_open(self) -> bool:
        return bool(self.added or self.removed)


def create(
    session: Session,
    files: FileStore,
    actor: User,
    organization_code: str,
    *,
    number: str | None,
    signed_on: date | None,
    signer: str | None,
    upload: Upload | None,
    today: date,
    scope: list[str] | None = None,
    posted_office_on: date | None = None,
    posted_website_on: date | None = None,
    website_url: str | None = None,
    notified_on: date | None = None,
    notified_to: str | None = None,
) -> Publication:
    """Record a publication decision with its file; the scope is the catalogue on ``signed_on`` unless given."""
    organization = evidence.writable_organization(session, actor, organization_code)
    number = evidence.text(number, "Cần ghi số quyết định công bố.", "number_required", limit=100)
    signed_on = evidence.required_date(signed_on, "Cần ghi ngày ký quyết định.", "signed_on_required")
    if signed_on > today:
        raise Invalid("Ngày ký quyết định không được sau hôm nay.", code="signed_on_future")
    signer = evidence.text(signer, "Cần ghi người ký quyết định.", "signer_required", limit=200)
    for name, day in (("posted_office_on", posted_office_on), ("posted_website_on", posted_website_on),
                      ("notified_on", notified_on)):
        if day is not None and day < signed_on:
            raise Invalid("Ngày niêm yết, đăng tải, thông báo không được trước ngày ký quyết định.", code=name)
    published = _given_scope(scope) if scope else scope_on(session, organization, signed_on)
    stored = evidence.store(files, upload, required="Cần tải lên tệp quyết định công bố.")
    assert stored is not None  # required above
    with unit_of_work(session):
        evidence.register_file(session, stored)
        publication = Publication(
            organization_id=organization.id, number=number, signed_on=signed_on, signer=signer, scope=published,
            file_sha256=stored.sha256, filename=stored.filename, posted_office_on=posted_office_on,
            posted_website_on=posted_website_on, website_url=evidence.optional_text(website_url, 500),
            notified_on=notified_on, notified_to=evidence.optional_text(notified_to, 300),
            created_by_name=actor.full_name,
        )
        session.add(publication)
        session.flush()
        evidence.audit(session, "publication_create", actor, organization.id, f"publication:{publication.id}", {
            "number": number, "signed_on": signed_on.isoformat(), "signer": signer, "scope": published,
            "scope_given": bool(scope), "filename": stored.filename,
            "posted_office_on": evidence.iso(posted_office_on), "posted_website_on": evidence.iso(posted_website_on),
            "website_url": publication.website_url, "notified_on": evidence.iso(notified_on),
            "notified_to": publication.notified_to,
        }, stored.sha256)
        evidence.searchable(session, publication)
    evidence.read_later(stored)
    return publication


def _given_scope(scope: list[str]) -> list[str]:
    codes = sorted({normalize_code(code) for code in scope if str(code).strip()})
    wrong = [code for code in codes if not is_valid(code)]
    if wrong:
        raise Invalid(f"Mã TTHC không hợp lệ trong phạm vi công bố: {', '.join(wrong[:5])}.", code="invalid_scope")
    return codes


def scope_on(session: Session, organization: Organization, day: date) -> list[str]:
    """The codes of the organisation's TTHC list on ``day``, as the coverage matcher reads the list."""
    return sorted(procedure.code for procedure in listed_on(session, organization, day))


def listed_on(session: Session, organization: Organization, day: date) -> list[Procedure]:
    covered, uncovered = coverage.coverage_on(session, organization, day)
    return sorted([item.procedure for item in covered] + uncovered, key=lambda p: p.code)


def of_organization(session: Session, organization_id: int, day: date | None = None) -> list[Publication]:
    """Latest signed first; with a day, those held then and signed by then (a merged organisation's include its
    predecessors')."""
    return _latest_first(session, ownership.held_by(Publication, organization_id, day), day)


def signed_by(session: Session, organization_id: int, day: date) -> list[Publication]:
    """The organisation's own decisions signed by ``day``: a predecessor's decision published its own scope, not
    this organisation's, so it does not count as this one's publication."""
    return _latest_first(session, ownership.made_by(Publication, organization_id, day), day)


def of_predecessors(session: Session, organization_id: int, day: date) -> list[Publication]:
    """The decisions held on ``day`` that a former organisation signed before a restructure carried them here."""
    return _latest_first(session, ownership.held_by(Publication, organization_id, day)
                         & (ownership.maker(Publication) != organization_id), day)


def _latest_first(session: Session, held: ColumnElement[bool], day: date | None) -> list[Publication]:
    query = _signed_then(held, day)
    return list(session.scalars(query.order_by(Publication.signed_on.desc(), Publication.id.desc())))


def _signed_then(held: ColumnElement[bool], day: date | None) -> Select[Publication]:
    """The publications ``held`` selects, signed by ``day`` when a day is given."""
    query = select(Publication).where(held)
    return query if day is None else query.where(Publication.signed_on <= day)


#: Latest signed first unless asked otherwise.
SORTING = listing.Sorting(
    columns={"signed_on": (Publication.signed_on,), "number": (Publication.number,), "signer": (Publication.signer,)},
    default="signed_on",
    tiebreak=(Publication.id.desc(),),
    descending_first=frozenset({"signed_on"}),
)


def publications_page(
    session: Session, viewer: User, organization_code: str, request: listing.ListRequest, *, today: date,
    as_of: date | None = None,
) -> listing.ListPage[Publication]:
    """A page of the publications the organisation holds now, or held on ``as_of`` as its records page lists them;
    the text matches the number and the signer."""
    organization = evidence.readable_organization(session, viewer, organization_code)
    day = ownership.readable_day(as_of, today)
    query = _signed_then(ownership.held_by(Publication, organization.id, day), day)
    return listing.page_of(session, query, request, SORTING, text=(Publication.number, Publication.signer))


def get(session: Session, viewer: User, publication_id: int) -> Publication:
    publication = session.get(Publication, publication_id)
    if publication is None or not permissions.can_read(viewer, publication.organization_id):
        raise NotFound("Không tìm thấy quyết định công bố.")
    return publication


def scope_change(session: Session, organization: Organization, day: date) -> ScopeChange | None:
    """The organisation's latest own publication signed by ``day`` against the list on ``day``; None when it
    published nothing itself."""
    latest = next(iter(signed_by(session, organization.id, day)), None)
    if latest is None:
        return None
    listed = listed_on(session, organization, day)
    added = [p for p in listed if not any(codes_match(code, p.code) for code in latest.scope)]
    removed = [code for code in latest.scope if not any(codes_match(code, p.code) for p in listed)]
    return ScopeChange(latest, added, removed)
