"""The pages people use, as blueprints over the same services as the API."""

from __future__ import annotations

from flask import Flask, g, session
from flask_babel import lazy_gettext as _l

from qms.accounts.permissions import ROLE_LABELS
from qms.documents.reading import KIND_LABELS, STATUS_LABELS
from qms.extensions import db, login_manager
from qms.models import DocumentKind, DocumentStatus, RevisionStatus, Role, User
from qms.periodic_review.outcomes import OUTCOME_LABELS
from qms.web.language import Translated, translate

#: The user's session generation when the session began (see ``User.session_generation``).
SESSION_GENERATION = "qms_generation"


def load_user(user_id: str) -> User | None:
    """An active user whose sessions have not been ended since this one began (sign-out, password, deactivation)."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if user is None or not user.is_active or session.get(SESSION_GENERATION) != user.session_generation:
        return None
    return user


def init_app(app: Flask) -> None:
    from qms.web import (
        account,
        acknowledgements,
        admin,
        auth,
        conformity,
        dashboard,
        documents,
        errors,
        filters,
        headers,
        health,
        history,
        inspect,
        language,
        legal,
        lists,
        notices,
        periodic_reviews,
        procedures,
        reading,
        records,
        registers,
        scorecard,
        search,
        tokens,
        workspace,
    )

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.localize_callback = translate
    login_manager.login_message_category = "info"

    @app.before_request
    def _forget_previous_user() -> None:
        # A user loaded by an earlier request sharing this app context (tests, CLI) must not carry over.
        g.pop("_login_user", None)

    for blueprint in (auth.bp, documents.bp, dashboard.bp, search.bp, workspace.bp, admin.bp, procedures.bp, legal.bp):
        app.register_blueprint(blueprint)
    for blueprint in (history.bp, inspect.bp, registers.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(conformity.bp)
    app.register_blueprint(tokens.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(reading.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(scorecard.bp)
    app.register_blueprint(periodic_reviews.bp)
    app.register_blueprint(acknowledgements.bp)
    app.register_blueprint(notices.bp)
    app.register_blueprint(account.bp)
    headers.init_app(app)
    errors.init_app(app)
    filters.init_app(app)
    lists.init_app(app)
    language.init_app(app)
    app.jinja_env.globals.update(
        STATUS_LABELS=Translated(STATUS_LABELS),
        KIND_LABELS=Translated(KIND_LABELS),
        ROLE_LABELS=Translated(ROLE_LABELS),
        OUTCOME_LABELS=Translated(OUTCOME_LABELS),
        Role=Role,
        RevisionStatus=RevisionStatus,
        DocumentStatus=DocumentStatus,
        KindOf=DocumentKind,
        awaiting_count=workspace.awaiting_count,
        unread_notices=notices.unread_count,
    )
