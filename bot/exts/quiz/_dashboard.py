"""The web companion from Discord: `/quiz dashboard` links and the public leaderboard switch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.exts import rendering
from bot.i18n import N_, _

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.repository import Repository

NO_SECRET = N_(
    "The web dashboard is not set up on this bot. Its operator must set **WEB_SECRET** "
    "(a long random text) and **WEB_BASE_URL** (the pages' public address), then restart it."
)


def dashboard_reply(settings: Settings, guild_id: int, teacher_id: int) -> dict[str, Any]:
    """The private answer to `/quiz dashboard`: a link for this teacher on this server.
    Signing only: no database, so the answer is always within Discord's 3 s."""
    if settings.web_secret is None:
        return {"embed": rendering.notice(_(NO_SECRET), error=True)}
    # Loaded on first use: a bot whose teachers never ask pays nothing for the web pages.
    from bot.web.access import LINK_SECONDS, SESSION_SECONDS, dashboard_link

    url = dashboard_link(settings, guild_id, teacher_id)
    lines = [
        _("**[Open this server's dashboard]({url})**").format(url=url),
        "",
        _(
            "The link works for {minutes} minutes and only for this server. It opens "
            "a session of {hours} hours in your browser. "
            "Don't share it: whoever opens it sees this server's results."
        ).format(minutes=LINK_SECONDS // 60, hours=SESSION_SECONDS // 3600),
    ]
    reply: dict[str, Any] = {}
    if settings.web_base_url:
        view = discord.ui.View(timeout=None)
        view.add_item(discord.ui.Button(label=_("Open the dashboard"), url=url))
        reply["view"] = view
    else:
        # Discord refuses link buttons to local addresses; the text link still works.
        lines.append(
            "\n"
            + _(
                "WEB_BASE_URL is not set, so this link only works on the bot's own machine. "
                "Ask the bot's operator to set it to the pages' public address."
            )
        )
    reply["embed"] = rendering.notice("\n".join(lines))
    return reply


def public_leaderboard_url(settings: Settings, guild_id: int) -> str:
    from bot.web.access import public_base_url  # on first use, as above

    return f"{public_base_url(settings)}/public/{guild_id}/leaderboard"


async def web_leaderboard_reply(
    settings: Settings, repo: Repository, guild_id: int, on: bool
) -> discord.Embed:
    """Turns the server's public leaderboard page on or off, and says what that means."""
    await repo.set_public_leaderboard(guild_id, on)
    if not on:
        return rendering.notice(
            _(
                "The public leaderboard page is off: the web pages show this server's results "
                "only to teachers with a `/quiz dashboard` link."
            )
        )
    text = _(
        "The public leaderboard page is on. Anyone with its address sees this server's "
        "display names and ranks (nothing else): {url}\n"
        "Many students are minors: check that your school allows it. "
        "Turn it off with `/quiz web-leaderboard state:off`."
    ).format(url=public_leaderboard_url(settings, guild_id))
    if not settings.web_base_url:
        text += "\n" + _(
            "WEB_BASE_URL is not set, so this address only works on the bot's own machine."
        )
    return rendering.notice(text)
