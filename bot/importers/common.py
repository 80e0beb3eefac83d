"""What the importers share: ids, titles, the report, and the checks every question passes.

An importer feeds questions to a `QuizBuilder`, which gives each a unique id, checks it with
the project's own models and checks (so that what it keeps is valid), and records every
change and every skipped question as a `Note`. The result is a `Conversion`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.i18n import _, format_number, ngettext
from bot.importers.emit import dump_quiz
from bot.quiz.diagnostics import format_loc
from bot.quiz.matching import normalize_answer
from bot.quiz.messages import translate
from bot.quiz.models import AnyQuestion, Question
from bot.quiz.rules import check_questions
from bot.quiz.yaml_reader import YamlError, decode

MAX_QUESTIONS = 500  # per quiz; a longer import is split into parts
MAX_CHOICES = 10  # per choice question, as the quiz format allows
MAX_INPUT_BYTES = 16 * 1024 * 1024  # a file to import
MAX_PROMPT = 1500
MAX_ANSWER = 300
MAX_FEEDBACK = 1000
MAX_EXPLANATION = 1500
MAX_TITLE = 256
MAX_AUTHOR = 256
MAX_DESCRIPTION = 1000
MAX_TAG = 50
MAX_ID = 64


class ImportFailure(Exception):
    """The input cannot be converted at all (not YAML, not a trivia list...); says why."""


@dataclass(frozen=True, slots=True)
class Note:
    """One change or omission, for the teacher to check."""

    line: int | None  # where in the input, 1-based
    subject: str  # the question (title or first words), or the key concerned
    message: str
    skipped: bool = False  # the whole question was left out

    def format(self) -> str:
        message = (
            _("skipped: {reason}").format(reason=self.message) if self.skipped else self.message
        )
        if self.line is not None and self.subject:
            return _("line {line}: {subject}: {message}").format(
                line=self.line, subject=self.subject, message=message
            )
        if self.line is not None:
            return _("line {line}: {message}").format(line=self.line, message=message)
        if self.subject:
            # Translators: a note about a question or key of the imported file.
            return _("{subject}: {message}").format(subject=self.subject, message=message)
        return message


@dataclass(slots=True)
class Conversion:
    """An imported quiz: the data of the quiz file and the report."""

    quiz_id: str
    title: str
    description: str | None = None
    author: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    questions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    skipped: int = 0

    @property
    def kept(self) -> int:
        return len(self.questions)

    def quizzes(self) -> list[dict[str, Any]]:
        """The quiz data in the documented key order; in parts when over 500 questions.

        Parts share the sizes evenly, keep the file order, and are numbered in their ids
        (`general-1`, `general-2`) and titles (`General (part 1 of 2)`).
        """
        if not self.questions:
            return []
        count = -(-len(self.questions) // MAX_QUESTIONS)
        if count == 1:
            return [self._quiz(self.quiz_id, self.title, self.questions)]
        size, extra = divmod(len(self.questions), count)
        out = []
        start = 0
        for number in range(1, count + 1):
            end = start + size + (1 if number <= extra else 0)
            suffix = f"-{number}"
            quiz_id = self.quiz_id[: MAX_ID - len(suffix)].rstrip("-") + suffix
            # Translators: the title of one of the quizzes a long import is split into.
            part = _("{title} (part {number} of {count})")
            title = part.format(title=clip(self.title, MAX_TITLE - 20), number=number, count=count)
            out.append(self._quiz(quiz_id, title, self.questions[start:end]))
            start = end
        return out

    def documents(self) -> list[tuple[str, str]]:
        """(quiz id, YAML text) for each quiz of `quizzes()`."""
        return [(quiz["id"], dump_quiz(quiz)) for quiz in self.quizzes()]

    def _quiz(self, quiz_id: str, title: str, questions: list[dict[str, Any]]) -> dict[str, Any]:
        quiz: dict[str, Any] = {"id": quiz_id, "title": title}
        if self.description:
            quiz["description"] = self.description
        if self.author:
            quiz["author"] = self.author
        if self.settings:
            quiz["settings"] = dict(self.settings)
        quiz["questions"] = questions
        return quiz


def check_size(data: bytes) -> None:
    """ImportFailure for a file past MAX_INPUT_BYTES, before anything reads it."""
    if len(data) > MAX_INPUT_BYTES:
        raise ImportFailure(
            ngettext(
                "the file is {size} byte; the limit is 16 MiB",
                "the file is {size} bytes; the limit is 16 MiB",
                len(data),
            ).format(size=format_number(len(data)))
        )


def read_text(data: bytes | str) -> str:
    """A file's text: bytes checked for size, then decoded as quiz files are (UTF-8 or
    UTF-16 with its byte-order mark); ImportFailure when they cannot be."""
    if isinstance(data, str):
        return data
    check_size(data)
    try:
        return decode(data)
    except YamlError as exc:
        raise ImportFailure(exc.message) from None


def slugify(text: str, limit: int = MAX_ID) -> str:
    """Lowercase ASCII letters, digits and single dashes; accents dropped; cut at `limit`.

    The cut is hard (not at a word) so that questions sharing a long opening keep what
    tells them apart for as long as possible.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def quiz_id_from_name(name: str) -> str:
    slug = slugify(name)
    if len(slug) >= 2:
        return slug
    return f"{slug}-quiz" if slug else "imported-quiz"


