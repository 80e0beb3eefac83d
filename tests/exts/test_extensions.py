"""Every extension loads, and no two commands share a name."""

from __future__ import annotations

import importlib
from collections import Counter

import discord
from discord import app_commands

from bot.app import EXTENSIONS, intents


def test_extensions_import_and_define_setup() -> None:
    for name in EXTENSIONS:
        module = importlib.import_module(name)
        assert callable(getattr(module, "setup", None)), name


def test_no_privileged_intents() -> None:
    wanted = intents()
    assert not (wanted.members or wanted.presences or wanted.message_content)
    assert wanted.guilds and wanted.dm_messages and wanted.guild_messages


def test_command_names_are_unique() -> None:
    from bot.exts.quiz._cog import QuizCog
    from bot.exts.scores import ScoresCog

    names = []
    for cog in (QuizCog, ScoresCog):
        for command in cog.__cog_app_commands__:
            if isinstance(command, app_commands.Group):
                names += [f"{command.name} {sub.name}" for sub in command.commands]
            else:
                names.append(command.name)
    assert not [n for n, c in Counter(names).items() if c > 1]
    assert {
        "quiz start",
        "quiz list",
        "quiz stop",
        "quiz teacher-role",
        "leaderboard",
        "stats",
    } <= set(names)


def test_custom_ids_never_say_which_answer_is_right() -> None:
    from bot.exts.quiz.components import AnswerButton, AnswerSelect, NextButton, TypeAnswerButton

    game = "0" * 32
    ids = [
        AnswerButton(game, 3, 1).custom_id,
        AnswerSelect(game, 3, [("A", "a"), ("B", "b")]).custom_id,
        TypeAnswerButton(game, 3).custom_id,
        NextButton(game, 3).custom_id,
    ]
    assert all(i.startswith("quiz:") and len(i) <= 100 for i in ids)
    assert not any(word in i for i in ids for word in ("correct", "right", "true", "wrong"))
    assert isinstance(discord.ui.Button, type)


def test_the_bot_does_not_load_what_it_needs_only_sometimes() -> None:
    """Charts, the search index's numpy, migrations and the file watcher load on first use:
    the bot's resident memory at start is what every process pays."""
    import subprocess
    import sys

    code = (
        "import sys, bot.cli, bot.app\n"
        "for name in bot.app.EXTENSIONS: __import__(name)\n"
        "print(sorted(m for m in ('numpy', 'matplotlib', 'alembic', 'watchfiles', 'rank_bm25', 'rich') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
