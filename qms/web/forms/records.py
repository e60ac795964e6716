"""The forms of the records page (publication, audits, findings, corrective actions, reviews, objectives,
confirmation) and of the scorecard."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import TextInput

from qms.records.management_reviews import INPUT_LABELS
from qms.web.forms.common import NOT_A_CHOICE, NOT_A_DATE, MultiCheckboxField


def _date_field(label: str) -> DateField:
    """dd/mm/yyyy as typed here (ISO accepted too), in a text box as the other pages have it."""
    return DateField(
        label, validators=[Optional()], format=["%d/%m/%Y", "%Y-%m-%d"], invalid_value_message=NOT_A_DATE,
        widget=TextInput(), render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    )


def _year_field(label: str) -> IntegerField:
    return IntegerField(label, validators=[Optional()], render_kw={"inputmode": "numeric"})


class PublicationForm(FlaskForm):
    number = StringField(_l("Số quyết định"), description=_l("Ví dụ: 45/QĐ-UBND"))
    signed_on = _date_field(_l("Ngày ký"))
    signer = StringField(_l("Người ký"))
    file = FileField(_l("Tệp quyết định công bố"))
    scope = TextAreaField(_l("Phạm vi (mã TTHC)"), render_kw={"rows": 2},
                          description=_l("Để trống: danh mục TTHC của đơn vị tại ngày ký."))
    posted_office_on = _date_field(_l("Ngày niêm yết tại trụ sở"))
    posted_website_on = _date_field(_l("Ngày đăng trên trang thông tin điện tử"))
    website_url = StringField(_l("Địa chỉ trang đăng tải"))
    notified_on = _date_field(_l("Ngày thông báo cơ quan chủ trì"))
    notified_to = StringField(_l("Cơ quan được thông báo"), description=_l("Ví dụ: Sở Khoa học và Công nghệ"))
    submit = SubmitField(_l("Ghi nhận công bố"))


class InternalAuditForm(FlaskForm):
    starts_on = _date_field(_l("Ngày bắt đầu"))
    ends_on = _date_field(_l("Ngày kết thúc"))
    auditors = TextAreaField(_l("Chuyên gia đánh giá"), description=_l("Mỗi dòng một người."), render_kw={"rows": 2})
    processes = TextAreaField(_l("Quá trình được đánh giá"), description=_l("Mỗi dòng một quá trình."),
                              render_kw={"rows": 2})
    report = FileField(_l("Báo cáo đánh giá (nếu đã có)"))
    submit = SubmitField(_l("Ghi nhận cuộc đánh giá"))


class AuditReportForm(FlaskForm):
    report = FileField(_l("Báo cáo đánh giá"))
    submit = SubmitField(_l("Tải lên báo cáo"))


class FindingForm(FlaskForm):
    kind = SelectField(_l("Loại"), choices=[SelectChoice("nonconformity", _l("Điểm không phù hợp")),
                                           SelectChoice("observation", _l("Khuyến nghị, lưu ý"))],
                       invalid_choice_message=NOT_A_CHOICE)
    description = TextAreaField(_l("Mô tả"), render_kw={"rows": 2})
    documents = MultiCheckboxField(_l("Tài liệu liên quan"), coerce=int, choices=[],
                                   invalid_choice_message=NOT_A_CHOICE)
    submit = SubmitField(_l("Thêm phát hiện"))


class CorrectiveActionForm(FlaskForm):
    cause = TextAreaField(_l("Nguyên nhân"), render_kw={"rows": 2})
    action = TextAreaField(_l("Hành động khắc phục"), render_kw={"rows": 2})
    responsible = StringField(_l("Người chịu trách nhiệm"))
    due_on = _date_field(_l("Thời hạn"))
    submit = SubmitField(_l("Ghi hành động khắc phục"))


class VerifyForm(FlaskForm):
    note = TextAreaField(_l("Nhận xét"), render_kw={"rows": 2})
    file = FileField(_l("Tệp bằng chứng"))
    submit = SubmitField(_l("Xác nhận đã khắc phục"))


class ManagementReviewForm(FlaskForm):
    held_on = _date_field(_l("Ngày họp"))
    chair = StringField(_l("Người chủ trì"))
    decisions = TextAreaField(_l("Các quyết định"), render_kw={"rows": 3})
    minutes = FileField(_l("Biên bản họp"))
    submit = SubmitField(_l("Ghi nhận cuộc xem xét"))


# One box per input of the standard (clause 9.2.2), named as the API names them.
for _name, _label in INPUT_LABELS.items():
    setattr(ManagementReviewForm, _name, TextAreaField(_l(_label), render_kw={"rows": 1}))


class ObjectiveForm(FlaskForm):
    year = _year_field(_l("Năm"))
    title = TextAreaField(_l("Mục tiêu"), render_kw={"rows": 2})
    target = StringField(_l("Chỉ tiêu"), description=_l("Ví dụ: 100%"))
    submit = SubmitField(_l("Thêm mục tiêu"))


class ResultForm(FlaskForm):
    measured_on = _date_field(_l("Ngày đo"))
    value = StringField(_l("Kết quả"))
    note = StringField(_l("Ghi chú"))
    submit = SubmitField(_l("Ghi kết quả"))


class ConfirmationForm(FlaskForm):
    year = _year_field(_l("Năm"))
    statement = TextAreaField(_l("Nội dung xác nhận"), render_kw={"rows": 2})
    file = FileField(_l("Văn bản xác nhận (nếu có)"))
    submit = SubmitField(_l("Xác nhận hiệu lực của hệ thống"))


class ScorecardForm(FlaskForm):
    """The year and day of the scorecard, from the query string (a GET form has no CSRF token)."""

    class Meta:
        csrf = False

    year = _year_field(_l("Năm"))
    as_of = _date_field(_l("Tình trạng tại ngày"))


class MinutesForm(FlaskForm):
    """The day of the inspection, from the query string; the organisations are the boxes ticked on the overview."""

    class Meta:
        csrf = False

    date = _date_field(_l("Ngày kiểm tra"))
