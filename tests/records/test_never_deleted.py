"""Records are evidence: the database itself refuses to delete them, on both backends."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import DatabaseError
from support.factories import minimal_pdf

from qms.models import Publication, QualityObjective
from qms.records import objectives, publications
from qms.records.evidence import Upload


def test_a_record_cannot_be_deleted(session, files, secretary, today):
    publications.create(session, files, secretary, "XA-LOCBINH", number="45/QĐ-UBND", signed_on=today,
                        signer="Lý Văn Đức", upload=Upload(io.BytesIO(minimal_pdf("QD")), "qd.pdf"), today=today,
                        scope=["1.001193"])
    objectives.create(session, secretary, "XA-LOCBINH", year=today.year, title="Đúng hạn", target="100%")
    for model in (Publication, QualityObjective):
        with pytest.raises(DatabaseError, match="never deleted"):
            session.execute(delete(model))
            session.flush()
        session.rollback()
        assert session.scalar(select(func.count()).select_from(model)) == 1
