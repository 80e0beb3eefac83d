"""The preview of QUIZ_DIR's files, for their authors (filled in below)."""

from __future__ import annotations

from aiohttp import web


def add_routes(app: web.Application) -> None:
    """The preview's pages."""
