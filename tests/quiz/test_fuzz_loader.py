"""Property: whatever the bytes, loading a quiz returns a LoadResult whose every diagnostic has a
real position. Never an exception, and never the loader's last-resort "internal error".

The inputs are the shipped quiz, mutated three ways: as text (characters, lines,
indentation), as a tree (values swapped for YAML values of other kinds: huge numbers,
deep lists, nulls, long texts) and as bytes (invalid UTF-8, NULs, byte-order marks).
Loading is upload-style: the quiz's bytes and its source's bytes, as /quiz upload and the
catalog load them.

A few thousand examples by default; QUIZBOT_FUZZ_EXAMPLES=100000 runs that many of each
kind instead.
"""

from __future__ import annotations

import copy
import functools
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.quiz.loader import LoadResult, SourceCache, load_quiz

ROOT = Path(__file__).resolve().parents[2]
QUIZ = ROOT / "quizzes" / "icc-gaza-2014.yaml"
SOURCE = ROOT / "quizzes" / "sources" / "icc-gaza-2014.txt"
ORIGIN = "icc-gaza-2014.yaml"

# Of each kind of mutation; about 4 ms a load, so the three tests take some 20 s.
EXAMPLES = int(os.environ.get("QUIZBOT_FUZZ_EXAMPLES", "800"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis folder in the checkout; a failure prints its example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_LINE_BREAKS = ("\r\n", "\n", "\r", "\x85", "\u2028", "\u2029")


@functools.cache
def _quiz_bytes() -> bytes:
    return QUIZ.read_bytes()


@functools.cache
def _source_bytes() -> bytes:
    return SOURCE.read_bytes()


@functools.cache
def _sources() -> SourceCache:
    return SourceCache()  # shared, as the catalog shares it: the source is folded once


def _load(data: bytes) -> LoadResult:
    return load_quiz(data, ORIGIN, lambda name: _source_bytes(), _sources())


def _assert_loads(data: bytes) -> None:
    result = _load(data)
    assert isinstance(result, LoadResult)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
    # YAML counts a line at each of these breaks; a position is on a line of the file.
    lines = 1 + sum(text.count(b) for b in _LINE_BREAKS[1:]) + 1
    for d in result.diagnostics:
        assert d.file == ORIGIN and d.severity in ("error", "warning"), d
        assert d.line >= 1 and d.column >= 1, d.format()
        assert d.line <= lines, d.format()
        assert "internal error" not in d.message, d.format()
    if result.quiz is not None:
        assert not any(d.severity == "error" for d in result.diagnostics)


def test_the_shipped_quiz_loads_this_way() -> None:
    result = _load(_quiz_bytes())
    assert result.ok, [d.format() for d in result.diagnostics]


# --- text mutations -------------------------------------------------------------------

# Characters that mean something to YAML, and some that mean something to Python.
_SPECIAL = [*":-?[]{},#&*!|>'\"%@`\t \\\x00\x85\u2028\ufeff\r\n", "…", "é", "\U0001f600"]
_chars = st.one_of(st.sampled_from(_SPECIAL), st.characters())
_fragments = st.one_of(
    st.text(_chars, max_size=12),
    st.sampled_from(["- ", ": ", "  ", "---", "...", "&a ", "*a", "!!python/none ", "<<: "]),
    st.sampled_from(["9" * 5000, "0x" + "f" * 4000, "1" + ":59" * 300 + ".5", "1.0e+999"]),
)


@st.composite
def text_mutations(draw: st.DrawFn) -> bytes:
    lines = _quiz_bytes().decode().splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        at = draw(st.integers(0, len(line)))
        op = draw(
            st.sampled_from(
                ["insert", "delete", "replace", "new line", "drop line", "swap", "indent", "dup"]
            )
        )
        if op == "insert":
            lines[i] = line[:at] + draw(_fragments) + line[at:]
        elif op == "delete":
            lines[i] = line[:at] + line[at + draw(st.integers(1, 8)) :]
        elif op == "replace":
            lines[i] = line[:at] + draw(_chars) + line[at + 1 :]
        elif op == "new line":
            lines.insert(i, " " * draw(st.integers(0, 12)) + draw(_fragments) + "\n")
        elif op == "drop line" and len(lines) > 1:
            del lines[i]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            change = draw(st.integers(-4, 4))
            stripped = line.lstrip(" ")
            indent = max(0, len(line) - len(stripped) + change)
            lines[i] = draw(st.sampled_from([" ", "\t"])) * indent + stripped
        elif op == "dup":
            lines.insert(i, line)
    return "".join(lines).encode("utf-8", "surrogatepass")


@FUZZ
@given(text_mutations())
def test_text_mutations_load_without_exceptions(data: bytes) -> None:
    _assert_loads(data)


# --- tree mutations -------------------------------------------------------------------


class _Written(str):
    """A number written out as YAML text (Python could not hold or print some of them)."""


# libyaml's emitter when present: PyYAML's own would take most of the test's time.
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _represent_written(dumper: Any, value: _Written) -> yaml.ScalarNode:
    # Plain, untagged when YAML resolves it to a number anyway (`999…`, `0x…`, `1:30`).
    tag = dumper.resolve(yaml.ScalarNode, str(value), (True, False))
    return dumper.represent_scalar(tag, str(value))


_Dumper.add_representer(_Written, _represent_written)

_huge_numbers = st.one_of(
    st.integers(1, 9000).map(lambda n: _Written("9" * n)),
    st.integers(1, 5000).map(lambda n: _Written("-0x" + "f" * n)),
    st.integers(1, 3000).map(lambda n: _Written("1" + ":59" * n)),
    st.integers(1, 3000).map(lambda n: _Written("1" + ":59" * n + ".5")),
    st.sampled_from(["0b_", "0x_", "1.0e+999", "-1.0e+999", "190:20:30", "0777", "1_000"]).map(
        _Written
    ),
)


def _nest(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    _huge_numbers,
    st.text(max_size=30),
    st.sampled_from(["", "yes", "No", "~", "null", "2014-07-08", "a" * 64, "a" * 65]),
    st.integers(0, 5000).map(lambda n: "long text " * n),
    st.integers(1, 150).map(_nest),
)
_values = st.recursive(
    _leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(
            st.one_of(st.sampled_from(["id", "text", "quote", "type", "x"]), st.text(max_size=8)),
            children,
            max_size=5,
        ),
    ),
    max_leaves=12,
)


@functools.cache
def _tree() -> dict[str, Any]:
    return yaml.safe_load(_quiz_bytes())


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


@st.composite
def tree_mutations(draw: st.DrawFn) -> bytes:
    tree: Any = copy.deepcopy(_tree())
    for _ in range(draw(st.integers(1, 5))):
        path = draw(st.sampled_from(_paths(tree)))
        value = draw(_values)
        if not path:
            if draw(st.integers(0, 9)) == 0:
                tree = value  # the whole file: a number, a list...
            continue
        parent = tree
        for part in path[:-1]:
            parent = parent[part]
        op = draw(st.sampled_from(["set", "set", "set", "drop", "add"]))
        if op == "set":
            parent[path[-1]] = value
        elif op == "drop":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = value
        else:
            parent.insert(path[-1], value)
    text = yaml.dump(
        tree,
        Dumper=_Dumper,
        allow_unicode=draw(st.booleans()),
        sort_keys=False,
        default_flow_style=draw(st.sampled_from([False, None, True])),
        width=draw(st.sampled_from([80, 10_000])),
    )
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(tree_mutations())
def test_tree_mutations_load_without_exceptions(data: bytes) -> None:
    _assert_loads(data)


# --- byte mutations -------------------------------------------------------------------

_BAD_BYTES = [
    b"\x00",
    b"\xef\xbb\xbf",  # a UTF-8 byte-order mark, at the start or inside
    b"\xff\xfe",  # UTF-16 byte-order marks
    b"\xfe\xff",
    b"\xc3\x28",  # a broken two-byte sequence
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xc0\xaf",  # overlong
    b"\x80",
    b"\r",
    b"\x1b[31m",
    b"\xc2\x85",  # NEL, a YAML line break
    b"\xe2\x80\xa8",  # LINE SEPARATOR
]
_bytes = st.one_of(st.sampled_from(_BAD_BYTES), st.binary(min_size=1, max_size=8))


@st.composite
def byte_mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(_quiz_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "overwrite", "delete", "truncate", "prefix"]))
        if op == "insert":
            data[at:at] = draw(_bytes)
        elif op == "overwrite":
            chunk = draw(_bytes)
            data[at : at + len(chunk)] = chunk
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[at:]
        else:
            data[:0] = draw(
                st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"%YAML 1.1\n"])
            )
    return bytes(data)


@FUZZ
@given(byte_mutations())
def test_byte_mutations_load_without_exceptions(data: bytes) -> None:
    _assert_loads(data)
