"""Quizzes in Discord: the `/quiz` commands, solo games and live rounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.quiz._cog import QuizCog
from bot.exts.quiz._components import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(QuizCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
