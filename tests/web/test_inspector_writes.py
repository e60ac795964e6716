"""Inspectors change nothing: every write rule of the application, page or API, refuses them and changes no row.

The rules are read from ``app.url_map``, so a write endpoint added later is covered without editing this file.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select
from support.factories import make_docx, make_effective, upload
from support.pages import signed_in

from qms import clock
from qms.legal import proposals, register
from qms.legal.reviews import refresh_reviews
from qms.models import (
    AuditEntry,
    Citation,
    Document,
    DocumentProcedure,
    LegalDocument,
    LegalProposal,
    LegalReview,
    Organization,
    Procedure,
    Revision,
    User,
    UserRole,
)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Signing in and out change no data; they are not writes.
# The language switch changes only the visitor's own session, like signing in and out; revoking one's own API
# token only ends one's own access, and changing one's own password concerns only one's own account: an inspector
# may do both.
NOT_WRITES = {
    "auth.login", "auth.logout", "language.choose", "tokens.revoke", "auth.password", "api_me.change_password",
    # One's own e-mail address, notice preference and notices concern only oneself too.
    "account.settings", "notices.mark_read", "api_me.update_me", "api_notifications.mark_read",
}
COUNTED = (AuditEntry, Document, Revision, Citation, LegalDocument, LegalReview, Organization, User, UserRole,
           Procedure, DocumentProcedure, LegalProposal)


@pytest.fixture
def world(session, files, admin, secretary, reviewer, approver, document, today):
    """Something for every write rule to aim at: a current and a draft revision, a review item, a legal document."""
    register.create_legal_document(session, admin, number="61/2018/NĐ-CP", title="Một cửa",
                                effective_from=date(2018, 6, 21), today=clock.today())
    register.create_legal_document(session, admin, number="118/2025/NĐ-CP", title="Một cửa",
                                effective_from=date(2025, 7, 1), replaces=["61/2018/NĐ-CP"], today=clock.today())
    current = make_effective(session, files, document, secretary, reviewer, approver, today,
                             make_docx("Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018."))
    draft = upload(session, files, secretary, document, make_docx("Lần 2"), "Sửa đổi")
    refresh_reviews(session, today)
    review = session.scalar(select(LegalReview.id))
    assert review is not None
    proposal = proposals.propose(session, secretary, kind="update", number="61/2018/NĐ-CP", changes={"issuer": "CP"})
    return {
        "proposal_id": proposal.id,
        "document_id": document.id, "revision_id": draft.id, "review_id": review, "user_id": secretary.id,
        "organization_id": secretary.organization_id, "number": "61/2018/NĐ-CP", "code": "XA-LOCBINH",
        "current": current,
    }


def counts(session) -> dict[str, int]:
    session.expire_all()
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def write_rules(app, *, api: bool) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every write rule, pages or API."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_WRITES or rule.endpoint == "static":
            continue
        if rule.rule.startswith("/api/") != api:
            continue
        for method in sorted((rule.methods or set()) & WRITE_METHODS):
            found.append((rule.endpoint, method, rule.rule))
    return found


def url(app, endpoint: str, method: str, values: dict) -> str:
    adapter = app.url_map.bind("localhost")
    rule = next(r for r in app.url_map.iter_rules(endpoint) if method in (r.methods or set()))
    # An identifier the world does not hold names nothing: the refusal must come before any lookup.
    return adapter.build(endpoint, {name: values.get(name, 2147483647) for name in rule.arguments}, method=method)


def form_data(today: date) -> dict:
    """Plausible fields for every form, so that a refusal cannot come from a form that did not validate."""
    return {
        "code": "QT-MOI", "title": "Quy trình mới", "kind": "process", "procedure_code": "1.001193",
        "action": "approve", "comment": "Đồng ý", "reason": "Không cần sửa",
        "effective_from": today.strftime("%d/%m/%Y"),
        "change_summary": "Sửa đổi", "numbers": "61/2018/NĐ-CP", "number": "15/2014/QH13", "name": "Đơn vị mới",
        "username": "nguoimoi", "full_name": "Người Mới", "password": "mat-khau-rat-dai", "roles": "secretary",
        "organization": "XA-LOCBINH", "type": "Luật",
    }


def test_the_walk_finds_the_write_rules(app):
    pages = {endpoint for endpoint, _method, _rule in write_rules(app, api=False)}
    api = {endpoint for endpoint, _method, _rule in write_rules(app, api=True)}
    assert {"documents.new", "documents.act", "documents.upload", "admin.user_new", "legal.resolve"} <= pages
    assert {"api_documents.create_document", "api_revisions.act", "api_legal.update_legal_document"} <= api


def test_every_page_form_refuses_an_inspector_and_changes_nothing(app, session, inspector, world, today):
    client = signed_in(app, inspector)
    before = counts(session)
    refused = []
    for endpoint, method, _rule in write_rules(app, api=False):
        data = {**form_data(today), "file": (io.BytesIO(make_docx("x")), "quy-trinh.docx")}
        response = client.open(url(app, endpoint, method, world), method=method, data=data,
                               content_type="multipart/form-data")
        refused.append((endpoint, method, response.status_code))
    assert [item for item in refused if item[2] not in (403, 404)] == []
    assert counts(session) == before
    assert client.post("/logout").status_code == 302  # signing out still works


def test_every_api_write_refuses_an_inspectors_token_and_changes_nothing(app, client, bearer, session, inspector,
                                                                        world, today):
    headers = bearer(inspector)
    before = counts(session)
    refused = []
    for endpoint, method, _rule in write_rules(app, api=True):
        target = url(app, endpoint, method, world)
        response = client.open(target, method=method, json=form_data(today) | {"effective_from": today.isoformat()},
                               headers=headers)
        refused.append((endpoint, method, response.status_code))
        multipart = client.open(target, method=method, headers=headers, content_type="multipart/form-data",
                                data={**form_data(today), "file": (io.BytesIO(make_docx("x")), "quy-trinh.docx")})
        refused.append((endpoint, method, multipart.status_code))
    assert [item for item in refused if item[2] not in (403, 404)] == []
    assert counts(session) == before


def test_the_refusal_says_why(app, client, bearer, inspector, world):
    response = client.post(f"/api/v1/revisions/{world['revision_id']}/actions", json={"action": "approve",
        "comment": "Đã xem"},
                           headers=bearer(inspector))
    error = response.get_json()["error"]
    assert response.status_code == 403 and error["code"] == "role_required"
    assert error["message"] == "Đoàn kiểm tra chỉ được xem, không được thay đổi dữ liệu."
    page = signed_in(app, inspector)
    refused = page.post("/documents/new", data={"code": "QT-X", "title": "X", "kind": "process"})
    assert refused.status_code == 403 and "Cần vai trò Thư ký ISO của đơn vị" in refused.get_data(as_text=True)


def test_an_inspector_who_also_holds_a_writing_role_is_judged_by_the_rules(app, session, agency):
    from support.factories import make_user

    both = make_user(session, "kiemtra-thuky", "SO-KHCN", "inspector", "secretary")
    client = signed_in(app, both)
    created = client.post("/documents/new", data={"code": "QT-SO-01", "title": "Quy trình của Sở", "kind": "process"})
    assert created.status_code == 302  # a secretary of the department writes in the department


def test_an_inspectors_page_download_of_an_old_revision_is_logged(app, session, files, secretary, reviewer, approver,
                                                                   inspector, world, today):
    old = world["current"]
    make_effective(session, files, session.get(Document, world["document_id"]), secretary, reviewer, approver, today,
                   make_docx("Lần 3"), "Lần 3")
    client = signed_in(app, inspector)
    downloads = select(AuditEntry).where(AuditEntry.action == "download").order_by(AuditEntry.seq.desc())
    before = len(session.scalars(downloads).all())
    assert client.get(f"/revisions/{old.id}/download").status_code == 200
    session.expire_all()
    assert len(session.scalars(downloads).all()) == before + 1
    entry = session.scalars(downloads).first()
    assert (entry.actor_username, entry.revision_id) == ("doankiemtra", old.id)
