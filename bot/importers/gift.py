"""Moodle GIFT -> a quiz.

Questions are separated by blank lines; `//` lines are comments; `$CATEGORY: a/b` sets the
tags of the questions after it; `::title::` names a question (its id comes from it). The
answers stand in braces, and their content decides the type, as in Moodle's own importer:

  {}                      essay: skipped (nothing to check automatically)
  {#...}                  numerical: `number`
  {=a ~b ~c}              multiple choice: `choice` (select-all with weights `~%50%a`)
  {=a -> b =c -> d}       matching: skipped
  {T} {FALSE} ...         true/false: `true_false`
  {=a =b}                 short answer: `short_answer`

Text after the braces makes a missing-word question: the prompt reads "before ___ after".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.i18n import _, ngettext
from bot.importers.common import (
    MAX_EXPLANATION,
    MAX_TAG,
    Conversion,
    QuestionReader,
    QuizBuilder,
    Weighted,
    clip_noted,
    question_body,
    read_text,
    shorten,
    slugify,
)
from bot.importers.gift_text import protect, render, restore, split_format

BLANK = "___"
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
# Moodle writes categories as `$course$/top/Default for X/...`: the context is no topic.
_CONTEXTS = re.compile(r"^\$\w+\$$")


def convert_gift(data: bytes | str, name: str) -> Conversion:
    """A GIFT file's bytes (or text) -> a Conversion; `name` (a file stem) gives the quiz
    id and title. Raises ImportFailure when the bytes are not UTF-8 text."""
    text = _decode(data)
    builder = QuizBuilder(name)
    tags: list[str] = []
    for block in _blocks(text):
        first = block[0][1]
        if first.lstrip().startswith("$CATEGORY:"):
            tags = category_tags(first.lstrip()[len("$CATEGORY:") :])
            block = block[1:]  # Moodle wants it alone; a question right under it still counts
            if not block:
                continue
        _Question(builder, block, tags).convert()
    return builder.conversion


def category_tags(path: str) -> list[str]:
    """`$course$/top/Biology/Cells` -> ["biology", "cells"]: each part a slug, once."""
    tags: list[str] = []
    parts = [p.strip() for p in restore(protect(path)).split("/")]
    parts = [p for p in parts if p and not _CONTEXTS.match(p)]
    if parts and parts[0].lower() == "top":  # Moodle's root category
        parts = parts[1:]
    for part in parts:
        tag = slugify(part, MAX_TAG)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _decode(data: bytes | str) -> str:
    return read_text(data).replace("\r\n", "\n").replace("\r", "\n")


Block = list[tuple[int, str]]  # (line number, line) of one question, comments left out


def _blocks(text: str) -> Iterator[Block]:
    """Blank lines separate questions; `//` comment lines are dropped (as in Moodle, they
    do not separate questions)."""
    block: Block = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped:
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


class _Question(QuestionReader):
    """One GIFT question block, taken apart as Moodle's importer does. Its explanation is
    the general feedback (`####`), else the right answer's feedback, else the feedback for
    wrong answers (it usually says what is right)."""

    def __init__(self, builder: QuizBuilder, block: Block, tags: list[str]) -> None:
        self.builder = builder
        self.line = block[0][0]
        self.raw = protect("\n".join(line for _number, line in block)).strip()
        self.tags = tags
        self.fmt = "moodle"  # the question text's format: the default of its other parts
        self.subject = ""

    def convert(self) -> None:
        text, title = self._title(self.raw)
        start = text.find("{")
        end = text.find("}", start + 1) if start >= 0 else text.find("}")
        head = text if start < 0 else text[:start]
        self.subject = shorten(title) if title else shorten(restore(head) or restore(text))
        if start < 0 and end < 0:
            self._skip(
                _(
                    "no answer braces: a description (text shown between questions in Moodle), "
                    "not a question"
                )
            )
            return
        if end < 0:
            self._skip(
                _("the answer braces are unbalanced (no closing `}`); escape a brace as \\{")
            )
            return
        if start < 0:
            self._skip(
                _("the answer braces are unbalanced (no opening `{`); escape a brace as \\{")
            )
            return
        before, answer, after = text[:start], text[start + 1 : end], text[end + 1 :]
        if "{" in after or "}" in after:
            self._skip(
                _(
                    "more than one `{...}`: questions must be separated by a blank line "
                    "(braces in text are written \\{ and \\})"
                )
            )
            return
        prompt_raw = before + BLANK + after if after.strip() else before
        self.fmt, prompt_body = split_format(prompt_raw, "moodle")
        rendered = render(prompt_body, self.fmt)
        prompt = rendered.text
        if not title and prompt:
            self.subject = shorten(prompt)
        if rendered.images:
            self._dropped_images(rendered.images)
        general = None
        separator = answer.rfind("####")
        if separator >= 0:
            general = self._part(answer[separator + 4 :])
            answer = answer[:separator]
        body = self._answers(answer.strip(), prompt, general)
        if body is None:
            return
        if "explanation" in body:
            body["explanation"] = clip_noted(
                body["explanation"],
                MAX_EXPLANATION,
                self.builder,
                self.line,
                self.subject,
                ngettext(
                    "the explanation is {length} character long; cut to the limit of {limit}",
                    "the explanation is {length} characters long; cut to the limit of {limit}",
                    len(body["explanation"]),
                ),
            )
        if self.tags:
            body["tags"] = list(self.tags)
        self.builder.add(self.line, self.subject, title or prompt, body)

    def _title(self, text: str) -> tuple[str, str | None]:
        if not text.startswith("::"):
            return text, None
        end = text.find("::", 2)
        if end < 0:  # Moodle reads the rest as the question text
            return text[2:].strip(), None
        title = " ".join(restore(text[2:end]).split())
        return text[end + 2 :].strip(), title or None

    def _answers(self, answer: str, prompt: str, general: str | None) -> dict[str, Any] | None:
        # The order of these tests is Moodle's: `~` wins over `->`, `#` first wins over all.
        if not answer:
            self._skip(_("an essay question (empty `{}`): Quizbot checks every answer itself"))
            return None
        if answer.startswith("#"):
            return self._numerical(answer[1:], prompt, general)
        if "~" in answer:
            return self._choice(answer, prompt, general)
        if "=" in answer and "->" in answer:
            self._skip(_("a matching question (`->`): Quizbot has no matching questions"))
            return None
        head = answer.split("#", 1)[0].strip().upper()
        if head in _TRUE_FALSE:
            return self._true_false(answer, prompt, general)
        return self._short_answer(answer, prompt, general)

    def _choice(self, answer: str, prompt: str, general: str | None) -> dict[str, Any] | None:
        single = "=" in answer  # with `=`, one right answer; without, weights decide
        choices: list[Weighted] = []
        for piece in re.split(r"(?=[~=])", answer):
            piece = piece.strip()
            if not piece:
                continue
            marker = piece[0] if piece[0] in "~=" else ""
            text, weight = _weighted(piece[len(marker) :], 100.0 if marker == "=" else 0.0)
            text, _hash, feedback = text.partition("#")
            choices.append(Weighted(self._part(text) or "", weight, self._feedback(feedback)))
        return self._choice_body(
            choices,
            single,
            prompt,
            general,
            none_right=_("no answer is right (none has `=` or a positive weight `~%50%`)"),
            many_right=lambda count: ngettext(
                "{count} answer is marked right with `=`; in Quizbot several right "
                "choices make a select-all question, which would change its meaning",
                "{count} answers are marked right with `=`; in Quizbot several right "
                "choices make a select-all question, which would change its meaning",
                count,
            ).format(count=count),
        )

    def _true_false(self, answer: str, prompt: str, general: str | None) -> dict[str, Any]:
        # {T#feedback for a wrong answer#feedback for the right one}
        bits = answer.split("#", 2)
        value = _TRUE_FALSE[bits[0].strip().upper()]
        wrong = self._part(bits[1]) if len(bits) > 1 else None
        right = self._part(bits[2]) if len(bits) > 2 else None
        explanation = self._one_explanation(general, [right, wrong], [])
        return question_body("true_false", prompt, {"answer": value}, explanation)

    def _short_answer(self, answer: str, prompt: str, general: str | None) -> dict[str, Any] | None:
        answers: list[Weighted] = []
        for piece in answer.split("="):
            piece = piece.strip()
            if not piece:
                continue
            text, weight = _weighted(piece, 100.0)
            text, _hash, comment = text.partition("#")
            answers.append(Weighted(self._part(text) or "", weight, self._part(comment)))
        return self._short_answer_body(answers, prompt, general)

    def _numerical(self, answer: str, prompt: str, general: str | None) -> dict[str, Any] | None:
        wrong = None
        tilde = answer.find("~")
        if tilde >= 0:  # `~#feedback` is for every other answer
            wrong = self._part(answer[tilde + 1 :].partition("#")[2])
            answer = answer[:tilde]
        full: list[tuple[Decimal, Decimal, str | None, str]] = []
        other_feedback: list[tuple[str, str | None]] = []
        for piece in answer.split("="):
            piece = piece.strip()
            if not piece:
                continue
            text, weight = _weighted(piece, 100.0)
            text, _hash, comment = text.partition("#")
            value = restore(text).strip()
            parsed = _number_and_tolerance(value)
            if parsed is None:
                self._skip(
                    _("`{answer}` is not a number, a number:tolerance or a min..max range").format(
                        answer=value
                    )
                )
                return None
            if weight < 100:
                self._note(
                    _("dropped the answer `{answer}`: it earns {weight}% in Moodle").format(
                        answer=value, weight=f"{weight:g}"
                    )
                )
                other_feedback.append((value, self._part(comment)))
                continue
            full.append((*parsed, self._part(comment), value))
        if not full:
            self._skip(_("no answer earns full marks"))
            return None
        for *_others, value in full[1:]:
            self._note(
                _(
                    "dropped `{answer}`: a number question has one right answer; kept the first"
                ).format(answer=value)
            )
        number, tolerance, comment, _first = full[0]
        fields: dict[str, Any] = {"answer": _yaml_number(number)}
        if tolerance:
            fields["tolerance"] = _yaml_number(tolerance)
        other_feedback += [(value, other) for _n, _t, other, value in full[1:]]
        explanation = self._one_explanation(general, [comment, wrong], other_feedback)
        return question_body("number", prompt, fields, explanation)

    def _feedback(self, raw: str) -> str | None:
        text = self._part(raw)
        if text is None:
            return None
        return self._clip_feedback(text)

    def _part(self, raw: str) -> str | None:
        """An answer or feedback: its own format marker, else the question's."""
        fmt, body = split_format(raw, self.fmt)
        return self._text(body, fmt) or None

    def _text(self, raw: str, fmt: str) -> str:
        rendered = render(raw, fmt)
        if rendered.images:
            self._dropped_images(rendered.images)
        return rendered.text

    def _dropped_images(self, count: int) -> None:
        # Translators: "image(s)" is the English for both forms; use your plural forms.
        message = ngettext(
            "dropped {count} image(s) from the HTML",
            "dropped {count} image(s) from the HTML",
            count,
        )
        self._note(message.format(count=count))


