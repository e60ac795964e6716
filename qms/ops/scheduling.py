"""Dated transitions happen by themselves: approved revisions take effect on their date, legal
changes that come into force on a date open their review items that day, restructures scheduled for a
day are carried out on it, the day's reminders go out, and the audit chain's head is anchored outside the
database once a day."""

from __future__ import annotations

import logging

from flask import Flask, request

from qms import clock, tasks
from qms.accounts import restructure_schedule
from qms.audit import anchors
from qms.documents import lifecycle
from qms.extensions import db
from qms.legal import reviews
from qms.ops import reminders

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.extensions["qms.reviews_refreshed_on"] = None
    app.extensions["qms.anchored_on"] = None
    app.extensions["qms.restructured_on"] = None
    app.extensions["qms.reminded_on"] = None

    @app.before_request
    def _catch_up_with_the_calendar() -> None:
        if request.endpoint == "static" or request.blueprint == "health":
            return  # a health probe must answer without the database
        today = clock.today()
        # One indexed query per request; the first request on the day does the work.
        lifecycle.take_effect_due(db.session, today)
        # Reading every citation is heavier: once a day per process (and after every change that matters).
        if app.extensions["qms.restructured_on"] != today:
            # Before the reviews: a restructure withdraws duplicate processes, which closes their review items.
            restructure_schedule.carry_out_due(db.session, today)
            app.extensions["qms.restructured_on"] = today
        if app.extensions["qms.reviews_refreshed_on"] != today:
            reviews.refresh_reviews(db.session, today)
            app.extensions["qms.reviews_refreshed_on"] = today
        if app.extensions["qms.reminded_on"] != today:
            reminders.send_due_reminders(db.session, today)
            tasks.enqueue_notices(db.session)
            app.extensions["qms.reminded_on"] = today
        if app.extensions["qms.anchored_on"] != today:
            try:
                anchors.anchor_daily(db.session, anchors.anchor_file(app), today)
            except OSError:
                # Serving goes on; the next request tries again.
                log.exception("audit anchor not written", extra={"path": str(anchors.anchor_file(app).path)})
                return
            app.extensions["qms.anchored_on"] = today
