"""Dated transitions happen by themselves: approved revisions take effect on their date."""

from __future__ import annotations

from flask import Flask, request

from qms import clock, documents
from qms.extensions import db


def init_app(app: Flask) -> None:
    @app.before_request
    def _take_effect_due() -> None:
        # One indexed query per request; the work is done by whichever request comes first on the day.
        if request.endpoint == "static":
            return
        documents.take_effect_due(db.session, clock.today(app.config["TIMEZONE"]))
