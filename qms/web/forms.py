"""The forms of the pages: they parse and label input; the services judge it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Mật khẩu"), render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField(_l("Đăng nhập"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Đăng xuất"))


class RevokeTokenForm(FlaskForm):
    submit = SubmitField(_l("Thu hồi"))


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


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"))
    new_password = PasswordField(
        _l("Mật khẩu mới"), description=_l("Ít nhất 10 ký tự, không chứa tên đăng nhập, không phải mật khẩu phổ biến.")
    )
    submit = SubmitField(_l("Đổi mật khẩu"))


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
    roles = MultiCheckboxField(_l("Vai trò"), choices=ROLE_CHOICES, invalid_choice_message=NOT_A_CHOICE)
    is_active = BooleanField(_l("Đang hoạt động (được đăng nhập)"))
    password = PasswordField(
        _l("Mật khẩu mới"), description=_l("Để trống nếu không đổi."), render_kw={"autocomplete": "new-password"}
    )
    submit = SubmitField(_l("Lưu thay đổi"))


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
    preview = SubmitField(_l("Xem trước"))
    confirm = SubmitField(_l("Xác nhận thực hiện"))