def title_from_name(name: str) -> str:
    """A file stem made readable: `world-capitals` -> `World capitals`."""
    words = [w for w in re.split(r"[-_\s]+", name) if w]
    text = " ".join(words)
    return clip(text[:1].upper() + text[1:], MAX_TITLE) if text else _("Imported quiz")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shorten(text: str, limit: int = 60) -> str:
    """A question as named in notes: one line, quoted, cut."""
    return '"' + clip(" ".join(text.split()), limit) + '"'


@functools.cache
def _question_adapter() -> TypeAdapter[AnyQuestion]:
    return TypeAdapter(Question)


def question_problems(data: dict[str, Any], quiz_title: str) -> list[str]:
    """Why the project's loader would refuse this question (empty when it is valid)."""
    try:
        question = _question_adapter().validate_python(data)
    except ValidationError as exc:
        return [
            f"{format_loc(e.loc)}: {e.message}" if e.loc else e.message
            for e in translate(exc.errors(), data, lambda loc: None)
        ]
    findings = check_questions([(0, question)], quiz_title, None, None)
    return [f.message for f in findings if f.severity == "error"]


class QuizBuilder:
    """Collects questions and notes in file order; ids are unique within the quiz."""

    def __init__(self, name: str) -> None:
        self.conversion = Conversion(quiz_id_from_name(name), title_from_name(name))
        self._ids: set[str] = set()

    def note(self, line: int | None, subject: str, message: str) -> None:
        self.conversion.notes.append(Note(line, subject, message))

    def skip(self, line: int | None, subject: str, reason: str) -> None:
        self.conversion.notes.append(Note(line, subject, reason, skipped=True))
        self.conversion.skipped += 1

    def add(self, line: int | None, subject: str, id_source: str, body: dict[str, Any]) -> bool:
        """Add a question (`body`: its keys after `id`, in the documented order).

        Skips it, with the reason, when its prompt is empty or too long, or when the
        project's checks would refuse it.
        """
        prompt = body.get("prompt", "")
        if not prompt:
            self.skip(line, subject, _("the question has no text"))
            return False
        if len(prompt) > MAX_PROMPT:
            self.skip(
                line,
                subject,
                ngettext(
                    "the question is {length} character long; the limit is {limit}",
                    "the question is {length} characters long; the limit is {limit}",
                    len(prompt),
                ).format(length=format_number(len(prompt)), limit=format_number(MAX_PROMPT)),
            )
            return False
        question = {"id": self._unique_id(id_source), **body}
        problems = question_problems(question, self.conversion.title)
        if problems:
            self._ids.discard(question["id"])
            self.skip(line, subject, "; ".join(problems))
            return False
        self.conversion.questions.append(question)
        return True

    def _unique_id(self, text: str) -> str:
        base = slugify(text)
        if len(base) == 1:  # ids have at least two characters
            base = f"q-{base}"
        elif not base:  # nothing usable in ASCII: a stable id from the text itself
            base = "q-" + hashlib.sha1(text.encode()).hexdigest()[:8]
        candidate, number = base, 1
        while candidate in self._ids:
            number += 1
            suffix = f"-{number}"
            candidate = base[: MAX_ID - len(suffix)].rstrip("-") + suffix
        self._ids.add(candidate)
        return candidate


