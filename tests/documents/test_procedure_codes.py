"""A TTHC code must be on the organisation's catalogue when it has one; an empty catalogue takes any well-formed code
and the document is marked as not in the catalogue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qms.documents import lifecycle
from qms.errors import Invalid
from qms.models import AuditEntry, Organization, Procedure


def _create(session, secretary, code, procedure_code):
    return lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code=code, title="Quy trình", kind="process",
        procedure_code=procedure_code,
    )


def test_an_empty_catalogue_takes_a_well_formed_code_marked_as_not_in_it(session, secretary):
    document = _create(session, secretary, "QT-01", "9.999999")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "create")).one()
    assert document.procedure_code == "9.999999" and '"in_catalogue":false' in entry.details.replace(" ", "")


def test_a_code_not_on_the_catalogue_is_refused(client, session, secretary, bearer):
    organization = session.scalar(select(Organization).where(Organization.code == "XA-LOCBINH"))
    session.add(Procedure(organization_id=organization.id, code="1.001193", name="Đăng ký khai sinh"))
    session.commit()
    with pytest.raises(Invalid) as refused:
        _create(session, secretary, "QT-02", "9.999999")
    assert refused.value.code == "unknown_procedure" and "9.999999" in refused.value.message
    assert _create(session, secretary, "QT-03", "1.001193").procedure_code == "1.001193"
    answer = client.post("/api/v1/documents", headers=bearer(secretary), json={
        "organization": "XA-LOCBINH", "code": "QT-04", "title": "Quy trình", "kind": "process",
        "procedure_code": "9.999999",
    })
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["error"]["code"] == "unknown_procedure"
