"""Forms of periodic review: the approver's outcome, and the organisation's interval per kind."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import NumberRange, Optional

from qms.models import ReviewOutcome
from qms.periodic_review.intervals import MAX_MONTHS, MIN_MONTHS
from qms.periodic_review.outcomes import OUTCOME_LABELS

OUTCOME_CHOICES = [SelectChoice(outcome.value, _l(label)) for outcome, label in OUTCOME_LABELS.items()]


class PeriodicReviewForm(FlaskForm):
    #: Checked by the service (qms.periodic_review.outcomes), after the role.
    outcome = RadioField(_l("Kết quả xem xét"), choices=OUTCOME_CHOICES, default=ReviewOutcome.NO_CHANGE.value,
                         validate_choice=False)
    reason = TextAreaField(_l("Lý do, nhận xét"), render_kw={"rows": 3})


class IntervalForm(FlaskForm):
    """One kind's interval; blank: the kind's default."""

    months = IntegerField(
        _l("Số tháng"), validators=[Optional(), NumberRange(MIN_MONTHS, MAX_MONTHS, _l(
            "Chu kỳ xem xét phải từ %(min)s đến %(max)s tháng.", min=MIN_MONTHS, max=MAX_MONTHS))]
    )
