"""The forms of the pages: they parse and label input; the services judge it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from qms.documents import KIND_LABELS, STATUS_LABELS
from qms.permissions import ROLE_LABELS

KIND_CHOICES = [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]
STATUS_CHOICES = [SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()]
ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]

NOT_A_CHOICE = "Lựa chọn không hợp lệ."
NOT_A_DATE = "Ngày không hợp lệ (nhập theo dạng dd/mm/yyyy)."


def first_error(form: FlaskForm) -> str:
    """The first message of a form that did not validate, to show at the top of the page."""
    return next(message for messages in form.errors.values() for message in messages)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of labelled checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Mật khẩu", render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField("Đăng nhập")


class LogoutForm(FlaskForm):
    submit = SubmitField("Đăng xuất")


class DocumentFilterForm(FlaskForm):
    """The filters of the document list, read from the query string (a GET form has no CSRF token)."""

    class Meta:
        csrf = False

    organization = SelectField(
        "Đơn vị", choices=[SelectChoice("", "Tất cả đơn vị")], default="", invalid_choice_message=NOT_A_CHOICE
    )
    kind = SelectField(
        "Loại tài liệu", choices=[SelectChoice("", "Tất cả các loại"), *KIND_CHOICES], default="",
        invalid_choice_message=NOT_A_CHOICE,
    )
    status = SelectField(
        "Trạng thái phiên bản", choices=[SelectChoice("", "Tất cả trạng thái"), *STATUS_CHOICES], default="",
        invalid_choice_message=NOT_A_CHOICE,
    )


class DocumentForm(FlaskForm):
    code = StringField("Mã hiệu", description="Ví dụ: QT-HT-04")
    title = StringField("Tên tài liệu")
    kind = SelectField("Loại tài liệu", choices=KIND_CHOICES, default="process", invalid_choice_message=NOT_A_CHOICE)
    procedure_code = StringField(
        "Mã thủ tục hành chính (nếu có)", description="Ví dụ: 1.001193 hoặc 2.000815.000.00.00.H55"
    )
    submit = SubmitField("Tạo tài liệu")


class UploadForm(FlaskForm):
    file = FileField(
        "Tệp tài liệu (.docx hoặc .pdf)",
        validators=[FileRequired("Cần chọn tệp để tải lên.")],
        render_kw={"accept": ".docx,.pdf"},
    )
    change_summary = TextAreaField("Nội dung sửa đổi (sửa gì, ở đâu, vì sao)", render_kw={"rows": 5})
    submit = SubmitField("Tải lên")


class ActionForm(FlaskForm):
    """One workflow action on a revision; the page shows only the fields that action uses."""

    action = HiddenField()
    comment = TextAreaField("Ý kiến", render_kw={"rows": 3})
    # A text field in dd/mm/yyyy: a date input would show the browser's locale order (mm/dd in English browsers).
    effective_from = DateField(
        "Ngày hiệu lực",
        validators=[Optional()],
        format=["%d/%m/%Y", "%Y-%m-%d"],
        invalid_value_message=NOT_A_DATE,
        widget=TextInput(),
        render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    )


class OrganizationForm(FlaskForm):
    code = StringField("Mã đơn vị", description="Chữ không dấu, số, dấu chấm, gạch ngang. Ví dụ: XA-LOCBINH")
    name = StringField("Tên đơn vị")
    parent = SelectField("Đơn vị cấp trên", choices=[], default="", invalid_choice_message=NOT_A_CHOICE)
    submit = SubmitField("Lưu")


class UserCreateForm(FlaskForm):
    username = StringField(
        "Tên đăng nhập", description="Chữ thường không dấu, số, dấu chấm, gạch.",
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    full_name = StringField("Họ và tên")
    title = StringField("Chức vụ")
    organization = SelectField(
        "Đơn vị", choices=[], validators=[DataRequired("Cần chọn đơn vị.")], invalid_choice_message=NOT_A_CHOICE
    )
    roles = MultiCheckboxField("Vai trò", choices=ROLE_CHOICES, invalid_choice_message=NOT_A_CHOICE)
    password = PasswordField("Mật khẩu", description="Ít nhất 8 ký tự.", render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Tạo người dùng")


class UserEditForm(FlaskForm):
    full_name = StringField("Họ và tên")
    title = StringField("Chức vụ")
    roles = MultiCheckboxField("Vai trò", choices=ROLE_CHOICES, invalid_choice_message=NOT_A_CHOICE)
    is_active = BooleanField("Đang hoạt động (được đăng nhập)")
    password = PasswordField(
        "Mật khẩu mới", description="Để trống nếu không đổi.", render_kw={"autocomplete": "new-password"}
    )
    submit = SubmitField("Lưu thay đổi")
