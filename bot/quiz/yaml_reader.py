"""Safe YAML reading that remembers where every value stands.

PyYAML's composer (libyaml's C parser when present) builds a node tree with line and
column marks; this module turns it into plain Python data itself instead of using
PyYAML's constructor, so that it can refuse what the constructor silently accepts:
duplicate keys, language-specific tags, alias bombs. The node tree is kept to map a
path such as ("questions", 2, "prompt") back to its line and column.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from bot.i18n import N_, _
from bot.quiz.diagnostics import Loc
from bot.quiz.yaml_hints import syntax_hint

try:  # libyaml is several times faster; same results either way.
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    CParser = None

MAX_FILE_BYTES = 1024 * 1024
# A 500-question quiz with ten choices each has about 25,000 nodes; aliases may not
# expand a document far beyond that.
MAX_NODES = 200_000
MAX_DEPTH = 64
# Python's own limit for decimal text (sys.get_int_max_str_digits() by default): longer
# numbers could not even be printed in a message. A quiz needs nothing near it.
MAX_NUMBER_DIGITS = 4300
# 2**14284 < 10**4300: an integer of at most this many bits has at most 4,300 digits.
_MAX_NUMBER_BITS = 14_284
# int() refuses decimal text longer than sys.get_int_max_str_digits(), which a program may
# lower to 640; pieces of 600 digits are read under any setting.
_DECIMAL_PIECE = 600

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ, _TIMESTAMP = _TAG + "map", _TAG + "seq", _TAG + "timestamp"

_ALLOWED_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ, _TIMESTAMP})
_IMPLICIT = Resolver.yaml_implicit_resolvers


if CParser is not None:

    class _CComposer(CParser, Resolver):
        """libyaml's parser and composer with PyYAML's tag resolution, minus its overhead.

        Resolves exactly as PyYAML's Resolver does for documents without path
        resolvers (which PyYAML's safe loaders never register): a plain scalar takes the
        first implicit tag whose pattern matches, anything else is text, a list or a
        mapping.
        """

        def __init__(self, stream: str) -> None:
            super().__init__(stream)  # CParser's, which does not go on to Resolver's
            Resolver.__init__(self)

        def descend_resolver(self, current_node: object, current_index: object) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

        def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
            if kind is ScalarNode:
                if implicit[0]:
                    for tag, pattern in _IMPLICIT.get(value[:1], ()):  # type: ignore[index]  # str for scalars
                        if pattern.match(value):
                            return tag
                return _STR
            return _SEQ if kind is SequenceNode else _MAP

    _Loader: type = _CComposer
else:  # pragma: no cover
    _Loader = yaml.SafeLoader


@functools.cache
def _constructor() -> SafeConstructor:
    return SafeConstructor()


@functools.cache
def _converters() -> dict[str, Callable[[ScalarNode], object]]:
    # Booleans and ordinary floats are PyYAML's own (YAML 1.1 rules, as in every PyYAML
    # program); integers and base-60 floats are read by _yaml_int and _yaml_float below,
    # with the same results, where PyYAML's conversion raises.
    constructor = _constructor()
    return {
        _FLOAT: constructor.construct_yaml_float,
        _BOOL: constructor.construct_yaml_bool,
    }


class _NoDigits(ValueError):
    """An integer YAML 1.1 recognises that has no digits (`0x_`): it has no value."""


def _decimal(digits: str) -> int:
    value = 0
    for start in range(0, len(digits), _DECIMAL_PIECE):
        piece = digits[start : start + _DECIMAL_PIECE]
        value = value * 10 ** len(piece) + int(piece)
    return value


def _yaml_int(written: str) -> int:
    """A YAML 1.1 integer (`-1_000`, `0x1F`, `017`, `1:30`) as PyYAML reads it.

    PyYAML's int() of decimal text raises beyond Python's digit limit, and of `0x_` (which
    its pattern accepts) for want of digits; callers bound the length first.
    """
    value = written.replace("_", "")
    sign = -1 if value[0] == "-" else 1
    value = value.lstrip("+-")
    base = 2 if value.startswith("0b") else 16 if value.startswith("0x") else 0
    if base:
        if len(value) == 2:
            raise _NoDigits(written)
        return sign * int(value[2:], base)
    if value == "0":
        return 0
    if value[0] == "0":
        return sign * int(value, 8)
    if ":" in value:  # base 60: `1:30` is 90
        result = 0
        for part in value.split(":"):
            result = result * 60 + _decimal(part)
        return sign * result
    return sign * _decimal(value)


def _yaml_float(node: ScalarNode) -> float:
    """A YAML 1.1 float as PyYAML reads it, base 60 (`1:30.5`) too large for a float included.

    PyYAML multiplies each base-60 digit by an int power of 60, which overflows past
    1e308 instead of giving infinity as float("1e999") does.
    """
    written = node.value
    if ":" not in written:
        return _constructor().construct_yaml_float(node)
    value = written.replace("_", "")
    sign = -1.0 if value[0] == "-" else 1.0
    result = 0.0
    weight = 1.0
    for part in reversed(value.lstrip("+-").split(":")):
        digit = float(part)
        if digit:  # 0 * inf would be nan
            result += digit * weight
        weight *= 60.0
    return sign * result


def _digit_count(written: str, tag: str) -> int:
    if tag == _FLOAT:
        return sum(c.isdigit() for c in written)
    body = written.lstrip("+-")
    if body.startswith(("0x", "0b")):
        body = body[2:]
    return len(body) - body.count("_") - body.count(":")


def _shorten(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class WrittenInt(int):
    """An int that remembers how it was written, so `text: 010` stays "010" as text."""

    raw: str

    def __new__(cls, value: int, raw: str) -> WrittenInt:
        number = super().__new__(cls, value)
        number.raw = raw
        return number

    def __str__(self) -> str:
        return self.raw


class WrittenFloat(float):
    """A float that remembers how it was written (`2.10` stays "2.10" as text)."""

    raw: str

    def __new__(cls, value: float, raw: str) -> WrittenFloat:
        number = super().__new__(cls, value)
        number.raw = raw
        return number

    def __str__(self) -> str:
        return self.raw


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


class YamlError(Exception):
    """The bytes are not a single plain YAML document; carries where and why."""

    def __init__(
        self,
        message: str,
        position: Position = Position(1, 1),
        where: Loc = (),
        kind: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.where = where
        self.kind = kind  # e.g. "duplicate_key": what the message says, for the code


@dataclass(slots=True)
class Document:
    data: object
    root: Node
    # Problems that did not stop the reading (duplicate keys, refused tags).
    problems: list[YamlError] = field(default_factory=list)

    def position(self, loc: Loc, *, key: bool = False) -> Position:
        """Where `loc` stands: the deepest node along the path that exists.

        With `key=True` and a path ending on a mapping key, the key itself (for unknown
        or duplicate keys). Path parts that do not match the tree (pydantic's union
        branch labels) are skipped.
        """
        node, key_node = self._walk(loc)
        return _mark(key_node if key and key_node is not None else node)

    def scalar_text(self, loc: Loc) -> str | None:
        """The text as written of the scalar at `loc`, if `loc` ends on a scalar."""
        node, _key = self._walk(loc)
        return node.value if isinstance(node, ScalarNode) else None

    def plain_text(self, loc: Loc) -> str | None:
        """The text at `loc` if it is written without quotes (quoted text is meant as text)."""
        node, _key = self._walk(loc)
        return node.value if isinstance(node, ScalarNode) and not node.style else None

    def _walk(self, loc: Loc) -> tuple[Node, Node | None]:
        node: Node = self.root
        key_node: Node | None = None
        for part in loc:
            key_node = None
            if isinstance(node, MappingNode) and isinstance(part, str):
                for k, v in node.value:
                    if isinstance(k, ScalarNode) and k.value == part:
                        key_node, node = k, v
                        break
            elif (
                isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value)
            ):
                node = node.value[part]
        return node, key_node


def _mark(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def too_large(size: int) -> str:
    return _("the file is {size} bytes; the limit is {limit} (1 MiB)").format(
        size=f"{size:,}", limit=f"{MAX_FILE_BYTES:,}"
    )


def decode(data: bytes, *, source: bool = False) -> str:
    """UTF-8 (a byte-order mark is fine) or a YamlError at the first bad byte.

    `source`: the bytes are a quiz's source file, which the message then names."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        if source:
            message = _(
                "the source file is not UTF-8 text (byte 0x{byte} at offset {offset}); "
                "save it as UTF-8"
            )
        else:
            message = _(
                "the file is not UTF-8 text (byte 0x{byte} at offset {offset}); save it as UTF-8"
            )
        raise YamlError(
            message.format(byte=f"{data[exc.start]:02x}", offset=exc.start),
            Position(line, column),
        ) from None


def read_document(data: bytes) -> Document:
    """Parse one plain YAML document from `data`, or raise YamlError."""
    if len(data) > MAX_FILE_BYTES:
        raise YamlError(too_large(len(data)))
    text = decode(data)
    try:
        loader = _Loader(text)  # PyYAML's own reader checks every character here
    except yaml.reader.ReaderError as exc:
        raise _character_error(exc, text) from None
    try:
        root = loader.get_single_node()
    except yaml.reader.ReaderError as exc:  # libyaml checks characters as it reads them
        raise _character_error(exc, text) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlError(_("not valid YAML: {error}").format(error=exc)) from None
    finally:
        loader.dispose()
    if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL and not root.value):
        raise YamlError(_("the file is empty; a quiz needs at least `id`, `title` and `questions`"))
    builder = _Builder()
    try:
        tree = builder.build(root)
    except _TooManyNodes as exc:
        # Point at the top-level entry that expands, not deep inside the expansion.
        top = exc.loc[:1]
        raise YamlError(
            _(
                "the document expands past {count} values through aliases "
                '(a "billion laughs" document); quiz files do not need that many'
            ).format(count=f"{MAX_NODES:,}"),
            Document(None, root).position(top),
            top,
        ) from None
    return Document(tree, root, builder.problems)


