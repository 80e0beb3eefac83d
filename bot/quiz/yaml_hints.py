"""Hints for the YAML mistakes teachers make most: where to fix them, and what to write.

The parser's own words ("did not find expected key") say what it tripped on, often a few
characters or a line after the real mistake. These functions look at the parser's marks,
the tokens before them and the lines of the file, and name the mistake instead: an
apostrophe that ends a single-quoted text, a `"` inside double quotes, a key out of line
with its neighbours, a missing space after `:` or `-`. They only read; when they cannot
tell, they return None and the parser's words stand.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import yaml
from yaml.tokens import (
    BlockEndToken,
    BlockEntryToken,
    BlockMappingStartToken,
    BlockSequenceStartToken,
    FlowMappingEndToken,
    FlowMappingStartToken,
    FlowSequenceEndToken,
    FlowSequenceStartToken,
    KeyToken,
    ScalarToken,
    Token,
    ValueToken,
)

from bot.i18n import N_, _
from bot.quiz.models import QUESTION_TYPES, Choice, Quiz, Settings, Source


class Mark(Protocol):
    """Where a token or an error stands (PyYAML's and libyaml's marks alike), 0-based."""

    line: int
    column: int


# A scanner over a text: the reader's loader class (libyaml's or PyYAML's), so that the
# hints see the same tokens, with the same marks, as the parse that failed.
Scanner = Callable[[str], Any]

# YAML's line breaks, as its marks count them (not str.splitlines, which knows more).
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
# `prompt:Who said it?`: a key-like word, a colon, and no space. Not `https://`, nor
# `id:- x` (a stray character, more likely than a missing space before it).
_NO_SPACE_AFTER_COLON = re.compile(r"([A-Za-z_][\w-]*):(?![^\w\s](?:\s|$))([^\s/:].*)")
# `-id: q1`, `-Egypt`: a dash that starts a line's text, without its space (`---` is not).
_NO_SPACE_AFTER_DASH = re.compile(r"-(?![^\w\s](?:\s|$))([^\s-].*)")
_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_SHOWN = 40  # characters of a line shown in a message


@dataclass(frozen=True, slots=True)
class Hint:
    message: str
    line: int  # 1-based
    column: int  # 1-based


def syntax_hint(text: str, error: yaml.MarkedYAMLError, scanner: Scanner) -> Hint | None:
    """A hint for a syntax error, placed on the mistake rather than where parsing stopped."""
    mark = error.problem_mark
    if mark is None or "tab character" in (error.problem or ""):
        return None  # the tab message already says what to do
    lines = _BREAK.split(text)
    if mark.line >= len(lines):
        return None
    context = error.context_mark
    scanning_key = "simple key" in (error.context or "") and context is not None
    return (
        _quote_hint(text, lines, mark, scanner)
        or _dash_hint(lines, _suspects(lines, mark, context))
        or _colon_hint(lines, mark, context if scanning_key else None)
        or _indent_hint(text, lines, mark, error.problem or "", scanner)
    )


def spacing_hint(written: str, wanted: Literal["list", "mapping"]) -> str | None:
    """For a plain text that was meant as a list item or as a key and its value.

    With no space after `-` or `:`, YAML raises no error: `- text:A diplomat` is a list
    item that is one text, `-Egypt` a text instead of a list. The checker finds such a
    text where a list or a mapping (`wanted`) belongs, and this says how to write it.
    """
    if wanted == "list" and _NO_SPACE_AFTER_DASH.fullmatch(written):
        wrong = _shorten(written.split(" -")[0])  # folded lines: `-Egypt -Cairo`
        return _(
            "put a space after the `-` of each list item: write `- {fixed}`, "
            "not `{wrong}`; without the space YAML reads `{wrong}` as text, not as a list item"
        ).format(fixed=wrong[1:], wrong=wrong)
    found = _NO_SPACE_AFTER_COLON.fullmatch(written)
    if found and found[1] in _all_keys():  # `Paris:France` is a text, `text:Paris` is not
        wrong = _shorten(written)
        return _(
            "put a space after the colon: write `{key}: {value}`, "
            "not `{wrong}`; without the space YAML reads `{wrong}` as one piece of text, "
            "not as a key and its value"
        ).format(key=found[1], value=wrong[len(found[1]) + 1 :], wrong=wrong)
    return None


def dash_key_hint(key: str, value: str | None) -> str | None:
    """For `-text: A` lines where a list belongs: keys of a mapping, not list items.

    `value` is the key's value as written, if it is a text.
    """
    if not is_dash_item(key):
        return None
    shown = _shorten(value) if value is not None else "…"
    return _(
        "put a space after the `-` of each list item: write `- {fixed}: {value}`, "
        "not `{key}: {value}`; without the space YAML reads `{key}` as a key, "
        "not as the start of a list item"
    ).format(fixed=key[1:], key=key, value=shown)


def colon_key_hint(key: str, value: str | None) -> str | None:
    """For `prompt:Who said it: the court?`, which YAML reads up to `: ` as a key.

    `value` is the key's value as written (`the court?`), if it is a text.
    """
    found = _NO_SPACE_AFTER_COLON.fullmatch(key)
    if found is None or found[1] not in _all_keys():
        return None  # `prom:pt`: a stray colon in a key, not a missing space
    shown = _shorten(value) if value is not None else "…"
    # The text holds `: `, which ends a key in YAML: with the space, it needs quotes too.
    text = _shorten(f"{found[2]}: {value or ''}".rstrip())
    quoted = f'"{text}"' if '"' not in text else "'" + text.replace("'", "''") + "'"
    return _(
        "put a space after the colon, and quotes around the text since it holds `: `: "
        "write `{name}: {quoted}`, not `{key}: {value}`; without the space "
        "YAML reads `{key}` as a key"
    ).format(name=found[1], quoted=quoted, key=key, value=shown)


def is_dash_item(written: str) -> bool:
    """`-text`: a key or a text that was meant as a list item, with no space after `-`."""
    return _NO_SPACE_AFTER_DASH.fullmatch(written) is not None


# --- quotes -------------------------------------------------------------------------------


def _quote_hint(text: str, lines: list[str], mark: Mark, scanner: Scanner) -> Hint | None:
    """A quoted text ended just before the place the parser could not read.

    That is an apostrophe inside '...' or a `"` inside "...": it closed the text early.
    """
    line = lines[mark.line]
    if mark.column >= len(line) or line[mark.column] in ":,]}#":
        return None  # `'Note': ...` or the end of a flow list: another mistake
    before = _scan(scanner, text[: _line_end(text, lines, mark.line)])
    index = len(before) - 1  # the last token before the mark (only that line's come after)
    while index >= 0 and (
        _at(before[index].end_mark) > _at(mark) or isinstance(before[index], BlockEndToken)
    ):
        index -= 1
    if index < 0:
        return None
    token = before[index]
    if not isinstance(token, ScalarToken) or token.style not in ("'", '"'):
        return None
    end = token.end_mark
    gap = line[end.column : mark.column]
    if end.line != mark.line or gap.strip(" \t"):
        return None
    quote = token.style
    if gap and not line[mark.column :].split(" #")[0].rstrip().endswith(quote):
        return None  # `'Who said it?' (hard)`: text after the closing quote, not inside it
    closing = end.column - 1  # the quote that ended the text, 0-based
    opening = token.start_mark
    indent = _indentation(lines[opening.line])
    between = lines[opening.line + 1 : end.line + 1]
    if any(other.strip() and _indentation(other) <= indent for other in between):
        return None  # it ran over the keys below: a quote never closed, not one inside
    # Translators: where a quoted text starts; it ends "...that starts with `'` at {where}".
    begun = (
        _("column {column}").format(column=opening.column + 1)
        if opening.line == end.line
        else _("line {line}, column {column}").format(
            line=opening.line + 1, column=opening.column + 1
        )
    )
    flow = _in_flow(before[:index])
    word = _word_around(
        line, closing, opening.column if opening.line == end.line else -1, quote, flow
    )
    lead = None if flow else _block_lead(before, index)
    if quote == "'":
        fixed = re.sub(r"(?<!')'(?!')", "''", word)
        if lead is None:
            message = _(
                "YAML syntax error: the apostrophe in `{word}` ends the quoted text that starts "
                "with `'` at {where}; write it twice (`{fixed}`) or put the text in double quotes"
            )
        else:
            message = _(
                "YAML syntax error: the apostrophe in `{word}` ends the quoted text that starts "
                "with `'` at {where}; write it twice (`{fixed}`) or put the text in double "
                "quotes, or better, write `{lead}` and the text on the next lines, indented"
            )
    else:
        fixed = re.sub(r'(?<!\\)"', r'\\"', word)
        if lead is None:
            message = _(
                'YAML syntax error: the `"` in `{word}` ends the quoted text that starts with `"` '
                'at {where}; escape it as `\\"` (`{fixed}`) or put the text in single quotes'
            )
        else:
            message = _(
                'YAML syntax error: the `"` in `{word}` ends the quoted text that starts with `"` '
                'at {where}; escape it as `\\"` (`{fixed}`) or put the text in single quotes, '
                "or better, write `{lead}` and the text on the next lines, indented"
            )
    message = message.format(word=word, where=begun, fixed=fixed, lead=lead)
    return Hint(message, mark.line + 1, closing + 1)


def _word_around(line: str, at: int, opening: int, quote: str, flow: bool) -> str:
    """The word that holds the quote at `at`, without the text's own opening and closing quote."""
    stops = ",]}" if flow else ""  # in `[...]`, a comma ends the item
    start = at
    while start > opening + 1 and not line[start - 1].isspace():
        start -= 1
    end = at + 1
    while end < len(line) and not line[end].isspace() and line[end] not in stops:
        end += 1
    word = line[start:end]
    rest = line[end:].split(" #")[0].strip()
    if word.endswith(quote) and end - 1 != at and (not rest or rest[0] in stops):
        word = word[:-1]  # `"no""`: the last `"` closes the whole text, as it should
    return _shorten(word)


