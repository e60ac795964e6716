"""The pages as a user meets them: signing in, and the text a reader sees."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from qms.models import User
from support.factories import PASSWORD

#: Tags that start a new line or box on the screen: they become a space, so words of two cells never run together.
_BLOCK_TAGS = re.compile(
    r"</?(p|div|ol|ul|li|td|th|tr|table|caption|dt|dd|h\d|br|option|label|legend|nav|header|footer|section"
    r"|article|form|button|svg|desc)\b[^>]*>"
)


def login(client: FlaskClient, user: User) -> None:
    """Signs the client in through the login form, with the password every test user has."""
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def signed_in(app: Flask, user: User) -> FlaskClient:
    """A client of its own, signed in as the user."""
    client = app.test_client()
    login(client, user)
    return client


def text_of(page: TestResponse | str) -> str:
    """What a reader sees of a response or of a piece of HTML: block tags become spaces, inline tags vanish,
    whitespace collapses."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    html = re.sub(r"<(title|script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", _BLOCK_TAGS.sub(" ", html))).split())
