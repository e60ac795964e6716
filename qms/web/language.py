"""The language of the pages: Vietnamese by default, English on request; the choice is kept in the session.

Strings are Vietnamese in the source and translated through Flask-Babel (translations/en). Labels and domain
error messages that the services keep in Vietnamese (they also go into registers and dossiers) are translated
here, at the boundary, by looking their text up in the same catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from babel.numbers import format_decimal
from flask import Blueprint, Flask, g, has_request_context, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_login import current_user
from markupsafe import Markup, escape

from config.settings import PROJECT_DIR
from qms.accounts import users
from qms.extensions import babel, db
from qms.messages import Message

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT = "vi"

bp = Blueprint("language", __name__)


def select_locale() -> str:
    """The visitor's choice, else Vietnamese (the agencies' language, whatever the browser says)."""
    if has_request_context():
        chosen = session.get("language")
        if chosen in LANGUAGES:
            return chosen
    return DEFAULT


def current_language() -> str:
    locale = get_locale() if has_request_context() else None
    return str(locale) if locale is not None else DEFAULT


def translate(text: Any) -> str:
    """A Vietnamese text kept by a service (a label, a domain error message) in the visitor's language."""
    if text is None or text == "":
        return ""
    if isinstance(text, Message):
        return text.render(gettext, _content_value)
    return gettext(str(text))


def translate_text(text: Any) -> str:
    """``translate`` as plain text, for JSON answers."""
    if isinstance(text, Message):
        return str(text.render(gettext))
    return translate(text)


#: A letter only Vietnamese writes: a value holding one is content (a name, a heading, a quote), marked so.
_VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


def _content_value(value: Any) -> Markup:
    """A value put into a translated text: escaped, and marked lang="vi" when it is Vietnamese content."""
    text = str(value)
    return Markup('<span lang="vi">%s</span>') % text if _VIETNAMESE.search(text) else escape(text)


_content_value.markup = lambda text: Markup(escape(text))  # type: ignore[attr-defined]


def format_number(value: float | int, decimals: int = 1, *, fixed: bool = False) -> str:
    """A number in the visitor's language: 14,3 and 10.000 in Vietnamese, 14.3 and 10,000 in English.

    ``fixed`` keeps trailing zeros (2,0 MB); otherwise a whole number has no decimals.
    """
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=current_language())


def format_percent(value: float | int) -> str:
    return f"{format_number(value)}%"


class Translated(Mapping):
    """A read-only view of a label table whose values come out translated."""

    def __init__(self, labels: Mapping) -> None:
        self._labels = labels

    def __getitem__(self, key: Any) -> str:
        return translate(self._labels[key])

    def get(self, key: Any, default: Any = None) -> Any:
        return translate(self._labels[key]) if key in self._labels else default

    def __iter__(self) -> Iterator:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def _local_target(raw: str | None) -> str:
    """Back to the page the switch was on; only a path on this site (no open redirect)."""
    if not raw:
        return "/"
    parts = urlsplit(raw)
    foreign = (parts.scheme or parts.netloc) and (parts.scheme not in ("http", "https") or parts.netloc != request.host)
    if foreign or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.post("/language")
def choose() -> ResponseReturnValue:
    chosen = request.form.get("language", "")
    if chosen in LANGUAGES:
        session["language"] = chosen
        if current_user.is_authenticated:  # kept on the account too: the person's notices are written in it
            users.set_language(db.session, current_user, chosen)
    return redirect(_local_target(request.form.get("next")))


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_locale=DEFAULT,
        default_translation_directories=str(PROJECT_DIR / "translations"),
    )
    app.register_blueprint(bp)

    @app.before_request
    def _forget_previous_locale() -> None:
        # The language chosen by an earlier request sharing this app context (tests, CLI) must not carry over.
        g.pop("_flask_babel", None)

    app.add_template_filter(translate, "translate")
    # A value a service worded (a Message) is translated; any other is what a person wrote: content, lang="vi".
    app.jinja_env.tests["message"] = lambda value: isinstance(value, Message)
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_percent, "percent")
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=current_language)
