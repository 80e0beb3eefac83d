"""Moodle XML -> a quiz.

A `<quiz>` holds `<question type="...">` elements. What becomes what:

  multichoice   `choice` (`<single>false</single>`: select-all, the positive fractions
                are the right set)
  truefalse     `true_false`
  shortanswer   `short_answer` (answers with a positive fraction)
  numerical     `number` (the full-marks answer and its `<tolerance>`)
  category      the tags of the questions after it, as GIFT's `$CATEGORY`

Other types (essay, matching, cloze...) are skipped with a note. Question text in HTML is
reduced to its text. The file is parsed with defusedxml: a file from anywhere may hold
entity bombs or references to local files, which it refuses.
"""

from __future__ import annotations

import math
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from bot.i18n import _, ngettext
from bot.importers.common import (
    MAX_EXPLANATION,
    Conversion,
    ImportFailure,
    QuestionReader,
    QuizBuilder,
    Weighted,
    check_size,
    clip_noted,
    question_body,
    shorten,
)
from bot.importers.gift import category_tags
from bot.importers.gift_text import render

# Quizbot's default points: a question worth them needs no `points` key.
DEFAULT_POINTS = 10
_TRUE_TEXTS = frozenset({"true", "1", "yes"})


def convert_moodle_xml(data: bytes | str, name: str) -> Conversion:
    """A Moodle XML file -> a Conversion; `name` (a file stem) gives the quiz id and title.
    Raises ImportFailure when the file is not well-formed XML with a `<quiz>` root, or
    declares entities or a DTD."""
    root, lines = _parse(data)
    if root.tag != "quiz":
        raise ImportFailure(
            _("the root element is <{tag}>; a Moodle XML file starts with <quiz>").format(
                tag=root.tag
            )
        )
    builder = QuizBuilder(name)
    tags: list[str] = []
    for element in root:
        if element.tag != "question":
            continue
        kind = (element.get("type") or "").strip()
        if kind == "category":
            tags = category_tags(_text_of(element.find("category")))
            continue
        _Question(builder, element, kind, lines.get(element), tags).convert()
    _drop_uniform_points(builder.conversion)
    return builder.conversion


