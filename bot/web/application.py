"""The application: the frame of bot.web.server with every page's routes."""

from __future__ import annotations

import jinja2
from aiohttp import web

from bot import i18n
from bot.quiz.presentation import difficulty_name
from bot.reports.text import segment_text
from bot.web import access, preview, results
from bot.web.server import CONTEXT, JINJA, STATIC, TEMPLATES, WebContext, security_headers


def make_app(ctx: WebContext) -> web.Application:
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    app[CONTEXT] = ctx
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Read the request's language when a page is rendered (the security middleware sets
    # it); newstyle: `_("... %(name)s", name=x)` escapes what it puts in.
    env.install_gettext_callables(  # pyright: ignore[reportAttributeAccessIssue]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    env.globals.update(
        current_language=i18n.current_language,
        format_number=i18n.format_number,
        format_percent=i18n.format_percent,
        difficulty_name=difficulty_name,
        segment_text=segment_text,
    )
    app[JINJA] = env
    app.router.add_static("/static/", STATIC, name="static", append_version=True)
    preview.add_routes(app)
    results.add_routes(app)
    access.add_routes(app)
    return app
