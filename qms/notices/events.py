"""The event registry: each event a code and a text with named parameters, Vietnamese in the source.

The texts are message-catalogue entries (extracted as a label table, translated in translations/en) and are
rendered in the language of the person told. A text says what happened and to what (code, title, issue number, a
reviewer's comment, a date), never what a document says. A new event is one entry here and one call of
``qms.notices.service.notify`` where it happens.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any
from urllib.parse import quote

from flask_babel import gettext

from qms.errors import Invalid

REVISION_SUBMITTED = "revision_submitted"
REVISION_PASSED = "revision_passed"
REVISION_RETURNED = "revision_returned"
REVISION_APPROVED = "revision_approved"
REVISION_EFFECTIVE = "revision_effective"
LEGAL_REVIEW_OPENED = "legal_review_opened"
PERIODIC_REVIEW_DUE_SOON = "periodic_review_due_soon"
PERIODIC_REVIEW_DUE = "periodic_review_due"
PERIODIC_REVIEW_OVERDUE = "periodic_review_overdue"
ACKNOWLEDGEMENT_REQUESTED = "acknowledgement_requested"
ACKNOWLEDGEMENT_OVERDUE = "acknowledgement_overdue"

#: What each event says, with its parameters; the first line of a mail and the line of the notices page.
EVENT_LABELS = {
    REVISION_SUBMITTED: "%(code)s «%(title)s»: phiên bản %(number)s được trình, chờ bạn kiểm tra.",
    REVISION_PASSED: "%(code)s «%(title)s»: phiên bản %(number)s đã được kiểm tra đạt, chờ bạn phê duyệt.",
    REVISION_RETURNED: "%(code)s «%(title)s»: phiên bản %(number)s bị %(by)s trả lại với ý kiến: %(comment)s",
    REVISION_APPROVED: (
        "%(code)s «%(title)s»: lần ban hành %(issue_number)s đã được phê duyệt, có hiệu lực từ ngày %(effective_from)s."
    ),
    REVISION_EFFECTIVE: "%(code)s «%(title)s»: lần ban hành %(issue_number)s có hiệu lực từ ngày %(effective_from)s.",
    LEGAL_REVIEW_OPENED: (
        "%(code)s «%(title)s» viện dẫn %(cited)s, văn bản đã được %(change)s bởi %(trigger)s: cần rà soát quy trình."
    ),
    PERIODIC_REVIEW_DUE_SOON: "%(code)s «%(title)s»: đến hạn xem xét định kỳ vào ngày %(due_on)s.",
    PERIODIC_REVIEW_DUE: "%(code)s «%(title)s»: hôm nay (%(due_on)s) đến hạn xem xét định kỳ.",
    PERIODIC_REVIEW_OVERDUE: "%(code)s «%(title)s»: quá hạn xem xét định kỳ từ ngày %(due_on)s.",
    ACKNOWLEDGEMENT_REQUESTED: (
        "%(code)s «%(title)s»: lần ban hành %(issue_number)s đã có hiệu lực, đề nghị bạn đọc và xác nhận đã hiểu."
    ),
    ACKNOWLEDGEMENT_OVERDUE: (
        "%(code)s «%(title)s»: lần ban hành %(issue_number)s chưa được %(reader)s xác nhận đã đọc sau %(days)s ngày."
    ),
}

#: Where each kind of notice sends its reader: the page where the action is.
DOCUMENT_PAGE = "/documents/{document_id}"
READING_PAGE = "/revisions/{revision_id}/read#acknowledgement"
ACKNOWLEDGEMENTS_PAGE = "/documents/{document_id}/acknowledgements"
LEGAL_REVIEWS_PAGE = "/organizations/{code}/legal-reviews#review-{review_id}"

#: Words some texts take as a parameter, translated with the text.
CHANGE_LABELS = {"amends": "sửa đổi, bổ sung", "replaces": "thay thế"}

#: Parameters that hold a date (ISO in the row), written as dd/mm/yyyy in both languages.
DATE_PARAMS = frozenset({"effective_from", "due_on"})
#: Parameters whose value is a label of this module, translated before it goes into the text.
LABEL_PARAMS = {"change": CHANGE_LABELS}


class _Params(dict[str, Any]):
    """A text whose parameter is missing still renders (an older row, a newer text), with a dash in its place."""

    def __missing__(self, key: str) -> str:
        return "—"


def document_page(document_id: int) -> str:
    return DOCUMENT_PAGE.format(document_id=document_id)


def reading_page(revision_id: int) -> str:
    """The reading view, at the «Tôi đã đọc và hiểu» button."""
    return READING_PAGE.format(revision_id=revision_id)


def acknowledgements_page(document_id: int) -> str:
    return ACKNOWLEDGEMENTS_PAGE.format(document_id=document_id)


def legal_review_page(organization_code: str, review_id: int) -> str:
    return LEGAL_REVIEWS_PAGE.format(code=quote(organization_code, safe=""), review_id=review_id)


def require(event: str) -> None:
    if event not in EVENT_LABELS:
        raise Invalid(f"Sự kiện không có trong danh mục thông báo: {event}.", code="unknown_event")


def describe(event: str, params: dict[str, Any]) -> str:
    """The event's text in the current language (flask_babel's locale: the page's, or ``force_locale`` in mail)."""
    text = EVENT_LABELS.get(event)
    if text is None:
        return event
    values = _Params()
    for key, value in params.items():
        if key in DATE_PARAMS and isinstance(value, str):
            with suppress(ValueError):
                value = date.fromisoformat(value).strftime("%d/%m/%Y")
        elif key in LABEL_PARAMS and value in LABEL_PARAMS[key]:
            value = gettext(LABEL_PARAMS[key][value])
        values[key] = value
    return str(gettext(text)) % values
