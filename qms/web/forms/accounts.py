"""Forms of signing in and out, passwords, API tokens, organisations and users."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired
from wtforms.widgets import TextInput

from qms.web.forms.common import NOT_A_CHOICE, NOT_A_DATE, ROLE_CHOICES, MultiCheckboxField


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Mật khẩu"), render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField(_l("Đăng nhập"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Đăng xuất"))


class RevokeTokenForm(FlaskForm):
    submit = SubmitField(_l("Thu hồi"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"))
    new_password = PasswordField(
        _l("Mật khẩu mới"), description=_l("Ít nhất 10 ký tự, không chứa tên đăng nhập, không phải mật khẩu phổ biến.")
    )
    submit = SubmitField(_l("Đổi mật khẩu"))


class OrganizationForm(FlaskForm):
    code = StringField(_l("Mã đơn vị"), description=_l("Chữ không dấu, số, dấu chấm, gạch ngang. Ví dụ: XA-LOCBINH"))
    name = StringField(_l("Tên đơn vị"))
    parent = SelectField(_l("Đơn vị cấp trên"), choices=[], default="", invalid_choice_message=NOT_A_CHOICE)
    submit = SubmitField(_l("Lưu"))


class UserCreateForm(FlaskForm):
    username = StringField(
        _l("Tên đăng nhập"), description=_l("Chữ thường không dấu, số, dấu chấm, gạch."),
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    full_name = StringField(_l("Họ và tên"))
    title = StringField(_l("Chức vụ"))
    email = StringField(
        _l("Thư điện tử"), description=_l("Để nhận thông báo qua thư (không bắt buộc)."),
        render_kw={"type": "email", "autocomplete": "off", "autocapitalize": "none"},
    )
    organization = SelectField(
        _l("Đơn vị"), choices=[], validators=[DataRequired(_l("Cần chọn đơn vị."))], invalid_choice_message=NOT_A_CHOICE
    )
    roles = MultiCheckboxField(_l("Vai trò"), choices=ROLE_CHOICES, invalid_choice_message=NOT_A_CHOICE)
    password = PasswordField(
        _l("Mật khẩu"),
        description=_l(
            "Ít nhất 10 ký tự, không chứa tên đăng nhập, không phải mật khẩu phổ biến. "
            "Người dùng đổi mật khẩu ở lần đăng nhập đầu."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Tạo người dùng"))


class UserEditForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"))
    title = StringField(_l("Chức vụ"))
    email = StringField(
        _l("Thư điện tử"), description=_l("Để trống nếu không nhận thông báo qua thư."),
        render_kw={"type": "email", "autocomplete": "off", "autocapitalize": "none"},
    )
    roles = MultiCheckboxField(_l("Vai trò"), choices=ROLE_CHOICES, invalid_choice_message=NOT_A_CHOICE)
    is_active = BooleanField(_l("Đang hoạt động (được đăng nhập)"))
    password = PasswordField(
        _l("Mật khẩu mới"), description=_l("Để trống nếu không đổi."), render_kw={"autocomplete": "new-password"}
    )
    submit = SubmitField(_l("Lưu thay đổi"))


NOTICE_PREFERENCE_CHOICES = [
    SelectChoice("each", _l("Mỗi sự kiện một thư")),
    SelectChoice("daily", _l("Tổng hợp hằng ngày (một thư mỗi ngày)")),
    SelectChoice("off", _l("Không nhận thư (chỉ xem trong ứng dụng)")),
]


class NoticeSettingsForm(FlaskForm):
    email = StringField(
        _l("Thư điện tử"), description=_l("Thông báo được gửi tới địa chỉ này; để trống nếu không nhận thư."),
        render_kw={"type": "email", "autocomplete": "email", "autocapitalize": "none"},
    )
    preference = RadioField(
        _l("Nhận thông báo qua thư"), choices=NOTICE_PREFERENCE_CHOICES, default="each",
        invalid_choice_message=NOT_A_CHOICE,
    )
    submit = SubmitField(_l("Lưu"))


class MarkReadForm(FlaskForm):
    submit = SubmitField(_l("Đánh dấu đã đọc"))


class RestructureForm(FlaskForm):
    kind = SelectField(
        _l("Loại sắp xếp"),
        choices=[SelectChoice("merge", _l("Sáp nhập")), SelectChoice("split", _l("Chia tách")),
                 SelectChoice("move", _l("Chuyển sang đơn vị cấp trên khác"))],
        invalid_choice_message=NOT_A_CHOICE,
    )
    sources = StringField(
        _l("Đơn vị bị sắp xếp"), description=_l("Mã đơn vị, cách nhau bởi dấu phẩy. Ví dụ: XA-A, XA-B")
    )
    targets = TextAreaField(
        _l("Đơn vị nhận"), render_kw={"rows": 3},
        description=_l(
            "Mỗi dòng một đơn vị: mã | tên | mã đơn vị cấp trên. Khi chuyển: mã đơn vị | | mã cấp trên mới."
        ),
    )
    effective_on = DateField(
        _l("Ngày sắp xếp có hiệu lực"),
        validators=[DataRequired(NOT_A_DATE)],
        format=["%d/%m/%Y", "%Y-%m-%d"],
        invalid_value_message=NOT_A_DATE,
        widget=TextInput(),
        render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    )
    codes = TextAreaField(
        _l("Đổi mã tài liệu trùng"), render_kw={"rows": 3},
        description=_l("Mỗi dòng: ĐƠN-VỊ:MÃ-TÀI-LIỆU = mã mới. Ví dụ: XA-B:QT-01 = QT-01-B"),
    )
    procedures = TextAreaField(
        _l("Quy trình giữ lại cho TTHC có hai quy trình"), render_kw={"rows": 3},
        description=_l("Mỗi dòng: mã TTHC = ĐƠN-VỊ:MÃ-TÀI-LIỆU; quy trình còn lại bị thu hồi với lý do «sáp nhập»."),
    )
    documents = TextAreaField(
        _l("Chia tách: tài liệu về đơn vị"), render_kw={"rows": 3},
        description=_l("Mỗi dòng: ĐƠN-VỊ:MÃ-TÀI-LIỆU = mã đơn vị nhận (mặc định: đơn vị nhận đầu tiên)."),
    )
    users = TextAreaField(
        _l("Chia tách: người dùng về đơn vị"), render_kw={"rows": 3},
        description=_l("Mỗi dòng: tên đăng nhập = mã đơn vị nhận (mặc định: đơn vị nhận đầu tiên)."),
    )
    records = TextAreaField(
        _l("Chia tách: hồ sơ HTQLCL về đơn vị"), render_kw={"rows": 3},
        description=_l("Mỗi dòng: mã hồ sơ trong bản xem trước = mã đơn vị nhận. Ví dụ: internal_audit:12 = XA-B "
                       "(mặc định: đơn vị nhận đầu tiên)."),
    )
    preview = SubmitField(_l("Xem trước"))
    confirm = SubmitField(_l("Xác nhận thực hiện"))


class UserFilterForm(FlaskForm):
    """The facets of the user list, read from the query string (a GET form has no CSRF token)."""

    class Meta:
        csrf = False

    organization = SelectField(
        _l("Đơn vị"), choices=[SelectChoice("", _l("Tất cả đơn vị"))], default="", invalid_choice_message=NOT_A_CHOICE
    )
    role = SelectField(
        _l("Vai trò"), choices=[SelectChoice("", _l("Tất cả vai trò")), *ROLE_CHOICES], default="",
        invalid_choice_message=NOT_A_CHOICE,
    )
    active = SelectField(
        _l("Tình trạng"),
        choices=[SelectChoice("", _l("Tất cả")), SelectChoice("yes", _l("Đang hoạt động")),
                 SelectChoice("no", _l("Đã khoá"))],
        default="", invalid_choice_message=NOT_A_CHOICE,
    )
