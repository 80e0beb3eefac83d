"""Aiken -> a quiz: single-choice questions as Moodle reads them.

    What is the capital of France?
    A. Paris
    B) Lyon
    ANSWER: A

The question text comes first (several lines are kept as one prompt), then the choices,
lettered in order from A, each `A.` or `A)`, then `ANSWER:` and the right letter. A
question ends at its `ANSWER:` line or at a blank line; a block that breaks these rules is
skipped with its line and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from string import ascii_uppercase

from bot.i18n import _
from bot.importers.common import MAX_CHOICES, Conversion, QuizBuilder, shorten
from bot.importers.gift import _decode

_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


def convert_aiken(data: bytes | str, name: str) -> Conversion:
    """An Aiken file -> a Conversion; `name` (a file stem) gives the quiz id and title.
    Raises ImportFailure when the bytes are not UTF-8 text."""
    text = _decode(data)
    builder = QuizBuilder(name)
    block = _Block()
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            if block.started:
                block.finish(builder)
                block = _Block()
            continue
        block.take(number, line)
        if block.done:
            block.finish(builder)
            block = _Block()
    if block.started:
        block.finish(builder)
    return builder.conversion


@dataclass(slots=True)
class _Block:
    """One question's lines, checked as they come; the first problem is kept."""

    first: int = 0
    prompt: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    answer: str | None = None
    problem: tuple[int, str] | None = None
    done: bool = False

    @property
    def started(self) -> bool:
        return self.first > 0

    def take(self, number: int, line: str) -> None:
        if not self.started:
            self.first = number
        answer = _ANSWER.match(line)
        if answer is not None:
            self.answer = answer.group(1).strip()
            self.done = True
            return
        if self.problem is not None:
            return
        option = _OPTION.match(line)
        if option is not None:
            letter, text = option.groups()
            expected = ascii_uppercase[len(self.choices)] if len(self.choices) < 26 else "?"
            if letter != expected:
                self.problem = (
                    number,
                    _(
                        "the choice letters are out of order: expected {expected}, found {found}"
                    ).format(expected=expected, found=letter),
                )
                return
            self.choices.append(text.strip())
        elif self.choices:
            self.problem = (
                number,
                _("`{line}` is neither a choice (`{letter}. ...`) nor `ANSWER: X`").format(
                    line=shorten(line, 40).strip('"'), letter=ascii_uppercase[len(self.choices)]
                ),
            )
        else:
            self.prompt.append(line)

    def finish(self, builder: QuizBuilder) -> None:
        prompt = "\n".join(self.prompt)
        subject = shorten(prompt) if prompt else ""
        if self.problem is not None:
            line, reason = self.problem
            builder.skip(line, subject, reason)
            return
        reason = self._reason()
        if reason is not None:
            builder.skip(self.first, subject, reason)
            return
        assert self.answer is not None  # _reason checked it
        right = ascii_uppercase.index(self.answer.upper())
        choices: list[dict[str, object]] = []
        for index, text in enumerate(self.choices):
            choices.append({"text": text, "correct": True} if index == right else {"text": text})
        builder.add(
            self.first, subject, prompt, {"type": "choice", "prompt": prompt, "choices": choices}
        )

    def _reason(self) -> str | None:
        if not self.prompt:
            return _("no question text before the choices")
        if not self.choices:
            return _("no choices (lines such as `A. ...`)")
        if not 2 <= len(self.choices) <= MAX_CHOICES:
            return _("a multiple-choice question needs 2 to {most} answers; it has {count}").format(
                most=MAX_CHOICES, count=len(self.choices)
            )
        if self.answer is None:
            return _("no `ANSWER:` line after the choices")
        letters = ascii_uppercase[: len(self.choices)]
        if len(self.answer) != 1 or self.answer.upper() not in letters:
            return _(
                "`ANSWER: {answer}` names no choice; expected one letter from A to {last}"
            ).format(answer=self.answer, last=letters[-1])
        return None
