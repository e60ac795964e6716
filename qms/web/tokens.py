"""The signed-in user's own API tokens: listed with when they were issued, last used and end, and revoked."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from qms import clock
from qms.accounts import users
from qms.errors import DomainError
from qms.extensions import db
from qms.web import errors
from qms.web.forms.accounts import RevokeTokenForm

bp = Blueprint("tokens", __name__, url_prefix="/account")
bp.register_error_handler(DomainError, errors.domain_error_page)


@bp.get("/tokens")
@login_required
def token_list() -> ResponseReturnValue:
    tokens = users.list_tokens(db.session, current_user)
    live = {token.id for token in tokens if users.token_is_live(token, clock.now())}
    return render_template("account/tokens.html", tokens=tokens, live=live, form=RevokeTokenForm())


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    form = RevokeTokenForm()
    if not form.validate():
        return errors.render_error(400)
    users.revoke_token(db.session, current_user, token_id)
    flash(_("Đã thu hồi mã truy cập số %(number)s.", number=token_id), "success")
    return redirect(url_for(".token_list"))
