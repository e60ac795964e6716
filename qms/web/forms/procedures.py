"""The forms of the TTHC catalogue pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, SubmitField

from qms.web.forms.common import NOT_A_CHOICE


class ProcedureImportForm(FlaskForm):
    file = FileField(
        _l("Tệp danh mục TTHC (.xlsx hoặc .csv)"),
        validators=[FileRequired(_l("Cần chọn tệp danh mục để nhập."))],
        render_kw={"accept": ".xlsx,.csv"},
    )
    submit = SubmitField(_l("Nhập danh mục"))


class OrganizationPickForm(FlaskForm):
    """The organisation whose catalogue or coverage is shown, from the query string (a GET form has no CSRF token)."""

    class Meta:
        csrf = False

    organization = SelectField(_l("Đơn vị"), choices=[SelectChoice("", _l("Đơn vị của tôi"))], default="",
                               invalid_choice_message=NOT_A_CHOICE)
