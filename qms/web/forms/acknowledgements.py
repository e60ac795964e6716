"""The secretary's choice of the people who must read a document (the reader's confirmation is a bare button)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from qms.web.forms.common import NOT_A_CHOICE, MultiCheckboxField


class ReadersForm(FlaskForm):
    """None ticked: every member of the organisation reads the document."""

    usernames = MultiCheckboxField(_l("Người cần đọc"), choices=[], invalid_choice_message=NOT_A_CHOICE)
