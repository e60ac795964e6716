"""What several forms share: the choices of kinds, statuses and roles, the messages of a bad choice or date."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    SelectMultipleField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from qms.accounts.permissions import ROLE_LABELS
from qms.documents.reading import KIND_LABELS, STATUS_LABELS

# The services' labels are Vietnamese; translated when the form is drawn.
KIND_CHOICES = [SelectChoice(kind.value, _l(label)) for kind, label in KIND_LABELS.items()]


STATUS_CHOICES = [SelectChoice(status.value, _l(label)) for status, label in STATUS_LABELS.items()]


ROLE_CHOICES = [SelectChoice(role.value, _l(label)) for role, label in ROLE_LABELS.items()]


NOT_A_CHOICE = _l("Lựa chọn không hợp lệ.")


NOT_A_DATE = _l("Ngày không hợp lệ (nhập theo dạng dd/mm/yyyy).")


def first_error(form: FlaskForm) -> str:
    """The first message of a form that did not validate, to show at the top of the page."""
    return str(next(message for messages in form.errors.values() for message in messages))


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of labelled checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
