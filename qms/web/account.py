"""The signed-in person's own account: their e-mail address and how they want to be told."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from qms.accounts import users
from qms.errors import DomainError
from qms.extensions import db
from qms.web.forms.accounts import NoticeSettingsForm
from qms.web.forms.common import first_error

bp = Blueprint("account", __name__)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    """Everyone, inspectors included, keeps their own address and notice preference here."""
    if request.method == "GET":
        form = NoticeSettingsForm(
            data={"email": current_user.email or "", "preference": current_user.notice_preference.value}
        )
        return render_template("account/settings.html", form=form)
    form = NoticeSettingsForm()
    if not form.validate():
        return render_template("account/settings.html", form=form, error=first_error(form)), 422
    try:
        users.change_own_notices(
            db.session, current_user, email=form.email.data or None, preference=form.preference.data
        )
    except DomainError as error:
        return render_template("account/settings.html", form=form, error=error.message), error.status
    flash(_("Đã lưu cách nhận thông báo."), "success")
    return redirect(url_for(".settings"))
