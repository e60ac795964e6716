"""Migration 0015 fills the folded text of the documents already written, as the list filter would fold them."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from qms.listing import stored_folded
from qms.ops.schema import alembic_config


def test_the_documents_written_before_get_their_folded_text(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0016")
        connection.execute(text(
            "INSERT INTO documents (id, organization_id, code, title, kind, procedure_code, status,"
            " review_interval_months, created_at, created_by_id) VALUES"
            " (1, 1, 'QT-HT-04', 'Cấp bản sao trích lục hộ tịch', 'process', '2.000635', 'active', 12,"
            " '2025-01-01 00:00:00', 1), (2, 1, 'QT-NB-01', 'Tiếp công dân', 'internal_process', NULL, 'active', 12,"
            " '2025-01-01 00:00:00', 1)"
        ))
        command.upgrade(config, "0017")
        stored = dict(connection.execute(text("SELECT id, folded_text FROM documents")).all())
    engine.dispose()
    assert stored == {1: stored_folded("QT-HT-04", "Cấp bản sao trích lục hộ tịch", "2.000635"),
                      2: stored_folded("QT-NB-01", "Tiếp công dân", None)}
    assert stored[1] == " qt ht 04 cap ban sao trich luc ho tich 2 000635"
