"""Chatting with the bot: in a direct message, or when it is mentioned in a channel.

"quiz me", "start <quiz>", an answer (a letter, words or a number), "next", "score",
"why?", "stop", "help". Discord delivers the content of DMs and mentions without the
privileged message-content intent. The game is the same engine and scoring as the
buttons; it is stored like any other game, so a chat game survives a restart.

Needs nothing from other extensions: reviews are started and summed up by the shared
`bot.exts.reviewing`, and answers to `ask` are drawn by `rendering.ask_embed`.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot import i18n
from bot.exts import rendering
from bot.exts.common import SORRY, display_name, game_summary
from bot.exts.reviewing import start_review
from bot.games import Game
from bot.i18n import N_, _, ngettext
from bot.quiz.errors import QuizError
from bot.quiz.marking import parse_response
from bot.quiz.models import ChoiceQuestion, NumberQuestion, ShortAnswerQuestion, TrueFalseQuestion
from bot.quiz.presentation import letter
from bot.quiz.session import Mode, Phase
from bot.storage.writer import AnswerNotStored

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)
CHAT = "chat"
HELP = N_(
    "I ask questions about a text and explain every answer with a quote from it.\n"
    "• **quiz me**: start a quiz (or **start <quiz id>**; **list** shows them)\n"
    "• answer with a letter (**B**), several letters (**A, C**), words or a number\n"
    "• **next**: the next question · **why?**: the explanation again\n"
    "• **where does it say ...?**: the passages of the text that answer a question\n"
    "• **review**: the questions you got wrong, when they are due\n"
    "• **score**: how you are doing"
    " · **stop**: end the quiz (your answers are kept) · **help**: this message"
)
_MENTION = re.compile(r"<@!?\d+>")
# "where does it say ...?", "ask ...": a question to the source texts, not an answer.
_ASK = re.compile(
    r"^(?:ask\s+|where does (?:it|the text) say\s+|what does the text say about\s+)(?P<question>.{3,300})$",
    re.IGNORECASE | re.DOTALL,
)
_START = re.compile(r"^(?:start|play)\s+(?P<quiz>[a-z0-9][a-z0-9-]{1,63})$", re.IGNORECASE)


def answer_hint(game: Game) -> str:
    q = game.session.question
    if isinstance(q, ChoiceQuestion):
        last = letter(len(q.choices) - 1)
        return (
            _("Answer with letters from A to {last}, e.g. **A, C**.")
            if q.select_all
            else _("Answer with a letter from A to {last}.")
        ).format(last=last)
    if isinstance(q, TrueFalseQuestion):
        # Translators: the words a player types are English "true" and "false", which is
        # what the chat understands.
        return _("Answer **true** or **false**.")
    if isinstance(q, NumberQuestion):
        return _("Answer with a number.")
    assert isinstance(q, ShortAnswerQuestion)
    return _("Type your answer.")


class ChatCog(commands.Cog, name="Chat"):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    def _addressed(self, message: discord.Message) -> str | None:
        """The text meant for the bot, or None when the message is not for it."""
        if message.author.bot or self.bot.user is None:
            return None
        if message.guild is not None and self.bot.user not in message.mentions:
            return None
        return _MENTION.sub("", message.content).strip()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        text = self._addressed(message)
        if text is None:
            return
        reply: dict[str, Any]
        # A message has no locale (only interactions do): the chat speaks English.
        with i18n.using(i18n.DEFAULT_LANGUAGE):
            try:
                reply = await self.respond(message, text)
            except Exception:
                log.exception("chat message %s failed", message.id)
                reply = {"content": _(SORRY)}
        await message.channel.send(**reply)

    async def respond(self, message: discord.Message, text: str) -> dict[str, Any]:
        word = text.casefold().rstrip("!.?").strip()
        game = await self.bot.games.open_game_of(message.channel.id, message.author.id, CHAT)
        guild_id = message.guild.id if message.guild else None
        if word in ("", "help", "hi", "hello"):
            return {"content": _(HELP)}
        asked = _ASK.match(text.strip())
        if asked and (game is None or game.session.phase != Phase.ASKING):
            answer = await self.bot.library.ask(guild_id, asked["question"])
            return {"embed": rendering.ask_embed(asked["question"], answer)}
        if word in ("list", "quizzes"):
            rows = self.bot.library.available(guild_id)
            return {"embed": rendering.quiz_list_embed(rows)}
        if word == "review":
            if game is not None:
                await self.bot.games.stop(game)
            started = await start_review(
                self.bot,
                guild_id=guild_id or 0,
                user_id=message.author.id,
                channel_id=message.channel.id,
                interface=CHAT,
            )
            if isinstance(started, str):
                return {"content": started}
            total = started.session.total
            return self._question(
                started,
                intro=ngettext(
                    "Review time: {count} question(s) to look at again.",
                    "Review time: {count} question(s) to look at again.",
                    total,
                ).format(count=i18n.format_number(total)),
            )
        start = _START.match(text.strip())
        if word in ("quiz me", "quiz", "start") or start:
            return await self._start(message, start["quiz"].casefold() if start else None, guild_id)
        if game is None:
            return {
                "content": _("We are not in a quiz. Say **quiz me** to start one, or **help**.")
            }
        if word in ("why", "where does it say", "explain"):
            return self._why(game, message.author.id)
        if word in ("score", "my score"):
            return await self._score(game, message.author.id)
        if word in ("stop", "quit", "end"):
            await self.bot.games.stop(game)
            return await self._score(
                game, message.author.id, prefix=_("Stopped. Your answers are kept.")
            )
        if word in ("next", "skip", "continue"):
            return await self._next(game, message.author.id)
        return await self._answer(game, message, text)

    async def _start(
        self, message: discord.Message, quiz_id: str | None, guild_id: int | None
    ) -> dict[str, Any]:
        available = self.bot.library.available(guild_id)
        if quiz_id is None:
            if len(available) != 1:
                if not available:
                    return {"content": _("Which quiz? Say **start <id>**. Quizzes: none yet.")}
                ids = ", ".join(f"**{q.id}**" for q in available)
                return {
                    "content": _("Which quiz? Say **start <id>**. Quizzes: {ids}.").format(ids=ids)
                }
            loaded = available[0]
        else:
            loaded = self.bot.library.get(guild_id, quiz_id)
            if loaded is None:
                return {
                    "content": _("There is no quiz `{quiz}`. Say **list** to see them.").format(
                        quiz=quiz_id
                    )
                }
        previous = await self.bot.games.open_game_of(message.channel.id, message.author.id, CHAT)
        if previous is not None:
            await self.bot.games.stop(previous)
        game = await self.bot.games.start(
            loaded,
            guild_id=guild_id or 0,
            owner_id=message.author.id,
            mode=Mode.SOLO,
            channel_id=message.channel.id,
            interface=CHAT,
        )
        total = game.session.total
        return self._question(
            game,
            intro=ngettext(
                "Let's go: **{title}**, {count} questions.",
                "Let's go: **{title}**, {count} questions.",
                total,
            ).format(title=loaded.quiz.title, count=i18n.format_number(total)),
        )

    def _question(self, game: Game, intro: str = "") -> dict[str, Any]:
        embed = rendering.game_question_embed(game)
        return {"content": f"{intro}\n{answer_hint(game)}".strip(), "embed": embed}

    async def _answer(self, game: Game, message: discord.Message, text: str) -> dict[str, Any]:
        session = game.session
        if session.phase == Phase.REVEALED:
            return {
                "content": _("Say **next** for the next question, or **why?** for the explanation.")
            }
        try:
            response = parse_response(session.question, session.order, text)
            outcome = await self.bot.games.answer(
                game, message.author.id, display_name(message.author), response
            )
        except QuizError as exc:
            return {"content": f"{exc.sentence()} {answer_hint(game)}"}
        except AnswerNotStored:
            return {"content": _("Your answer could not be saved just now; please send it again.")}
        embed = rendering.game_answer_embed(game, outcome)
        follow = (
            _("Say **next** for the next question.")
            if not session.is_last
            else _("That was the last question: say **next** for your score.")
        )
        return {"content": follow, "embed": embed}

    async def _next(self, game: Game, user_id: int) -> dict[str, Any]:
        if game.session.phase == Phase.ASKING:
            return {
                "content": _("Answer this one first (or say **stop**). {hint}").format(
                    hint=answer_hint(game)
                )
            }
        if await self.bot.games.next(game):
            return self._question(game)
        return await self._score(game, user_id, prefix=_("That's the end of the quiz!"))

    def _why(self, game: Game, user_id: int) -> dict[str, Any]:
        mine = [o for o in game.session.outcomes if o.user_id == user_id]
        if not mine:
            return {
                "content": _("Answer a question first; then I can show where the text says so.")
            }
        # The last answer's own screen: its letters, not the open question's.
        embed = rendering.game_answer_embed(game, mine[-1])
        return {"content": _("Here is why:"), "embed": embed}

    async def _score(self, game: Game, user_id: int, prefix: str = "") -> dict[str, Any]:
        return {
            "content": prefix.strip() or None,
            "embed": await game_summary(self.bot, game, user_id),
        }


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(ChatCog(bot))
