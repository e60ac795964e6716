"""The periodic review and the readers of a document, as its page shows them beside its revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_login import current_user

from qms.acknowledgements import requests, status
from qms.acknowledgements.status import AcknowledgementList
from qms.documents import workflow
from qms.extensions import db
from qms.models import Document, PeriodicReview
from qms.periodic_review import outcomes, schedule
from qms.periodic_review.schedule import ReviewDue
from qms.web.forms.periodic_reviews import PeriodicReviewForm


@dataclass
class ReviewPanel:
    due: ReviewDue | None
    history: list[PeriodicReview]
    task: PeriodicReview | None
    #: The approver's form, when they may record a review now.
    form: PeriodicReviewForm | None


@dataclass
class ReadingPanel:
    #: None when the viewer may not see who has read it.
    readers: AcknowledgementList | None
    narrowed: bool


def review_panel(document: Document, today: date, form: PeriodicReviewForm | None = None) -> ReviewPanel:
    may_record = workflow.may_record_review(current_user, document)
    return ReviewPanel(
        due=schedule.for_document(db.session, document, today),
        history=outcomes.history(db.session, document.id),
        task=outcomes.open_task(db.session, document.id),
        form=(form or PeriodicReviewForm(formdata=None)) if may_record else None,
    )


def reading_panel(document: Document) -> ReadingPanel:
    current = document.current_revision
    seen = current is not None and workflow.may_see_acknowledgements(current_user, document)
    return ReadingPanel(status.list_of(db.session, current) if seen and current is not None else None,
                        requests.narrowed(db.session, document.id))