def _in_flow(tokens: list[Token]) -> bool:
    """Whether the tokens leave a `[...]` or `{...}` open."""
    depth = 0
    for token in tokens:
        if isinstance(token, FlowSequenceStartToken | FlowMappingStartToken):
            depth += 1
        elif isinstance(token, FlowSequenceEndToken | FlowMappingEndToken):
            depth -= 1
    return depth > 0


def _block_lead(tokens: list[Token], index: int) -> str | None:
    """How the text could start as a `>-` block instead, the way out of quoting: no quote
    needs escaping in a block text. None where it cannot."""
    previous = tokens[index - 1] if index >= 1 else None
    if isinstance(previous, BlockEntryToken):
        lead = "- >-"
    elif (
        isinstance(previous, ValueToken)
        and index >= 3
        and isinstance(key := tokens[index - 2], ScalarToken)
        and isinstance(tokens[index - 3], KeyToken)
    ):
        lead = f"{key.value}: >-"
    else:
        return None
    return lead


# --- missing spaces -----------------------------------------------------------------------


def _suspects(lines: list[str], mark: Mark, context: Mark | None) -> list[int]:
    """The lines where the mistake may be: the parser stops on it, or on the line after."""
    found = [mark.line]
    if context is not None and context.line < len(lines):
        found.append(context.line)
    previous = _previous_content_line(lines, mark.line)
    if previous is not None:
        found.append(previous)
    return list(dict.fromkeys(found))


