"""The forms of the TTHC catalogue pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, SubmitField

from qms.web.forms import NOT_A_CHOICE


class ProcedureImportForm(FlaskForm):
    file = FileField(
        "Tệp danh mục TTHC (.xlsx hoặc .csv)",
        validators=[FileRequired("Cần chọn tệp danh mục để nhập.")],
        render_kw={"accept": ".xlsx,.csv"},
    )
    submit = SubmitField("Nhập danh mục")


class OrganizationPickForm(FlaskForm):
    """The organisation whose catalogue or coverage is shown, from the query string (a GET form has no CSRF token)."""

    class Meta:
        csrf = False

    organization = SelectField("Đơn vị", choices=[SelectChoice("", "Đơn vị của tôi")], default="",
                               invalid_choice_message=NOT_A_CHOICE)
