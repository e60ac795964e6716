"""Signing in and out."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, login_user, logout_user

from qms.accounts import users
from qms.extensions import db, limiter
from qms.web import SESSION_GENERATION
from qms.web.forms import LoginForm, LogoutForm

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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], on_breach=_flood)
@limiter.limit(_account_limit, key_func=_account_tried, methods=["POST"], on_breach=_flood)
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
