"""What can go wrong while playing: the edges (Discord, chat, terminal) show `str(error)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import N_, _
from bot.quiz.presentation import true_false_labels

if TYPE_CHECKING:  # only for type hints: the session module imports this one
    from bot.quiz.session import Outcome


class QuizError(Exception):
    """Base of every error a player or a teacher can cause; its `str()` is the message.

    Messages are written in English (logs and `str()` show them so) and translated by
    `sentence()`, the form players read."""

    # Translators: like every message of a quiz error, shown with its first letter
    # capitalised and a full stop added.
    message = N_("something went wrong with this quiz")

    def __init__(self, message: str | None = None) -> None:
        self.message = message or type(self).message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def sentence(self, *, markdown: bool = False) -> str:
        """The message as a sentence of its own (capitalised, with a full stop), as the
        Discord screens and chat show it; with `markdown`, what the user gave is in bold.
        The wording stays here, in one place, for every front end."""
        text = self._text(markdown)
        end = "" if text.endswith((".", "!", "?")) else "."
        return text[:1].upper() + text[1:] + end

    def _text(self, markdown: bool) -> str:
        return _(self.message)


class AlreadyAnswered(QuizError):
    """One answer per user per question: the first one is locked in."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        super().__init__(f"your answer {outcome.given} is locked in")

    def _text(self, markdown: bool) -> str:
        given = self.outcome.given
        if self.outcome.picked and given in true_false_labels():  # stored in English
            given = _(given)
        if markdown:
            given = f"**{given}**"
        # Translators: shown with its first letter capitalised and a full stop added.
        return _("your answer {given} is locked in").format(given=given)


class SessionClosed(QuizError):
    message = N_("this quiz is over: start a new one to keep playing")


class TimeUp(QuizError):
    message = N_("time is up: answers to this question are closed")


class InvalidAnswer(QuizError):
    """The input cannot be read as an answer; the message says what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class NotCurrentQuestion(QuizError):
    """An answer to a question that is no longer the open one (an old message's button)."""

    def __init__(self, question_id: str) -> None:
        self.question_id = question_id
        super().__init__(N_("that question is no longer open"))


class NotYourSession(QuizError):
    message = N_("only the student who started this quiz can answer it: start your own to play")


class NothingToAnswer(QuizError):
    message = N_("there is no open question right now: wait for the next one")


class QuestionStillOpen(QuizError):
    """`next` before the question was answered or revealed: it would skip it unseen."""

    message = N_("this question is still open: answer it first")


class InvalidOption(QuizError, ValueError):
    """A bad option when starting a game (count, time limit)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
