"""Secrets never reach a log line: interaction tokens, webhook URLs and the bot token, in
messages, their arguments, tracebacks and stacks, at every level."""

from __future__ import annotations

import io
import logging

import aiohttp
import discord
import pytest
import yarl
from multidict import CIMultiDict, CIMultiDictProxy

from bot import log_redaction
from bot.log_redaction import REDACTED, RedactingFilter

BOT_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"
FAKE_TOKEN = "fake.0123456789abcdefghijklmnopqrstuv"  # the emulator's, no Discord shape
INTERACTION = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpxd2VydHl1aW9wYXNkZmdoamts"
APP = 1098765432109876543


Log = tuple[logging.Logger, io.StringIO]


@pytest.fixture
def log() -> Log:
    """A logger whose records go, through a root-style handler with discord.py's own
    colour formatter, into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(discord.utils._ColourFormatter())
    root = logging.Logger("test-root")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    log_redaction.install([BOT_TOKEN, FAKE_TOKEN], logger=root)
    child = logging.Logger("discord.gateway")
    child.parent = root  # a library's logger, propagating to the root's handlers
    child.setLevel(logging.DEBUG)
    return child, stream


def test_a_gateway_event_dump_at_debug_keeps_everything_but_the_token(log: Log) -> None:
    logger, out = log
    event = {"t": "INTERACTION_CREATE", "d": {"id": "1", "token": INTERACTION, "type": 3}}
    logger.debug("For Shard ID %s: WebSocket Event: %s", 0, event)
    logger.debug('raw: {"token": "%s", "type": 2}', INTERACTION)
    text = out.getvalue()
    assert INTERACTION not in text
    assert f"'token': '{REDACTED}'" in text
    assert f'"token": "{REDACTED}"' in text
    assert "INTERACTION_CREATE" in text and "'type': 3" in text


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR])
def test_webhook_and_callback_urls_lose_their_token_at_every_level(log: Log, level: int) -> None:
    logger, out = log
    logger.log(level, "POST https://discord.com/api/v10/interactions/55/%s/callback", INTERACTION)
    logger.log(level, "GET %s", f"https://discord.com/api/v10/webhooks/{APP}/sometoken123/messages")
    text = out.getvalue()
    assert INTERACTION not in text and "sometoken123" not in text
    assert f"/interactions/55/{REDACTED}/callback" in text
    assert f"/webhooks/{APP}/{REDACTED}/messages" in text


def test_the_bot_token_is_redacted_as_configured_and_by_its_shape(log: Log) -> None:
    logger, out = log
    logger.info("Authorization: Bot %s", BOT_TOKEN)
    logger.warning("token %s", FAKE_TOKEN)
    other = "ODk4NzY1NDMyMTA5ODc2NTQzMjE.YjZmNg.zyxwvutsrqponmlkjihgfedcba987654"
    logger.error("someone else's: %s", other)
    text = out.getvalue()
    assert BOT_TOKEN not in text and FAKE_TOKEN not in text and other not in text
    assert text.count(REDACTED) == 3


def test_a_traceback_holding_a_token_is_redacted(log: Log) -> None:
    logger, out = log
    url = yarl.URL(f"https://discord.com/api/v10/webhooks/{APP}/{INTERACTION}/messages/@original")
    try:
        raise aiohttp.ClientResponseError(
            aiohttp.RequestInfo(url, "PATCH", CIMultiDictProxy(CIMultiDict()), url),
            (),
            status=404,
            message="Not Found",
        )
    except aiohttp.ClientResponseError:
        logger.exception("editing the message failed")
    text = out.getvalue()
    assert INTERACTION not in text
    assert "Traceback (most recent call last)" in text and "ClientResponseError: 404" in text
    assert f"/webhooks/{APP}/{REDACTED}/messages/@original" in text


def test_a_traceback_without_secrets_is_left_to_the_formatter(log: Log) -> None:
    logger, out = log
    try:
        raise ValueError("nothing secret")
    except ValueError:
        logger.exception("plain")
    assert "ValueError: nothing secret" in out.getvalue()


def test_a_stack_and_arguments_that_do_not_fit_are_redacted_too(log: Log) -> None:
    logger, out = log
    logger.warning("two %s %s", INTERACTION)  # one argument for two: still shown, redacted
    logger.info("with stack %s", "x", stack_info=True)
    text = out.getvalue()
    assert INTERACTION not in text
    assert "with stack x" in text and "Stack (most recent call last)" in text


def test_short_secrets_are_not_searched_for() -> None:
    assert RedactingFilter(["a", ""]).redact("a cat") == "a cat"


def test_installing_twice_keeps_one_filter() -> None:
    root = logging.Logger("test-root-2")
    handler = logging.StreamHandler(io.StringIO())
    root.addHandler(handler)
    log_redaction.install(["secret-one"], logger=root)
    log_redaction.install(["secret-two"], logger=root)
    [only] = handler.filters
    assert isinstance(only, RedactingFilter) and only.secrets == ["secret-two"]
