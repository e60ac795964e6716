"""Forms of documents and revisions: the list's filters, a new document, an upload, a workflow action."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import TextInput

from qms.web.forms.common import KIND_CHOICES, NOT_A_CHOICE, NOT_A_DATE, STATUS_CHOICES


class DocumentFilterForm(FlaskForm):
    """The filters of the document list, read from the query string (a GET form has no CSRF token)."""

    class Meta:
        csrf = False

    organization = SelectField(
        _l("Đơn vị"), choices=[SelectChoice("", _l("Tất cả đơn vị"))], default="", invalid_choice_message=NOT_A_CHOICE
    )
    kind = SelectField(
        _l("Loại tài liệu"), choices=[SelectChoice("", _l("Tất cả các loại")), *KIND_CHOICES], default="",
        invalid_choice_message=NOT_A_CHOICE,
    )
    status = SelectField(
        _l("Trạng thái phiên bản"), choices=[SelectChoice("", _l("Tất cả trạng thái")), *STATUS_CHOICES], default="",
        invalid_choice_message=NOT_A_CHOICE,
    )


class DocumentForm(FlaskForm):
    code = StringField(_l("Mã hiệu"), description=_l("Ví dụ: QT-HT-04"))
    title = StringField(_l("Tên tài liệu"))
    kind = SelectField(
        _l("Loại tài liệu"), choices=KIND_CHOICES, default="process", invalid_choice_message=NOT_A_CHOICE
    )
    procedure_code = StringField(
        _l("Mã thủ tục hành chính (nếu có)"), description=_l("Ví dụ: 1.001193 hoặc 2.000815.000.00.00.H55")
    )
    submit = SubmitField(_l("Tạo tài liệu"))


class UploadForm(FlaskForm):
    file = FileField(
        _l("Tệp tài liệu (Word, OpenDocument, RTF, PDF hoặc ảnh chụp trang)"),
        validators=[FileRequired(_l("Cần chọn tệp để tải lên."))],
        render_kw={"accept": ".docx,.doc,.odt,.rtf,.pdf,.jpg,.jpeg,.png,.tif,.tiff"},
    )
    change_summary = TextAreaField(_l("Nội dung sửa đổi (sửa gì, ở đâu, vì sao)"), render_kw={"rows": 5})
    code_mismatch_reason = TextAreaField(
        _l("Xác nhận khi tệp ghi mã hiệu khác (lý do)"),
        description=_l(
            "Chỉ điền khi khối kiểm soát trong tệp ghi mã hiệu của tài liệu khác mà tệp vẫn đúng là của tài liệu này."
        ),
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Tải lên"))


class ActionForm(FlaskForm):
    """One workflow action on a revision; the page shows only the fields that action uses."""

    action = HiddenField()
    comment = TextAreaField(_l("Ý kiến"), render_kw={"rows": 3})
    # A text field in dd/mm/yyyy: a date input would show the browser's locale order (mm/dd in English browsers).
    effective_from = DateField(
        _l("Ngày hiệu lực"),
        validators=[Optional()],
        format=["%d/%m/%Y", "%Y-%m-%d"],
        invalid_value_message=NOT_A_DATE,
        widget=TextInput(),
        render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    )