class _LinedTreeBuilder(TreeBuilder):
    """Remembers the line each element starts on, for the notes."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Element, int] = {}
        self.expat: Any = None

    def start(self, tag: Any, attrs: Any) -> Element:
        element = super().start(tag, attrs)
        if self.expat is not None:
            self.lines[element] = self.expat.CurrentLineNumber
        return element


def _parse(data: bytes | str) -> tuple[Element, dict[Element, int]]:
    # Imported here: defusedxml swaps modules in sys.modules when it is first imported.
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    raw = data.encode("utf-8") if isinstance(data, str) else data
    check_size(raw)
    builder = _LinedTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.expat = parser.parser
    try:
        parser.feed(raw)
        root = parser.close()
    except ParseError as exc:
        line, column = exc.position
        raise ImportFailure(
            _("not well-formed XML (line {line}, column {column}): {reason}").format(
                line=line, column=column + 1, reason=str(exc).split(":")[0]
            )
        ) from None
    except DefusedXmlException:
        raise ImportFailure(
            _(
                "the file declares a DTD or entities, which a Moodle export never does; "
                "refused for safety"
            )
        ) from None
    return root, builder.lines


def _text_of(element: Element | None) -> str:
    """The `<text>` inside `element` (or its own text), untouched."""
    if element is None:
        return ""
    inner = element.find("text")
    return (inner.text if inner is not None else element.text) or ""


def _drop_uniform_points(conversion: Conversion) -> None:
    # When every question has the same grade, they all count the same: no `points` needed.
    points = {q.get("points", DEFAULT_POINTS) for q in conversion.questions}
    if len(points) == 1:
        for question in conversion.questions:
            question.pop("points", None)


class _Question(QuestionReader):
    """One `<question>` element."""

    def __init__(
        self,
        builder: QuizBuilder,
        element: Element,
        kind: str,
        line: int | None,
        tags: list[str],
    ) -> None:
        self.builder = builder
        self.element = element
        self.kind = kind
        self.line = line
        self.tags = tags
        self.title = " ".join(_text_of(element.find("name")).split())
        self.subject = shorten(self.title) if self.title else ""

    def convert(self) -> None:
        prompt = self._rich(self.element.find("questiontext"), "html") or ""
        if not self.title:
            self.subject = shorten(prompt) if prompt else shorten(self.kind or "?")
        files = len(self.element.findall(".//file"))
        if files:
            # Translators: "file(s)" is the English for both forms; use your plural forms.
            message = ngettext(
                "dropped {count} attached file(s)", "dropped {count} attached file(s)", files
            )
            self._note(message.format(count=files))
        converters = {
            "multichoice": self._choice,
            "truefalse": self._true_false,
            "shortanswer": self._short_answer,
            "numerical": self._numerical,
        }
        convert = converters.get(self.kind)
        if convert is None:
            self._skip(self._unsupported())
            return
        general = self._rich(self.element.find("generalfeedback"), "html")
        body = convert(prompt, general)
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
        points = self._points()
        if points is not None:
            body["points"] = points
        tags = self._tags()
        if tags:
            body["tags"] = tags
        self.builder.add(self.line, self.subject, self.title or prompt, body)

    def _unsupported(self) -> str:
        if self.kind == "essay":
            return _("an essay question: Quizbot checks every answer itself")
        if self.kind in ("matching", "randomsamatch", "ddmatch"):
            return _("a matching question: Quizbot has no matching questions")
        if self.kind == "description":
            return _("a description (text shown between questions in Moodle), not a question")
        if self.kind == "multianswer":
            return _("an embedded-answers (cloze) question: Quizbot has no such question type")
        if not self.kind:
            return _("the question has no type")
        return _("a Moodle `{type}` question: Quizbot has no such question type").format(
            type=self.kind
        )

    # The four types Quizbot has

    def _choice(self, prompt: str, general: str | None) -> dict[str, Any] | None:
        return self._choice_body(
            self._answers(),
            _flag(self.element.findtext("single"), default=True),
            prompt,
            general,
            none_right=_("no answer earns full marks"),
            many_right=lambda count: ngettext(
                "{count} answer earns 100% in a one-answer question; in Quizbot several "
                "right choices make a select-all question, which would change its meaning",
                "{count} answers earn 100% in a one-answer question; in Quizbot several "
                "right choices make a select-all question, which would change its meaning",
                count,
            ).format(count=count),
        )

    def _true_false(self, prompt: str, general: str | None) -> dict[str, Any] | None:
        answers = self._answers()
        right = [a for a in answers if a.weight >= 100]
        if len(right) != 1 or right[0].text.strip().lower() not in ("true", "false"):
            self._skip(_("a true/false question needs one `true` or `false` answer at 100%"))
            return None
        value = right[0].text.strip().lower() == "true"
        others = [a.feedback for a in answers if a is not right[0]]
        explanation = self._one_explanation(general, [right[0].feedback, *others], [])
        return question_body("true_false", prompt, {"answer": value}, explanation)

    def _short_answer(self, prompt: str, general: str | None) -> dict[str, Any] | None:
        if _flag(self.element.findtext("usecase"), default=False):
            self._note(_("Moodle matches this answer's case; Quizbot ignores case"))
        return self._short_answer_body(self._answers(plain=True), prompt, general)

    def _numerical(self, prompt: str, general: str | None) -> dict[str, Any] | None:
        full: list[tuple[float, float, Weighted]] = []
        others: list[tuple[str, str | None]] = []
        for answer, element in zip(self._answers(plain=True), self._answer_elements(), strict=True):
            value = _number(answer.text)
            tolerance = _number(element.findtext("tolerance") or "0")
            if answer.text.strip() == "*":  # Moodle's "any other answer"
                others.append((answer.text, answer.feedback))
                continue
            if value is None or tolerance is None:
                self._skip(
                    _("`{answer}` is not a number, or its tolerance is not one").format(
                        answer=answer.text
                    )
                )
                return None
            if answer.weight < 100:
                self._note(
                    _("dropped the answer `{answer}`: it earns {weight}% in Moodle").format(
                        answer=answer.text, weight=f"{answer.weight:g}"
                    )
                )
                others.append((answer.text, answer.feedback))
                continue
            full.append((value, abs(tolerance), answer))
        if not full:
            self._skip(_("no answer earns full marks"))
            return None
        for _value, _tolerance, extra in full[1:]:
            self._note(
                _(
                    "dropped `{answer}`: a number question has one right answer; kept the first"
                ).format(answer=extra.text)
            )
            others.append((extra.text, extra.feedback))
        if self.element.find("units/unit") is not None:
            self._note(_("dropped the units: the answer is the number alone"))
        value, tolerance, first = full[0]
        fields: dict[str, Any] = {"answer": _yaml_number(value)}
        if tolerance:
            fields["tolerance"] = _yaml_number(tolerance)
        explanation = self._one_explanation(general, [first.feedback], others)
        return question_body("number", prompt, fields, explanation)

    # The parts of a question

    def _answer_elements(self) -> list[Element]:
        return self.element.findall("answer")

    def _answers(self, plain: bool = False) -> list[Weighted]:
        """Each `<answer>`: its text (HTML reduced unless `plain`: answers typed by
        students are matched as written), fraction and feedback."""
        out = []
        for element in self._answer_elements():
            fraction = _number(element.get("fraction") or "0")
            text = _text_of(element).strip() if plain else self._rich(element, "html") or ""
            out.append(
                Weighted(text, fraction or 0.0, self._rich(element.find("feedback"), "html"))
            )
        return out

    def _rich(self, element: Element | None, default: str) -> str | None:
        """A text element as Quizbot shows it, in the element's own format."""
        if element is None:
            return None
        fmt = (element.get("format") or default).lower()
        raw = _text_of(element)
        rendered = render(raw, "html" if fmt in ("html", "moodle_auto_format") else "plain")
        if rendered.images:
            # Translators: "image(s)" is the English for both forms; use your plural forms.
            message = ngettext(
                "dropped {count} image(s) from the HTML",
                "dropped {count} image(s) from the HTML",
                rendered.images,
            )
            self._note(message.format(count=rendered.images))
        return rendered.text or None

    def _points(self) -> int | None:
        grade = _number(self.element.findtext("defaultgrade") or "")
        if grade is None:
            return None
        if grade.is_integer() and 1 <= grade <= 1000:
            return None if grade == DEFAULT_POINTS else int(grade)
        self._note(
            _("the grade {grade} is not a whole number from 1 to 1000; left at 10 points").format(
                grade=f"{grade:g}"
            )
        )
        return None

    def _tags(self) -> list[str]:
        tags = list(self.tags)
        for element in self.element.findall("tags/tag"):
            tag = " ".join(_text_of(element).split())[:50].strip()
            if tag and tag not in tags:
                tags.append(tag)
        return tags


def _flag(text: str | None, default: bool) -> bool:
    if text is None or not text.strip():
        return default
    return text.strip().lower() in _TRUE_TEXTS


def _number(text: str) -> float | None:
    """A finite number, with a decimal comma accepted (Moodle writes what teachers type)."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _yaml_number(value: float) -> int | float:
    """Whole numbers written without a decimal point stay ints (`3`, not `3.0`)."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value