class _TooManyNodes(Exception):
    def __init__(self, loc: Loc) -> None:
        self.loc = loc


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based mark, by YAML's own line breaks; "" past the end."""
    lines = _BREAK.split(text)
    if line >= len(lines) or column >= len(lines[line]):
        return ""
    return lines[line][column]


_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def _character_error(exc: yaml.reader.ReaderError, text: str) -> YamlError:
    """A character YAML does not allow (a NUL, an escape), at its line and column.

    ReaderError carries no mark: only an offset, in UTF-8 bytes from libyaml and in
    characters from PyYAML's own reader.
    """
    index = exc.position
    if CParser is not None and isinstance(_Loader, type) and issubclass(_Loader, CParser):
        index = len(text.encode()[: exc.position].decode("utf-8", "ignore"))
    before = text[:index]
    breaks = list(_BREAK.finditer(before))
    line_start = breaks[-1].end() if breaks else 0
    code = exc.character if isinstance(exc.character, int) else ord(text[index : index + 1] or " ")
    return YamlError(
        _(
            "the character U+{code} is not allowed in a YAML file "
            "(a control or special character); remove it"
        ).format(code=f"{code:04X}"),
        Position(len(breaks) + 1, index - line_start + 1),
    )


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
    problem = exc.problem or "invalid YAML"
    if "expected a single document" in (exc.context or ""):
        return YamlError(
            _(
                "the file holds more than one YAML document (a second `---`); "
                "put each quiz in a file of its own"
            ),
            position,
        )
    if "tab character" in problem:
        # Translators: {problem} is the YAML parser's own description, in English.
        problem = _("{problem} (indent with spaces, not tabs)").format(problem=problem)
    elif mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        # A tab where a key should start: libyaml only says it "cannot start any token".
        return YamlError(
            _(
                "YAML syntax error: a tab character where the text should start; "
                "indent with spaces, not tabs"
            ),
            position,
        )
    if "maximum nesting depth" in problem:
        return YamlError(_("the document is nested too deeply"), position)
    # The common mistakes get named, at the place to fix, instead of the parser's words.
    hint = syntax_hint(text, exc, _Loader)
    if hint is not None:
        return YamlError(hint.message, Position(hint.line, hint.column))
    context = f" {exc.context}" if exc.context else ""
    start = exc.context_mark
    if (
        start is not None
        and mark is not None
        and (start.line, start.column) != (mark.line, mark.column)
    ):
        opened = _OPENED.get(exc.context or "", _OPENED_IT)
        context += " " + _(opened).format(line=start.line + 1, column=start.column + 1)
    # Translators: {problem} and {context} are the YAML parser's own words, in English.
    return YamlError(
        _("YAML syntax error: {problem}{context}").format(problem=problem, context=context),
        position,
    )