def _dash_hint(lines: list[str], suspects: list[int]) -> Hint | None:
    for number in suspects:
        line = lines[number]
        written = line.split(" #")[0].strip()
        if _NO_SPACE_AFTER_DASH.fullmatch(written):
            wrong = _shorten(written)
            return Hint(
                _(
                    "YAML syntax error: put a space after the `-` of each list item: "
                    "write `- {fixed}`, not `{wrong}`"
                ).format(fixed=wrong[1:], wrong=wrong),
                number + 1,
                _indentation(line) + 1,
            )
    return None


def _colon_hint(lines: list[str], mark: Mark, context: Mark | None) -> Hint | None:
    places: list[tuple[int, int]] = []
    if context is not None and context.line < len(lines):
        places.append((context.line, context.column))  # where the one-piece text starts
    for number in (mark.line, _previous_content_line(lines, mark.line)):
        if number is not None:
            start = _indentation(lines[number])
            item = re.match(r"- +", lines[number][start:])  # `- id:q1`: the text after `-`
            places.append((number, start + (item.end() if item else 0)))
    for number, column in places:
        written = lines[number][column:].split(" #")[0].rstrip()
        found = _NO_SPACE_AFTER_COLON.fullmatch(written)
        if found:
            wrong = _shorten(written)
            return Hint(
                _(
                    "YAML syntax error: put a space after the colon: write "
                    "`{key}: {value}`, not `{wrong}`; without the "
                    "space YAML reads `{wrong}` as one piece of text, not as a key and its value"
                ).format(key=found[1], value=wrong[len(found[1]) + 1 :], wrong=wrong),
                number + 1,
                column + 1,
            )
    return None


