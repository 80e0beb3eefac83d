"""Learning: spaced review, asking the source, and one's own data.

Needs the quiz extension: a review is a game played with its answer buttons
(`bot.exts.quiz.components`), which that extension answers. Review games are started and
summed up by `bot.exts.reviewing`, shared with chat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import QuizBot
    from bot.exts.learn._cog import (
        LearnCog as LearnCog,  # the cog's type, for the bot's typed property
    )


async def setup(bot: QuizBot) -> None:
    from bot.exts.learn._cog import ConfirmDelete, LearnCog

    await bot.add_cog(LearnCog(bot))
    bot.add_dynamic_items(ConfirmDelete)
