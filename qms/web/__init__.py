"""The pages people use, as blueprints over the same services as the API."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    pass
