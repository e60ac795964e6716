"""The workflow table is the one home of who does what when: the page and the API offer exactly what it says, and
the service accepts exactly that."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from support.factories import make_docx, upload
from support.pages import signed_in

from qms.documents import lifecycle, workflow
from qms.errors import Conflict, Forbidden, NotFound
from qms.files.store import FileStore
from qms.models import Document, Revision, RevisionStatus, User

ROLES = ("secretary", "reviewer", "approver", "staff", "inspector", "outsider")
STATUSES = (RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW, RevisionStatus.REVIEWED)
_uploads = itertools.count(1)


def _revision_in(session: Session, files: FileStore, people: dict[str, User], document: Document,
                 status: RevisionStatus, today: date) -> Revision:
    # Each revision its own bytes: the same file as an open revision is refused as a duplicate.
    revision = upload(session, files, people["secretary"], document, make_docx(f"Bản số {next(_uploads)}"))
    if status is not RevisionStatus.DRAFT:
        lifecycle.act(session, people["secretary"], revision.id, "submit", today=today)
    if status is RevisionStatus.REVIEWED:
        lifecycle.act(session, people["reviewer"], revision.id, "pass", today=today, comment="Đã xem")
    assert revision.status is status
    return revision


def _expected(user: User, revision: Revision) -> list[str]:
    """What the table says, read without the code under test: the status's actions whose roles the user holds here."""
    if user.organization_id != revision.document.organization_id:
        return []
    return [action for action, roles in workflow.TABLE[revision.status].items() if user.has_role(*roles)]


def _page_actions(app: Flask, user: User, revision: Revision) -> list[str]:
    html = signed_in(app, user).get(f"/documents/{revision.document_id}").get_data(as_text=True)
    url = f"/revisions/{revision.id}/actions"
    forms = re.findall(r'<form[^>]*action="' + re.escape(url) + r'"[^>]*>(.*?)</form>', html, re.S)
    actions = [re.search(r'name="action" value="(\w+)"', form).group(1) for form in forms]
    return [action for action in actions if action != "withdraw"]


@pytest.mark.parametrize("status", STATUSES, ids=lambda s: s.value)
def test_page_and_api_offer_what_the_table_says(app, session, files, document, today, bearer, status, request):
    people = {role: request.getfixturevalue(role) for role in ROLES}
    revision = _revision_in(session, files, people, document, status, today)
    client = app.test_client()
    for role, user in people.items():
        expected = _expected(user, revision)
        assert workflow.offered(user, revision) == expected, role
        if role != "outsider":
            assert _page_actions(app, user, revision) == expected, role
            answer = client.get(f"/api/v1/revisions/{revision.id}", headers=bearer(user))
            if answer.status_code == 200:
                assert answer.get_json()["actions"] == expected, role
            else:  # staff see current revisions only, and are offered nothing on the others
                assert (answer.status_code, expected) == (404, []), role


@pytest.mark.parametrize("status", STATUSES, ids=lambda s: s.value)
def test_the_service_accepts_what_is_offered_and_refuses_the_rest(session, files, document, today, status, request):
    people = {role: request.getfixturevalue(role) for role in ROLES if role != "outsider"}
    for action in workflow.ACTIONS:
        if action == "withdraw":
            continue
        for role, user in people.items():
            revision = _revision_in(session, files, people, document, status, today)
            offered = action in workflow.offered(user, revision)
            try:
                lifecycle.act(session, user, revision.id, action, today=today, comment="Cần sửa", effective_from=today)
            except (Forbidden, Conflict, NotFound) as refused:
                assert not offered, f"{role} was offered {action} on a {status.value} revision: {refused.code}"
                # A revision left open blocks the next approval; end it as the approver would.
                if revision.status is RevisionStatus.REVIEWED:
                    lifecycle.act(session, people["approver"], revision.id, "return", today=today, comment="x")
            else:
                assert offered, f"{role} did {action} on a {status.value} revision without being offered it"
                session.refresh(revision)
                if revision.status is RevisionStatus.REVIEWED:
                    lifecycle.act(session, people["approver"], revision.id, "return", today=today, comment="x")
