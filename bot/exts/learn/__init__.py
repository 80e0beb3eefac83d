"""Learning: spaced review, asking the source, and one's own data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.learn._cog import ConfirmDelete, LearnCog

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(LearnCog(bot))
    bot.add_dynamic_items(ConfirmDelete)
