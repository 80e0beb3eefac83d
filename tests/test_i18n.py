"""The language of the current context, and numbers, dates and names as its readers
write them (bot/i18n.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot import i18n


@pytest.mark.parametrize(
    ("tags", "language"),
    [
        (("fr",), "fr"),
        (("es-ES",), "es"),
        (("es-419",), "es"),  # Discord's Latin American Spanish
        (("de",), "de"),
        (("en-GB",), "en"),
        (("pt-BR", "de"), "de"),  # the user's language has no catalog: the server's
        (("ja", "ko"), "en"),  # neither has one: English
        ((None, ""), "en"),
        (("fr_FR.UTF-8",), "fr"),  # as LANG writes it
    ],
)
def test_language_for(tags: tuple[str | None, ...], language: str) -> None:
    assert i18n.language_for(*tags) == language


def test_using_nests_and_restores() -> None:
    assert i18n.current_language() == "en"
    with i18n.using("de"):
        assert i18n.current_language() == "de"
        with i18n.using("fr-CA"):
            assert i18n.current_language() == "fr"
        assert i18n.current_language() == "de"
    assert i18n.current_language() == "en"


async def test_tasks_started_in_a_language_keep_it() -> None:
    async def language_later() -> str:
        await asyncio.sleep(0)
        return i18n.current_language()

    with i18n.using("es"):
        task = asyncio.create_task(language_later())
    with i18n.using("de"):
        other = asyncio.create_task(language_later())
    assert await task == "es" and await other == "de"
    assert i18n.current_language() == "en"


def test_numbers_and_dates_as_each_reader_writes_them() -> None:
    when = datetime(2026, 12, 11, 8, 0, tzinfo=UTC)
    expected = {
        "en": ("1,234.5", "50%", "3 days"),
        "fr": ("1\u202f234,5", "50\u00a0%", "3\u00a0jours"),
        "de": ("1.234,5", "50\u00a0%", "3 Tage"),
        "es": ("1.234,5", "50\u00a0%", "3 días"),
    }
    for language, (number, percent, duration) in expected.items():
        with i18n.using(language):
            assert i18n.format_number(1234.5) == number, language
            assert i18n.format_percent(0.5) == percent, language
            assert i18n.format_duration(timedelta(days=3)) == duration, language
            assert "2026" in i18n.format_datetime(when)
    with i18n.using("fr"):
        assert i18n.decimal_separator() == ","
        assert i18n.language_name("en") == "anglais"
    assert i18n.language_name("hi") == "Hindi" and i18n.language_name("x-y!") == "x-y!"