_OPENED_IT = N_("(it starts at line {line}, column {column})")
_OPENED = {
    "while parsing a flow sequence": N_("(the list starts at line {line}, column {column})"),
    "while parsing a flow mapping": N_("(the mapping starts at line {line}, column {column})"),
    "while scanning a quoted scalar": N_(
        "(the quoted text starts at line {line}, column {column})"
    ),
    "while parsing a block mapping": N_("(the mapping starts at line {line}, column {column})"),
    "while parsing a block collection": N_("(the list starts at line {line}, column {column})"),
}


class _Builder:
    """Node tree -> plain dicts, lists and scalars, refusing what a quiz must not contain.

    Too many nodes or too deep a nesting stop the reading at once; other problems are
    collected so that a file's errors are all reported together.
    """

    def __init__(self) -> None:
        self.count = 0
        self.problems: list[YamlError] = []
        self.convert = _converters()

    def build(self, node: Node, depth: int = 0, loc: Loc = ()) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooManyNodes(loc)
        if node.tag == _STR and type(node) is ScalarNode:  # most values: plain text
            return node.value
        if depth > MAX_DEPTH:
            raise YamlError(_("the document is nested too deeply"), _mark(node), loc[:1])
        if node.tag not in _ALLOWED_TAGS:
            self.problems.append(_tag_error(node, loc))
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node, loc)
        if isinstance(node, SequenceNode):
            return [self.build(item, depth + 1, (*loc, i)) for i, item in enumerate(node.value)]
        # The composer makes scalars, sequences and mappings only; the stubs' Node is open.
        return self._mapping(cast(MappingNode, node), depth, loc)

    def _mapping(self, node: MappingNode, depth: int, loc: Loc) -> dict[str, object]:
        out: dict[str, object] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self.problems.append(
                    YamlError(
                        _("merge keys (`<<`) are not supported in quiz files"),
                        _mark(key_node),
                        loc,
                    )
                )
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag not in (_STR, _INT, _BOOL):
                self.problems.append(YamlError(_("a key must be plain text"), _mark(key_node), loc))
                continue
            key = key_node.value
            if key in first_seen:
                self.problems.append(
                    YamlError(
                        _(
                            "duplicate key `{key}` (first at line {line}); "
                            "YAML would silently keep only the last one"
                        ).format(key=key, line=_mark(first_seen[key]).line),
                        _mark(key_node),
                        (*loc, key),
                        kind="duplicate_key",
                    )
                )
                continue
            first_seen[key] = key_node
            out[key] = self.build(value_node, depth + 1, (*loc, key))
        return out

    def _scalar(self, node: ScalarNode, loc: Loc) -> object:
        tag = node.tag
        if tag in (_STR, _TIMESTAMP):  # dates are kept as the text written
            return node.value
        if tag == _NULL:
            return None
        if tag in (_INT, _FLOAT):
            return self._number(node, loc)
        convert = self.convert.get(tag)
        if convert is None:  # e.g. `!!map` on a scalar
            self.problems.append(_tag_error(node, loc))
            return None
        return convert(node)

    def _number(self, node: ScalarNode, loc: Loc) -> object:
        written = node.value
        # Counted before converting: a megabyte of digits would take long to convert.
        if _digit_count(written, node.tag) > MAX_NUMBER_DIGITS:
            self.problems.append(_number_too_large(node, loc))
            return None
        if node.tag == _FLOAT:
            return WrittenFloat(_yaml_float(node), written)
        try:
            value = _yaml_int(written)
        except _NoDigits:
            self.problems.append(
                YamlError(
                    _(
                        "`{written}` has no digits: YAML reads it as a number without "
                        "a value; put it in quotes if it is meant as text"
                    ).format(written=_shorten(written)),
                    _mark(node),
                    loc,
                )
            )
            return None
        if value.bit_length() > _MAX_NUMBER_BITS:  # `0xfff…`, `1:59:59:…`: few digits, huge
            self.problems.append(_number_too_large(node, loc))
            return None
        return WrittenInt(value, written)


def _number_too_large(node: ScalarNode, loc: Loc) -> YamlError:
    return YamlError(
        _(
            "`{written}` is too large a number to read (numbers may have at most "
            "{limit} digits); put it in quotes if it is meant as text"
        ).format(written=_shorten(node.value), limit=f"{MAX_NUMBER_DIGITS:,}"),
        _mark(node),
        loc,
    )


def _tag_error(node: Node, loc: Loc) -> YamlError:
    tag = node.tag or ""
    shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
    if tag.startswith(_TAG) and "python" not in tag:
        message = _(
            "the tag `{tag}` is not allowed: "
            "quiz files use only text, numbers, booleans, lists and mappings"
        )
    else:
        message = _(
            "the tag `{tag}` is not allowed: quiz files are plain YAML "
            "(no language-specific tags; nothing in them is ever executed)"
        )
    return YamlError(message.format(tag=shown), _mark(node), loc)