# --- indentation --------------------------------------------------------------------------


@dataclass(slots=True)
class _Mapping:
    column: int  # 0-based column of its keys
    kind: str  # "quiz", "question", "choice", or the key it stands under
    item: bool  # an item of a list, rather than the value of a key
    first: str = ""  # its first key (`id` in `- id: q1`)
    key: str = ""  # its last key so far, and that key's line (0-based)
    key_line: int = 0


@dataclass(slots=True)
class _List:
    column: int  # 0-based column of its dashes
    kind: str  # the key it stands under


def _indent_hint(
    text: str, lines: list[str], mark: Mark, problem: str, scanner: Scanner
) -> Hint | None:
    """A key indented more or less than the other keys of its mapping.

    The parser stops either at the key itself (it expected a list's `-` or the end of the
    mapping) or, when the key is indented more, at its colon: YAML first took the key as
    a continuation line of the value above.
    """
    line = lines[mark.line]
    start = _indentation(line)
    if "mapping values are not allowed" in problem:
        key = line[start : mark.column].rstrip()
        if not re.fullmatch(r"[A-Za-z_][\w-]*", key):
            return None  # `prompt: Note: who?`: a colon inside text, not a key
    else:
        found = _KEY_LINE.match(line, mark.column)
        if mark.column != start or found is None:
            return None
        key = found[1]
    if key.startswith("-"):
        return None
    # The blocks open at the end of the line above (the cut text's own ends are dropped).
    tokens = _scan(scanner, text[: _line_start(text, mark.line)])
    stack = _open_blocks([t for t in tokens if t.start_mark.line < mark.line])
    mappings = [(depth, m) for depth, m in enumerate(stack) if isinstance(m, _Mapping)]
    knowing = [(depth, m) for depth, m in mappings if key in _known_keys(m.kind)]
    if not knowing and "mapping values are not allowed" in problem:
        return None  # an unknown word before a colon: more likely text than a key
    pool = knowing or mappings
    if not pool:
        return None
    _depth, home = min(pool, key=lambda dm: (abs(dm[1].column - start), -dm[0]))
    if home.column == start:
        return None
    # Translators: {siblings} is e.g. "the other keys of this question".
    message = _(
        "YAML syntax error: the key `{key}` must line up with {siblings}, which start "
        "at column {column} (like `{sibling}` on line {line}); "
        "here it starts at column {here}"
    ).format(
        key=key,
        siblings=_siblings(home),
        column=home.column + 1,
        sibling=home.key,
        line=home.key_line + 1,
        here=start + 1,
    )
    # Where a list's `-` stand, a key like the one its items begin with (`id`) is more
    # likely a new item without its dash.
    for depth, block in enumerate(stack[:-1]):
        item = stack[depth + 1]
        if (
            isinstance(block, _List)
            and block.column == start
            and isinstance(item, _Mapping)
            and item.item
            and item.first == key
        ):
            message += _(_NEW_ITEM.get(block.kind, _NEW_LIST_ITEM))
    return Hint(message, mark.line + 1, start + 1)


