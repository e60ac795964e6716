"""Full-text search: a local Whoosh index per process group, kept current from the database's log."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Response, current_app

from qms.search.index import IndexUnavailable, SearchIndex
from qms.search.log import PENDING

logger = logging.getLogger(__name__)

__all__ = ["IndexUnavailable", "SearchIndex", "init_app", "search_index"]


def init_app(app: Flask) -> None:
    root = app.config.get("INDEX_DIR") or Path(app.config["STORAGE_DIR"]) / "index"
    app.extensions["qms.search"] = SearchIndex(
        Path(root),
        writer_timeout=float(app.config["INDEX_WRITER_TIMEOUT"]),
        build_processes=int(app.config["INDEX_BUILD_PROCESSES"]),
        engine=app.extensions["qms.engine"],
        files=app.extensions["qms.files"],
    )

    @app.after_request
    def _apply_index_log(response: Response) -> Response:
        # The change is committed; make it searchable now if the writer is free, else the
        # next request (or `flask qms reindex --catch-up`) will.
        from qms.extensions import db

        if db.registry.registry.has() and db.session.info.pop(PENDING, False):
            try:
                search_index(current_app).apply_log(db.engine)
            except IndexUnavailable as error:
                logger.warning("search index not updated: %s", error)
        return response


def search_index(app: Flask) -> SearchIndex:
    index: SearchIndex = app.extensions["qms.search"]
    return index
