"""Signing in and out."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, login_user, logout_user

from qms.accounts import users
from qms.errors import DomainError
from qms.extensions import db, limiter
from qms.web import SESSION_GENERATION
from qms.web.forms.accounts import LoginForm, LogoutForm, PasswordChangeForm

bp = Blueprint("auth", __name__)

FAILED = _l("Tên đăng nhập hoặc mật khẩu không đúng.")

logger = logging.getLogger(__name__)


def local_path(target: str | None) -> str | None:
    """Only a path on this site may be a redirect target, so a link cannot send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return None
    return target


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_tried() -> str:
    """The account a sign-in names, as ``authenticate`` reads it: one count per account, whatever the address."""
    return "account:" + (request.form.get("username") or "").strip().lower()[:64]


def _flood(limit: RequestLimit) -> None:
    """A refused sign-in is logged each time and audited at most once per window of the limit."""
    logger.warning("sign-in rate limit reached for %s", request.remote_addr)
    window = type(limit.limit)(1, limit.limit.multiples)
    if limiter.limiter.hit(window, "sign-in-flood-audited", limit.key):
        users.record_sign_in_flood(db.session, request.form.get("username", ""), remote_addr=request.remote_addr)


def _failed(response: Response) -> bool:
    """Only a failed sign-in counts: a whole office behind one address signs in at 8:00 without locking itself out."""
    return response.status_code >= 400


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], on_breach=_flood, deduct_when=_failed)
@limiter.limit(_account_limit, key_func=_account_tried, methods=["POST"], on_breach=_flood, deduct_when=_failed)
def login() -> ResponseReturnValue:
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(local_path(request.args.get("next")) or url_for("documents.index"))
        form.next.data = request.args.get("next", "")
        return render_template("auth/login.html", form=form)
    if not form.validate():
        return render_template("auth/login.html", form=form), 400
    user = users.authenticate(
        db.session, form.username.data or "", form.password.data or "", remote_addr=request.remote_addr
    )
    if user is None:
        return render_template("auth/login.html", form=form, error=FAILED), 401
    session.clear()  # nothing from before the sign-in survives into the signed-in session
    session.permanent = True
    session[SESSION_GENERATION] = user.session_generation
    if user.language:
        session["language"] = user.language  # the language the person chose last time, on any device
    login_user(user)
    return redirect(local_path(form.next.data) or url_for("documents.index"))


@bp.route("/logout", methods=["GET", "POST"])
@login_required
def logout() -> ResponseReturnValue:
    form = LogoutForm()
    if request.method == "GET":
        return render_template("auth/logout.html", form=form)
    if not form.validate():
        return render_template("auth/logout.html", form=form), 400
    # Server side, so that a copy of this session's cookie is worth nothing either.
    users.sign_out(db.session, current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


#: Where a person who must choose a new password may still go.
_BEFORE_NEW_PASSWORD = frozenset({"auth.password", "auth.logout", "auth.login", "static"})


@bp.before_app_request
def require_own_password() -> ResponseReturnValue | None:
    """A password an administrator set is changed at the first sign-in, before anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _BEFORE_NEW_PASSWORD
        and not (request.blueprint or "").startswith("api")
    ):
        return redirect(url_for("auth.password"))
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    """Every signed-in person, inspectors included, changes their own password here."""
    form = PasswordChangeForm()
    if request.method == "GET":
        return render_template("auth/password.html", form=form)
    if not form.validate():
        return render_template("auth/password.html", form=form), 400
    try:
        changed = users.change_own_password(
            db.session, current_user, current_password=form.current_password.data or "",
            new_password=form.new_password.data or "",
        )
    except DomainError as error:
        return render_template("auth/password.html", form=form, error=error.message), error.status
    session[SESSION_GENERATION] = changed.session_generation  # this session goes on; the others have ended
    flash(_("Đã đổi mật khẩu."), "success")
    return redirect(url_for("documents.index"))
