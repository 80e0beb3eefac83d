"""Red-DiscordBot trivia lists -> a quiz.

A Red list is a YAML mapping of question -> list of accepted answers, plus optional
`AUTHOR`, `DESCRIPTION`, `CONFIG` (and `$schema`) keys. Every question becomes a
`short_answer` question.

The file is composed, not constructed: every question and answer is taken as the text the
author wrote, so YAML 1.1's `yes`/`no`/`on`/`off` stay words (PyYAML would read booleans,
and Red would then show "True") and `2.10` stays "2.10" (not the float 2.1).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.i18n import _, format_number, ngettext
from bot.importers.common import (
    MAX_AUTHOR,
    MAX_DESCRIPTION,
    Conversion,
    ImportFailure,
    QuizBuilder,
    clean_answers,
    clip,
    clip_noted,
    read_text,
    shorten,
)

META_KEYS = ("AUTHOR", "DESCRIPTION", "CONFIG", "$schema")
_NULL = "tag:yaml.org,2002:null"


def convert_red(data: bytes | str, name: str) -> Conversion:
    """A Red trivia list's bytes (or text) -> a Conversion; `name` (the file stem) gives
    the quiz id and title. Raises ImportFailure when the input is no trivia list at all."""
    root = _compose(data)
    builder = QuizBuilder(name)
    seen: dict[str, int] = {}
    author_line: int | None = None
    for key_node, value_node in root.value:
        line = _line(key_node)
        if not isinstance(key_node, ScalarNode):
            builder.skip(line, _("a question"), _("a question must be text, not a list or mapping"))
            continue
        key = key_node.value
        if key in META_KEYS:
            _metadata(builder, key, value_node, line)
            author_line = line if key == "AUTHOR" else author_line
            continue
        subject = shorten(key)
        if key in seen:
            # Red (through PyYAML) would silently keep the last; the first is kept here,
            # and the teacher is told, since the two often disagree.
            builder.note(
                line,
                subject,
                _(
                    "asked again (first at line {first}); kept the first, dropped this one "
                    "with its answers {answers}"
                ).format(first=seen[key], answers=_answers_shown(value_node)),
            )
            continue
        seen[key] = line
        _question(builder, key, value_node, line, subject)
    _credit(builder, author_line)
    builder.conversion.notes.sort(key=lambda n: n.line or 0)  # file order, AUTHOR included
    return builder.conversion


def _compose(data: bytes | str) -> MappingNode:
    data = read_text(data)
    loader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    try:
        root = yaml.compose(data, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        raise ImportFailure(_yaml_problem(exc)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise ImportFailure(_("not valid YAML: {problem}").format(problem=exc)) from None
    if root is None:
        raise ImportFailure(_("the file is empty"))
    if not isinstance(root, MappingNode):
        raise ImportFailure(
            _(
                "a Red trivia list is a mapping of questions to lists of answers "
                "(`Question?: [answer, ...]`); this file is not"
            )
        )
    return root


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """What PyYAML found wrong (in its own English words), and where."""
    mark = exc.problem_mark or exc.context_mark
    several = "expected a single document" in (exc.context or "")
    if mark is None:
        if several:
            return _("the file holds more than one YAML document; a trivia list is one")
        return _("not valid YAML: {problem}").format(problem=exc.problem)
    line, column = mark.line + 1, mark.column + 1
    if several:
        return _(
            "the file holds more than one YAML document (line {line}, column {column}); "
            "a trivia list is one"
        ).format(line=line, column=column)
    return _("not valid YAML: {problem} (line {line}, column {column})").format(
        problem=exc.problem, line=line, column=column
    )


def _question(builder: QuizBuilder, key: str, value: Node, line: int, subject: str) -> None:
    if isinstance(value, ScalarNode) and value.tag != _NULL:
        # Red wants a list; one answer written without the dash is still plainly meant.
        builder.note(line, subject, _("the answer is not in a list; took it as the one answer"))
        written = [value.value]
    elif isinstance(value, SequenceNode):
        written = []
        for item in value.value:
            if isinstance(item, ScalarNode):
                written.append(item.value)  # the text as written: `yes` stays yes
            else:
                builder.note(line, subject, _("dropped an answer that is a list or mapping"))
    elif isinstance(value, MappingNode):
        builder.skip(line, subject, _("the answers are a mapping; Red expects a list of answers"))
        return
    else:
        builder.skip(line, subject, _("the question has no answers"))
        return
    answers = clean_answers(written, builder, line, subject)
    if not answers:
        builder.skip(line, subject, _("no usable answer is left"))
        return
    body: dict[str, Any] = {"type": "short_answer", "prompt": key.strip(), "answers": answers}
    builder.add(line, subject, key, body)


def _metadata(builder: QuizBuilder, key: str, value: Node, line: int) -> None:
    if key == "$schema":
        return  # an editor hint for Red's schema; meaningless here
    if key == "CONFIG":
        _config(builder, value, line)
        return
    if not isinstance(value, ScalarNode) or value.tag == _NULL:
        # Translators: follows the key it is about (AUTHOR or DESCRIPTION) and a colon.
        builder.note(line, key, _("ignored: expected text"))
        return
    text = value.value.strip()
    if not text:
        return
    conversion: Conversion = builder.conversion
    if key == "AUTHOR":
        conversion.author = text  # its length is checked in _credit, after the description
    else:
        message = ngettext(
            "the description is {length} character long; cut to the limit of {limit}",
            "the description is {length} characters long; cut to the limit of {limit}",
            len(text),
        )
        conversion.description = clip_noted(text, MAX_DESCRIPTION, builder, line, key, message)


def _credit(builder: QuizBuilder, line: int | None) -> None:
    """An author list too long for `author` is cut between names ("... and 12 more"), and
    goes whole into the description when it fits there: contributors keep their credit."""
    conversion = builder.conversion
    author = conversion.author
    if author is None or len(author) <= MAX_AUTHOR:
        return
    conversion.author = _short_author(author)
    # Translators: the credit added to the description of the imported quiz.
    credit = _("Authors: {authors}").format(authors=author)
    description = f"{conversion.description}\n\n{credit}" if conversion.description else credit
    fits = len(description) <= MAX_DESCRIPTION
    if fits:
        conversion.description = description
        # Translators: follows "AUTHOR: " (the key of the trivia list).
        message = ngettext(
            "is {length} character long; `author` holds {limit}: shortened to `{short}`; "
            "the whole list is in the description",
            "is {length} characters long; `author` holds {limit}: shortened to `{short}`; "
            "the whole list is in the description",
            len(author),
        )
    else:
        # Translators: follows "AUTHOR: " (the key of the trivia list).
        message = ngettext(
            "is {length} character long; `author` holds {limit}: shortened to `{short}`",
            "is {length} characters long; `author` holds {limit}: shortened to `{short}`",
            len(author),
        )
    short = clip(conversion.author, 60)
    builder.note(
        line,
        "AUTHOR",
        message.format(length=format_number(len(author)), limit=MAX_AUTHOR, short=short),
    )


def _short_author(author: str) -> str:
    names = [n.strip() for n in author.split(",") if n.strip()]
    if len(names) < 2:
        return clip(author, MAX_AUTHOR)
    for count in range(len(names) - 1, 0, -1):
        # Translators: an author list cut short in the imported quiz: "Ann, Bob and 12 more".
        short = ngettext(
            "{names} and {count} more", "{names} and {count} more", len(names) - count
        ).format(names=", ".join(names[:count]), count=len(names) - count)
        if len(short) <= MAX_AUTHOR:
            return short
    return clip(author, MAX_AUTHOR)


def _config(builder: QuizBuilder, value: Node, line: int) -> None:
    """Red's session settings: `delay` (seconds to answer) is the quiz's time limit."""
    if not isinstance(value, MappingNode):
        builder.note(line, "CONFIG", _("ignored: expected a mapping of settings"))
        return
    ignored = []
    for key_node, item in value.value:
        name = key_node.value if isinstance(key_node, ScalarNode) else "?"
        if name == "delay" and isinstance(item, ScalarNode):
            _time_limit(builder, item)
        else:
            ignored.append(f"`{name}`")
    if ignored:
        builder.note(
            line,
            "CONFIG",
            _(
                "ignored {keys}: Quizbot has no such setting (`delay` becomes "
                "`settings.time_limit`)"
            ).format(keys=", ".join(ignored)),
        )


def _time_limit(builder: QuizBuilder, item: ScalarNode) -> None:
    line = _line(item)
    try:
        seconds = float(item.value)
    except ValueError:
        builder.note(
            line,
            "CONFIG",
            _("ignored `delay: {value}`: not a number of seconds").format(value=item.value),
        )
        return
    limit = min(300, max(5, round(seconds)))
    if limit != seconds:
        builder.note(
            line,
            "CONFIG",
            _("`delay: {value}` became `time_limit: {limit}` (whole seconds from 5 to 300)").format(
                value=item.value, limit=limit
            ),
        )
    builder.conversion.settings["time_limit"] = limit


def _answers_shown(value: Node) -> str:
    if isinstance(value, SequenceNode):
        texts = [item.value for item in value.value if isinstance(item, ScalarNode)]
        return "[" + ", ".join(texts) + "]"
    # Translators: a question of the trivia list written without answers.
    return _("(none)") if not isinstance(value, ScalarNode) else f"[{value.value}]"


def _line(node: Node) -> int:
    return node.start_mark.line + 1