def _open_blocks(tokens: list[Token]) -> list[_Mapping | _List]:
    """The block mappings and lists still open at the end of `tokens`, outermost first."""
    stack: list[_Mapping | _List] = []
    flow = 0
    previous: Token | None = None
    for token in tokens:
        top = stack[-1] if stack else None
        if isinstance(token, FlowSequenceStartToken | FlowMappingStartToken):
            flow += 1
        elif isinstance(token, FlowSequenceEndToken | FlowMappingEndToken):
            flow -= 1
        elif isinstance(token, BlockSequenceStartToken):
            under = top.key if isinstance(top, _Mapping) else ""
            stack.append(_List(token.start_mark.column, under))
        elif isinstance(token, BlockMappingStartToken):
            column = token.start_mark.column
            if top is None:
                stack.append(_Mapping(column, "quiz", item=False))
            elif isinstance(previous, BlockEntryToken):  # a list item (maybe indentless)
                under = top.kind if isinstance(top, _List) else top.key
                stack.append(_Mapping(column, _item_kind(under), item=True))
            else:
                stack.append(_Mapping(column, top.key if isinstance(top, _Mapping) else "", False))
        elif isinstance(token, BlockEndToken):
            if stack:
                stack.pop()
        elif (
            isinstance(token, ScalarToken)
            and isinstance(previous, KeyToken)
            and not flow
            and isinstance(top, _Mapping)
        ):
            top.key, top.key_line = token.value, token.start_mark.line
            top.first = top.first or token.value
        previous = token
    return stack


def _item_kind(under: str) -> str:
    return {"questions": "question", "choices": "choice"}.get(under, under)


# Said after a key that lines up with a list's `-`, by the key the list stands under.
_NEW_ITEM = {
    "questions": N_("; if it starts a new question, write `- ` before it"),
    "choices": N_("; if it starts a new choice, write `- ` before it"),
}
_NEW_LIST_ITEM = N_("; if it starts a new list item, write `- ` before it")


def _siblings(mapping: _Mapping) -> str:
    if mapping.kind == "quiz":
        return _("the other top-level keys")
    if mapping.kind == "question":
        return _("the other keys of this question")
    if mapping.kind == "choice":
        return _("the other keys of this choice")
    if mapping.item:
        return _("the other keys of this item of `{key}`").format(key=mapping.kind)
    return _("the other keys under `{key}`").format(key=mapping.kind)


@functools.cache
def _known_keys(kind: str) -> frozenset[str]:
    """The keys a mapping of this kind may hold, to tell which mapping a stray key is from."""
    if kind == "question":
        return frozenset(k for model in QUESTION_TYPES.values() for k in model.model_fields)
    models = {"quiz": Quiz, "choice": Choice, "source": Source, "settings": Settings}
    model = models.get(kind)
    return frozenset(model.model_fields) if model else frozenset()


@functools.cache
def _all_keys() -> frozenset[str]:
    return frozenset().union(
        *(_known_keys(kind) for kind in ("quiz", "question", "choice", "source", "settings"))
    )


# --- helpers ------------------------------------------------------------------------------


def _scan(scanner: Scanner, text: str) -> list[Token]:
    """The tokens of `text`, as far as they go: the text may be cut mid-way, or broken."""
    reader = scanner(text)
    tokens: list[Token] = []
    try:
        while reader.check_token():
            tokens.append(reader.get_token())
    except yaml.YAMLError:
        pass
    finally:
        reader.dispose()
    return tokens


def _at(mark: Mark) -> tuple[int, int]:
    return mark.line, mark.column


def _line_start(text: str, number: int) -> int:
    """Offset of line `number` in `text` (lines as YAML counts them)."""
    offset = 0
    for match in _BREAK.finditer(text):
        if number == 0:
            break
        offset = match.end()
        number -= 1
    return offset


def _line_end(text: str, lines: list[str], number: int) -> int:
    return _line_start(text, number) + len(lines[number])


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous_content_line(lines: list[str], number: int) -> int | None:
    for previous in range(number - 1, -1, -1):
        stripped = lines[previous].strip()
        if stripped and not stripped.startswith("#"):
            return previous
    return None


def _shorten(written: str) -> str:
    return written if len(written) <= _SHOWN else written[: _SHOWN - 1] + "…"