def clean_answers(
    answers: Iterable[str], builder: QuizBuilder, line: int | None, subject: str
) -> list[str]:
    """Accepted short answers as the loader needs them: each can match, none twice.

    Dropped answers are noted: no letters or digits (they could never match), over
    300 characters, or the same as an earlier one once case, accents and punctuation
    are ignored (how answers are compared).
    """
    kept: list[str] = []
    seen: dict[str, str] = {}
    for raw in answers:
        text = raw.strip()
        key = normalize_answer(text)
        if not text:
            builder.note(line, subject, _("dropped an empty answer"))
        elif not key:
            builder.note(
                line,
                subject,
                _(
                    "dropped the answer `{answer}`: it has no letters or digits, so it could "
                    "never match"
                ).format(answer=text),
            )
        elif len(text) > MAX_ANSWER:
            builder.note(
                line,
                subject,
                ngettext(
                    "dropped an answer of {length} character (the limit is {limit}): {answer}",
                    "dropped an answer of {length} characters (the limit is {limit}): {answer}",
                    len(text),
                ).format(
                    length=format_number(len(text)),
                    limit=format_number(MAX_ANSWER),
                    answer=shorten(text),
                ),
            )
        elif key in seen:
            builder.note(
                line,
                subject,
                _(
                    "dropped the answer `{answer}`: the same as `{earlier}` once case, accents "
                    "and punctuation are ignored"
                ).format(answer=text, earlier=seen[key]),
            )
        else:
            seen[key] = text
            kept.append(text)
    return kept


def clip_noted(
    text: str, limit: int, builder: QuizBuilder, line: int | None, subject: str, message: str
) -> str:
    """`text` cut to `limit` characters, with a note when it had to be cut.

    `message` is the note, translated, with the placeholders {length} and {limit}.
    """
    if len(text) <= limit:
        return text
    builder.note(
        line, subject, message.format(length=format_number(len(text)), limit=format_number(limit))
    )
    return clip(text, limit)


@dataclass(frozen=True, slots=True)
class Weighted:
    """An answer as Moodle weighs it (GIFT and Moodle XML alike)."""

    text: str
    weight: float  # the percentage of the marks it earns
    feedback: str | None


