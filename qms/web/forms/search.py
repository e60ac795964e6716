"""The search form, read from the query string so a search is a link people can share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from qms.search.query import CATEGORY_LABELS
from qms.search.record_entries import RECORD_KIND_LABELS
from qms.web.forms.common import KIND_CHOICES, NOT_A_CHOICE, NOT_A_DATE, STATUS_CHOICES

#: A record's kind filters like a document's: the facets of a search link to both.
RECORD_KIND_CHOICES = [SelectChoice(kind.value, _l(label)) for kind, label in RECORD_KIND_LABELS.items()]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Từ khoá"),
        render_kw={"type": "search", "placeholder": _l("Ví dụ: cap ban sao trich luc, QT-HT-04, 61/2018")},
    )
    organization = SelectField(_l("Đơn vị"), choices=[SelectChoice("", _l("Đơn vị của tôi"))], default="",
                               invalid_choice_message=NOT_A_CHOICE)
    category = SelectField(
        _l("Tài liệu hay hồ sơ"),
        choices=[SelectChoice("", _l("Tài liệu và hồ sơ")),
                 *(SelectChoice(value, _l(label)) for value, label in CATEGORY_LABELS.items())],
        default="", invalid_choice_message=NOT_A_CHOICE,
    )
    kind = SelectField(_l("Loại tài liệu"),
                       choices=[SelectChoice("", _l("Tất cả các loại")), *KIND_CHOICES, *RECORD_KIND_CHOICES],
                       default="",
                       invalid_choice_message=NOT_A_CHOICE)
    status = SelectField(
        _l("Trạng thái"),
        choices=[SelectChoice("", _l("Đang hiệu lực")), SelectChoice("all", _l("Mọi trạng thái")),
                 *[c for c in STATUS_CHOICES if c.value != "effective"]],
        default="", invalid_choice_message=NOT_A_CHOICE,
    )
    procedure = StringField(_l("Mã TTHC"), validators=[Optional()])
    effective_from = DateField(_l("Hiệu lực từ ngày"), format=["%d/%m/%Y", "%Y-%m-%d"], validators=[Optional()],
                               render_kw={"placeholder": "dd/mm/yyyy"}, description=None)
    effective_to = DateField(_l("đến ngày"), format=["%d/%m/%Y", "%Y-%m-%d"], validators=[Optional()],
                             render_kw={"placeholder": "dd/mm/yyyy"})
    as_of = DateField(_l("Đơn vị như vào ngày"), format=["%d/%m/%Y", "%Y-%m-%d"], validators=[Optional()],
                      render_kw={"placeholder": "dd/mm/yyyy"},
                      description=_l("Tài liệu đơn vị (và đơn vị trực thuộc) sở hữu vào ngày ấy; mặc định hôm nay."))
    sort = SelectField(_l("Sắp xếp"),
                       choices=[SelectChoice("relevance", _l("Phù hợp nhất")), SelectChoice("date", _l("Mới nhất"))],
                       default="relevance", invalid_choice_message=NOT_A_CHOICE)
    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=10_000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in (self.effective_from, self.effective_to):
            field.gettext = lambda _message: NOT_A_DATE
