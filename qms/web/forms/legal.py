"""The forms of the legal register, legal-basis and review pages."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import TextInput

from qms.legal.proposals import STATE_LABELS as PROPOSAL_STATE_LABELS
from qms.legal.status import STATUS_LABELS
from qms.web.forms.common import NOT_A_CHOICE, NOT_A_DATE

_SEPARATORS = re.compile(r"[\n;,]+")


def numbers_of(text: str | None) -> list[str]:
    """The numbers typed in a box, one per line (or separated by ; or ,)."""
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


def _date_field(label: str) -> DateField:
    """dd/mm/yyyy as typed here (ISO accepted too), in a text box as the other pages have it."""
    return DateField(
        label,
        validators=[Optional()],
        format=["%d/%m/%Y", "%Y-%m-%d"],
        invalid_value_message=NOT_A_DATE,
        widget=TextInput(),
        render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    )


class LegalFilterForm(FlaskForm):
    """The register's filters, from the query string (a GET form has no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Tìm theo số hiệu, trích yếu, cơ quan ban hành"))
    status = SelectField(
        _l("Tình trạng hiệu lực"),
        choices=[
            SelectChoice("", _l("Tất cả")),
            *(SelectChoice(s.value, _l(label)) for s, label in STATUS_LABELS.items()),
        ],
        default="",
        invalid_choice_message=NOT_A_CHOICE,
    )


class LegalDocumentForm(FlaskForm):
    number = StringField(_l("Số hiệu"), description=_l("Ví dụ: 61/2018/NĐ-CP, 60/2014/QH13, 101/QĐ-BKHCN"))
    doc_type = StringField(_l("Loại văn bản"), description=_l("Ví dụ: Luật, Nghị định, Thông tư, Quyết định"))
    title = TextAreaField(_l("Trích yếu"), render_kw={"rows": 3})
    issuer = StringField(_l("Cơ quan ban hành"))
    issued_on = _date_field(_l("Ngày ban hành"))
    effective_from = _date_field(_l("Ngày có hiệu lực"))
    amends = TextAreaField(
        _l("Sửa đổi, bổ sung các văn bản"), description=_l("Mỗi dòng một số hiệu."), render_kw={"rows": 2}
    )
    replaces = TextAreaField(_l("Thay thế các văn bản"), description=_l("Mỗi dòng một số hiệu."), render_kw={"rows": 2})
    submit = SubmitField(_l("Lưu"))

    def changes(self) -> dict[str, object]:
        """What the form says of the document, as the register's edit and a proposal both take it."""
        return {
            "doc_type": self.doc_type.data or "",
            "title": self.title.data or "",
            "issuer": self.issuer.data or "",
            "issued_on": self.issued_on.data,
            "effective_from": self.effective_from.data,
            "amends": numbers_of(self.amends.data),
            "replaces": numbers_of(self.replaces.data),
        }


class LegalImportForm(FlaskForm):
    file = FileField(
        _l("Tệp CSV danh mục văn bản pháp luật"),
        description=_l("Các cột: number,type,title,issuer,issued_on,effective_from,status,amends,replaces (UTF-8)."),
        validators=[FileRequired(_l("Cần chọn tệp CSV để nhập."))],
        render_kw={"accept": ".csv,text/csv"},
    )
    submit = SubmitField(_l("Nhập danh mục"))


class BasisForm(FlaskForm):
    numbers = TextAreaField(
        _l("Căn cứ pháp lý"),
        description=_l("Mỗi dòng một số hiệu văn bản. Số hiệu chưa có trong danh mục sẽ được thêm tạm để bổ sung sau."),
        render_kw={"rows": 8},
    )
    submit = SubmitField(_l("Lưu căn cứ pháp lý"))


class ReviewFilterForm(FlaskForm):
    class Meta:
        csrf = False

    state = SelectField(
        _l("Trạng thái"),
        choices=[
            SelectChoice("open", _l("Đang chờ rà soát")),
            SelectChoice("closed", _l("Đã đóng")),
            SelectChoice("all", _l("Tất cả")),
        ],
        default="open",
        invalid_choice_message=NOT_A_CHOICE,
    )


class ResolveForm(FlaskForm):
    reason = TextAreaField(_l("Lý do không cần sửa đổi quy trình"), render_kw={"rows": 3})
    submit = SubmitField(_l("Xác nhận đã rà soát, không cần sửa đổi"))


class ProposalForm(LegalDocumentForm):
    kind = HiddenField(default="create")
    note = TextAreaField(_l("Lý do đề xuất"), render_kw={"rows": 2})
    submit = SubmitField(_l("Gửi đề xuất"))


class ProposalFilterForm(FlaskForm):
    """The proposals' facets, from the query string."""

    class Meta:
        csrf = False

    state = SelectField(
        _l("Tình trạng"),
        choices=[
            SelectChoice("", _l("Tất cả")),
            *(SelectChoice(s.value, _l(label)) for s, label in PROPOSAL_STATE_LABELS.items()),
        ],
        default="",
        invalid_choice_message=NOT_A_CHOICE,
    )
    kind = SelectField(
        _l("Loại đề xuất"),
        choices=[SelectChoice("", _l("Tất cả")), SelectChoice("create", _l("Thêm mới")),
                 SelectChoice("update", _l("Sửa đổi"))],
        default="",
        invalid_choice_message=NOT_A_CHOICE,
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Lý do không chấp nhận"), render_kw={"rows": 2})
    submit = SubmitField(_l("Không chấp nhận"))
