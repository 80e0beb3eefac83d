"""Quizzes in Discord: the `/quiz` commands, solo games and live rounds.

Public to other extensions: `components` (the answer and Next buttons; review games are
played with them). Needs nothing from other extensions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import QuizBot
    from bot.exts.quiz._cog import (
        QuizCog as QuizCog,  # the cog's type, for the bot's typed property
    )


async def setup(bot: QuizBot) -> None:
    from bot.exts.quiz._cog import QuizCog
    from bot.exts.quiz._homework import StartAssignment
    from bot.exts.quiz.components import DYNAMIC_ITEMS

    await bot.add_cog(QuizCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS, StartAssignment)