def _weighted(text: str, default: float) -> tuple[str, float]:
    """`%50%answer` -> ("answer", 50.0); no weight -> (text, default)."""
    match = _WEIGHT.match(text.strip())
    if match is None:
        return text, default
    return text.strip()[match.end() :], float(match.group(1))


def _number_and_tolerance(text: str) -> tuple[Decimal, Decimal] | None:
    """`3.14:0.01` -> (3.14, 0.01); `1..5` -> (3, 2), the midpoint and half the range."""
    if ".." in text[1:]:
        low_text, _dots, high_text = text.partition("..")
        low, high = _decimal(low_text), _decimal(high_text)
        if low is None or high is None:
            return None
        low, high = min(low, high), max(low, high)
        return (low + high) / 2, (high - low) / 2
    if ":" in text[1:]:
        value_text, _colon, tolerance_text = text.partition(":")
        value, tolerance = _decimal(value_text), _decimal(tolerance_text)
        if value is None or tolerance is None or tolerance < 0:
            return None
        return value, tolerance
    value = _decimal(text)
    return None if value is None else (value, Decimal(0))


def _decimal(text: str) -> Decimal | None:
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    return value if math.isfinite(float(value)) else None


def _yaml_number(value: Decimal) -> int | float:
    """Whole numbers written without a decimal point stay ints (`3`, not `3.0`)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)