def question_body(
    kind: str, prompt: str, fields: dict[str, Any], explanation: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": kind, "prompt": prompt, **fields}
    if explanation:
        body["explanation"] = explanation
    return body


class QuestionReader:
    """What the readers of one question of another format share: notes and skips under
    the question's line and subject, one explanation for everyone, clipped feedback, and
    Moodle's weighted answers turned into choices or accepted answers."""

    builder: QuizBuilder
    line: int | None
    subject: str

    def _note(self, message: str) -> None:
        self.builder.note(self.line, self.subject, message)

    def _skip(self, reason: str) -> None:
        self.builder.skip(self.line, self.subject, reason)

    def _one_explanation(
        self,
        general: str | None,
        fallbacks: list[str | None],
        others: list[tuple[str, str | None]],
    ) -> str | None:
        """Quizbot shows one explanation to everyone: the general feedback, else the first
        of `fallbacks` (the format's own order of preference). Feedback not used, and the
        feedback of other answers (`others`: (answer, feedback)), is noted as dropped."""
        explanation = general
        for text in fallbacks:
            if text and explanation is None:
                explanation = text
            elif text:
                self._note(
                    _(
                        "dropped the feedback {feedback} (Quizbot keeps one explanation "
                        "per question)"
                    ).format(feedback=shorten(text))
                )
        for answer, text in others:
            if text:
                self._note(
                    _("dropped the feedback for the answer `{answer}`: {feedback}").format(
                        answer=answer, feedback=shorten(text)
                    )
                )
        return explanation

    def _choice_body(
        self,
        answers: list[Weighted],
        single: bool,
        prompt: str,
        general: str | None,
        none_right: str,
        many_right: Callable[[int], str],
    ) -> dict[str, Any] | None:
        """A choice question from weighted answers: with `single`, the ones at 100% are
        right; otherwise every one with a positive weight. `none_right` and `many_right`
        (given the count) say, in the format's words, why a question is skipped."""
        if not 2 <= len(answers) <= MAX_CHOICES:
            self._skip(
                _("a multiple-choice question needs 2 to {most} answers; it has {count}").format(
                    most=MAX_CHOICES, count=len(answers)
                )
            )
            return None
        right = [a.weight >= 100 if single else a.weight > 0 for a in answers]
        if not any(right):
            self._skip(none_right)
            return None
        if single and sum(right) > 1:
            self._skip(many_right(sum(right)))
            return None
        choices = []
        for answer, ok in zip(answers, right, strict=True):
            if single and not ok and answer.weight > 0:
                self._note(
                    _(
                        "`{answer}` earns {weight}% in Moodle; Quizbot has no partial credit, "
                        "so it counts as wrong"
                    ).format(answer=answer.text, weight=f"{answer.weight:g}")
                )
            item: dict[str, Any] = {"text": answer.text}
            if ok:
                item["correct"] = True
            if answer.feedback:
                item["feedback"] = self._clip_feedback(answer.feedback)
            choices.append(item)
        return question_body("choice", prompt, {"choices": choices}, general)

    def _short_answer_body(
        self, answers: Iterable[Weighted], prompt: str, general: str | None
    ) -> dict[str, Any] | None:
        """A short-answer question from weighted answers: any positive weight is accepted
        for full points (noted), the others dropped (noted)."""
        accepted: list[str] = []
        full_feedback: list[str | None] = []
        other_feedback: list[tuple[str, str | None]] = []
        for answer in answers:
            if answer.weight >= 100:
                full_feedback.append(answer.feedback)
            else:
                other_feedback.append((answer.text, answer.feedback))
            if answer.weight <= 0:
                self._note(
                    _("dropped the answer `{answer}`: it earns {weight}% in Moodle").format(
                        answer=answer.text, weight=f"{answer.weight:g}"
                    )
                )
                continue
            if answer.weight < 100:
                self._note(
                    _(
                        "accepted `{answer}` for full points (it earns {weight}% in Moodle; "
                        "Quizbot has no partial credit)"
                    ).format(answer=answer.text, weight=f"{answer.weight:g}")
                )
            if "*" in answer.text:
                self._note(
                    _(
                        "`{answer}`: `*` is a wildcard in Moodle; here it is an ordinary character"
                    ).format(answer=answer.text)
                )
            accepted.append(answer.text)
        kept = clean_answers(accepted, self.builder, self.line, self.subject)
        if not kept:
            self._skip(_("no usable right answer is left"))
            return None
        explanation = self._one_explanation(general, full_feedback, other_feedback)
        return question_body("short_answer", prompt, {"answers": kept}, explanation)

    def _clip_feedback(self, text: str) -> str:
        message = ngettext(
            "feedback is {length} character long; cut to the limit of {limit}",
            "feedback is {length} characters long; cut to the limit of {limit}",
            len(text),
        )
        return clip_noted(text, MAX_FEEDBACK, self.builder, self.line, self.subject, message)
