"""A revision's legal basis: extracted at upload (called here as add_revision will), corrected, read with status."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from support.factories import FIXTURES, fixture_file, make_docx, make_effective, upload

from qms.database import unit_of_work
from qms.documents import reading
from qms.errors import Conflict, Forbidden, Invalid, NotFound
from qms.legal import csv_import
from qms.legal import register as legal
from qms.legal.basis import basis, extract_basis, set_basis
from qms.legal.status import LegalStatus
from qms.models import AuditEntry, Citation, LegalDocument

HT04_1, HT04_2 = "QT-HT-04_trich-luc_lan-01.docx", "QT-HT-04_trich-luc_lan-02.docx"


def extracted(session, revision):
    """What add_revision will do inside its unit of work."""
    with unit_of_work(session):
        return extract_basis(session, revision)


def upload_fixture(session, files, secretary, document, name):
    revision = upload(session, files, secretary, document, fixture_file(name), summary="Ban hành", filename=name)
    extracted(session, revision)
    return revision


def cited(session, revision) -> list[str]:
    return [c.legal_document.number for c in session.scalars(
        select(Citation).where(Citation.revision_id == revision.id).order_by(Citation.id)
    )]


@pytest.fixture
def register(session, admin, today):
    return csv_import.import_csv(session, admin, (FIXTURES / "legal_documents.csv").read_bytes(), today=today)


# --- extraction ----------------------------------------------------------------------------------


def test_issue_1_cites_the_one_stop_shop_decree_and_unknown_numbers_become_stubs(session, files, secretary, document):
    revision = upload_fixture(session, files, secretary, document, HT04_1)
    assert cited(session, revision) == ["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "61/2018/NĐ-CP"]
    citation = session.scalar(select(Citation).where(Citation.revision_id == revision.id))
    assert citation.source == "extracted" and citation.raw == "60/2014/QH13"
    stubs = session.scalars(select(LegalDocument).order_by(LegalDocument.number))
    assert all(document.is_stub for document in stubs)
    assert session.scalar(select(LegalDocument).where(LegalDocument.number == "61/2018/NĐ-CP")).doc_type == "Nghị định"


def test_issue_2_does_not_cite_what_its_amendment_table_says_it_dropped(session, files, secretary, document, register):
    revision = upload_fixture(session, files, secretary, document, HT04_2)
    numbers = cited(session, revision)
    assert "61/2018/NĐ-CP" not in numbers
    assert numbers == ["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "118/2025/NĐ-CP", "03/2025/TT-VPCP"]
    assert session.scalar(select(func.count(LegalDocument.id)).where(LegalDocument.is_stub)) == 3  # no new stubs


def test_extraction_records_nothing_of_its_own_and_commits_nothing(session, files, secretary, document):
    revision = upload(session, files, secretary, document, fixture_file(HT04_1), filename=HT04_1)
    assert len(cited(session, revision)) == 4  # extracted by the upload itself
    set_basis(session, secretary, revision.id, [])
    entries = session.scalar(select(func.count(AuditEntry.seq)))
    with pytest.raises(RuntimeError), unit_of_work(session):
        extract_basis(session, revision)
        raise RuntimeError("the upload failed after extraction")
    assert cited(session, revision) == []
    extracted(session, revision)
    assert len(cited(session, revision)) == 4
    assert session.scalar(select(func.count(AuditEntry.seq))) == entries


def test_a_partial_number_counts_when_the_register_makes_it_unambiguous(
    session, files, secretary, registrar, document, register
):
    text = make_docx(
        "Cơ sở pháp lý", "- Nghị định 61/2018 của Chính phủ;", "- Nghị định số 123/2015;", "- Luật 99/2030;"
    )
    revision = upload(session, files, secretary, document, text)
    assert extracted(session, revision) and cited(session, revision) == ["61/2018/NĐ-CP", "123/2015/NĐ-CP"]

    legal.create_legal_document(session, registrar, number="61/2018/TT-BTC", title="Phí", today=date(2025, 12, 1))
    # The same citations in another file: the same bytes would be refused as a duplicate of the open draft.
    text = make_docx(
        "Cơ sở pháp lý", "- Nghị định 61/2018 của Chính phủ;", "- Nghị định số 123/2015;", "- Luật 99/2030;", "Bản 2."
    )
    other = upload(session, files, secretary, document, text)
    extracted(session, other)
    assert cited(session, other) == ["123/2015/NĐ-CP"]  # 61/2018 is now ambiguous; 99/2030 was never known


def test_a_file_without_text_has_no_basis_and_re_extraction_keeps_manual_entries(session, files, secretary, document):
    revision = upload_fixture(session, files, secretary, document, HT04_1)
    set_basis(session, secretary, revision.id, [*cited(session, revision), "23/2015/NĐ-CP"])
    extracted(session, revision)
    assert cited(session, revision)[-1] == "23/2015/NĐ-CP"
    blank = upload(session, files, secretary, document, make_docx("Không có căn cứ nào"))
    assert extracted(session, blank) == []


# --- corrections by the secretary ------------------------------------------------------------------


def test_corrections_resolve_partial_numbers_and_add_stubs(session, files, secretary, document, register):
    revision = upload_fixture(session, files, secretary, document, HT04_1)
    typed = ["60/2014/qh13", "Nghị định số 118/2025/ND-CP ngày 09/6/2025", "123/2015", "", "5/2026/NĐ-CP"]
    result = set_basis(session, secretary, revision.id, typed)
    assert [c.legal_document.number for c in result] == [
        "60/2014/QH13", "123/2015/NĐ-CP", "118/2025/NĐ-CP", "5/2026/NĐ-CP"
    ]
    assert {c.legal_document.number: c.raw for c in result}["118/2025/NĐ-CP"] == typed[1]
    assert {c.legal_document.number: c.source for c in result}["118/2025/NĐ-CP"] == "manual"
    assert {c.legal_document.number: c.source for c in result}["60/2014/QH13"] == "extracted"
    assert legal.get_legal_document(session, "5/2026/NĐ-CP").document.is_stub
    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "legal_basis_change"))
    details = json.loads(entry.details)
    assert details["before"] == ["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "61/2018/NĐ-CP"]
    assert details["after"] == ["60/2014/QH13", "123/2015/NĐ-CP", "118/2025/NĐ-CP", "5/2026/NĐ-CP"]
    assert details["stubs"] == ["5/2026/NĐ-CP"] and entry.revision_id == revision.id
    assert entry.actor_username == secretary.username

    set_basis(session, secretary, revision.id, ["60/2014/QH13", "123/2015/NĐ-CP", "118/2025/NĐ-CP", "5/2026/NĐ-CP"])
    assert session.scalar(select(func.count()).where(AuditEntry.action == "legal_basis_change")) == 1


def test_corrections_refuse_what_is_not_a_number(session, files, secretary, document, register):
    revision = upload_fixture(session, files, secretary, document, HT04_1)
    with pytest.raises(Invalid) as refused:
        typed = ["Nghị định một cửa", "99/2030", "Nghị định 61/2018", "61/2018/NĐ-CP"]
        set_basis(session, secretary, revision.id, typed)
    assert "«Nghị định một cửa»" in refused.value.message and "«99/2030»" in refused.value.message
    assert len(cited(session, revision)) == 4


def test_only_the_organisations_secretary_corrects_and_not_after_supersession(
    session, files, secretary, reviewer, approver, outsider, inspector, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today, fixture_file(HT04_1))
    extracted(session, first)
    for user, error in ((approver, Forbidden), (inspector, Forbidden), (outsider, NotFound)):
        with pytest.raises(error):
            set_basis(session, user, first.id, ["118/2025/NĐ-CP"])
    make_effective(session, files, document, secretary, reviewer, approver, today, fixture_file(HT04_2))
    with pytest.raises(Conflict):
        set_basis(session, secretary, first.id, ["118/2025/NĐ-CP"])


# --- reading ---------------------------------------------------------------------------------------


def test_the_basis_shows_each_documents_status_as_of_today(session, files, secretary, staff, inspector, outsider,
                                                            reviewer, approver, document, register, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today, fixture_file(HT04_1))
    extracted(session, revision)
    entries = {e.citation.legal_document.number: e for e in basis(session, staff, revision.id, today=today)}
    assert entries["61/2018/NĐ-CP"].status is LegalStatus.REPLACED
    assert entries["61/2018/NĐ-CP"].replaced_by == ["118/2025/NĐ-CP"]
    assert entries["61/2018/NĐ-CP"].amended_by == ["107/2021/NĐ-CP"]
    assert entries["123/2015/NĐ-CP"].status is LegalStatus.AMENDED
    assert entries["60/2014/QH13"].status is LegalStatus.IN_FORCE
    then = basis(session, inspector, revision.id, today=date(2020, 3, 10))
    assert {e.citation.legal_document.number: e.status for e in then}["61/2018/NĐ-CP"] is LegalStatus.IN_FORCE
    with pytest.raises(NotFound):
        basis(session, outsider, revision.id)
    draft = upload(session, files, secretary, document, fixture_file(HT04_2))
    with pytest.raises(NotFound):
        basis(session, staff, draft.id)
    assert reading.get_revision(session, secretary, draft.id) and len(basis(session, secretary, draft.id)) == 5
