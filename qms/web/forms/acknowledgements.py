"""Forms of read-and-acknowledge: the reader's confirmation, and the secretary's choice of readers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from qms.web.forms.common import NOT_A_CHOICE, MultiCheckboxField


class AcknowledgeForm(FlaskForm):
    """«Tôi đã đọc và hiểu»: the button is the whole form."""


class ReadersForm(FlaskForm):
    """None ticked: every member of the organisation reads the document."""

    usernames = MultiCheckboxField(_l("Người cần đọc"), choices=[], invalid_choice_message=NOT_A_CHOICE)
