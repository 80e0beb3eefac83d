from __future__ import annotations

import time

import pytest
import yaml

from bot.quiz import yaml_reader
from bot.quiz.yaml_reader import YamlError, read_document


def test_positions_of_keys_and_values() -> None:
    doc = read_document(b"id: x\nquestions:\n  - id: q1\n    prompt: hi\n")
    assert doc.position(("questions", 0, "prompt")) == yaml_reader.Position(4, 13)
    assert doc.position(("questions", 0, "prompt"), key=True) == yaml_reader.Position(4, 5)
    # A path that goes past what exists points at the deepest part that does.
    assert doc.position(("questions", 0, "nope")) == yaml_reader.Position(3, 5)


def test_bom_and_crlf_are_fine() -> None:
    doc = read_document(b"\xef\xbb\xbfid: x\r\ntitle: y\r\n")
    assert doc.data == {"id": "x", "title": "y"}
    assert doc.position(("title",)) == yaml_reader.Position(2, 8)


def test_yaml_11_booleans_and_dates_as_pyyaml_reads_them() -> None:
    doc = read_document(b"a: yes\nb: 2014-07-08\nc: 1_000\nd: 0.5\ne: ~\n")
    assert doc.data == {"a": True, "b": "2014-07-08", "c": 1000, "d": 0.5, "e": None}
    assert doc.scalar_text(("a",)) == "yes"


def test_small_aliases_are_allowed() -> None:
    doc = read_document(b"tags: &t [a, b]\nmore: *t\n")
    assert doc.data == {"tags": ["a", "b"], "more": ["a", "b"]}


def test_alias_bomb_is_refused_fast() -> None:
    lines = ["a: &a [" + ", ".join(["lol"] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    with pytest.raises(YamlError, match="billion laughs"):
        read_document("\n".join(lines).encode())
    assert time.perf_counter() - start < 1.0


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlError, match="nested too deeply"):
        read_document(b"a: &a [*a]\n")


def test_deep_flow_nesting_is_refused() -> None:
    with pytest.raises(YamlError, match="nested too deeply"):
        read_document(b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n")


def test_huge_file_is_refused_before_parsing() -> None:
    with pytest.raises(YamlError, match="1 MiB"):
        read_document(b"a: b\n" * 300_000)


def test_duplicate_keys_are_all_reported() -> None:
    doc = read_document(b"a: 1\nb: 2\na: 3\nb: 4\n")
    assert [p.position.line for p in doc.problems] == [3, 4]
    assert doc.data == {"a": 1, "b": 2}  # the first value, never silently the last


def test_c_and_pure_python_parsers_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        b"id: x\ntitle: 'T'\nquestions:\n  - id: q1\n    prompt: >\n      folded\n      text\n"
        b"    answers: [a, 'b', \"c\"]\n    answer: 2.5\n    ok: no\n"
    )
    with_c = read_document(text)
    monkeypatch.setattr(yaml_reader, "_Loader", yaml.SafeLoader)
    pure = read_document(text)
    assert with_c.data == pure.data
    assert with_c.position(("questions", 0, "answer")) == pure.position(("questions", 0, "answer"))


def test_c_loader_is_used_when_present() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    assert issubclass(yaml_reader._Loader, yaml.CSafeLoader.__mro__[1])  # libyaml's CParser


def test_c_composer_resolves_tags_exactly_as_pyyaml() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    text = (
        "a: yes\nb: No\nc: ~\nd: null\ne: ''\nf: 0x1F\ng: 1_000\nh: .5\ni: .inf\nj: 2014-07-08\n"
        "k: '12'\nl: plain text\nm: [1, on, OFF]\nn: {x: 1.5e3}\no:\np: !!str 12\nq: =\nr: 0o17\n"
    )

    def tags(node):
        out = [node.tag]
        for item in node.value if isinstance(node.value, list) else []:
            for part in item if isinstance(item, tuple) else (item,):
                out += tags(part)
        return out

    ours = yaml_reader._Loader(text).get_single_node()
    pyyaml = yaml.SafeLoader(text).get_single_node()
    assert tags(ours) == tags(pyyaml)


def test_numbers_in_text_fields_keep_their_spelling() -> None:
    from bot.quiz.models import Choice

    doc = read_document(b"a: 010\nb: 2.10\nc: 1_000\n")
    assert [str(doc.data[k]) for k in "abc"] == ["010", "2.10", "1_000"]
    assert doc.data["a"] == 8  # still the number YAML reads, where a number is meant
    assert Choice.model_validate({"text": doc.data["b"]}).text == "2.10"


HINTED = [
    # (the broken text, where the hint points, words of the hint)
    (
        "id: x\nquestions:\n  - id: q1\n    prompt: 'Who is the court's prosecutor?'\n",
        (4, 30),
        "the apostrophe in `court's` ends the quoted text",
    ),
    (
        'id: x\nquestions:\n  - id: q1\n    explanation: "He said "no" to it"\n',
        (4, 27),
        'escape it as `\\"`',
    ),
    (
        "id: x\nquestions:\n  - id: q1\n    prompt: Who?\n      quote: x\n",
        (5, 7),
        "the key `quote` must line up with the other keys of this question",
    ),
    (
        "id: x\nquestions:\n  - id: q1\n    prompt: Who?\n  quote: x\n",
        (5, 3),
        "which start at column 5 (like `prompt` on line 4)",
    ),
    ("id: x\ntitle:Demo\nquestions: []\n", (2, 1), "put a space after the colon"),
    ("id: x\nquestions:\n  -id: q1\n    prompt: Who?\n", (3, 3), "put a space after the `-`"),
]


@pytest.mark.parametrize(("text", "position", "words"), HINTED)
def test_common_mistakes_get_a_hint_at_the_mistake(
    text: str, position: tuple[int, int], words: str
) -> None:
    with pytest.raises(YamlError) as caught:
        read_document(text.encode())
    assert words in caught.value.message
    assert caught.value.position == yaml_reader.Position(*position)


@pytest.mark.parametrize(("text", "position", "words"), HINTED)
def test_hints_are_the_same_with_windows_line_ends(
    text: str, position: tuple[int, int], words: str
) -> None:
    with pytest.raises(YamlError) as caught:
        read_document(text.replace("\n", "\r\n").encode())
    assert words in caught.value.message
    assert caught.value.position == yaml_reader.Position(*position)


@pytest.mark.parametrize(("text", "position", "words"), HINTED)
def test_hints_are_the_same_with_the_pure_python_parser(
    monkeypatch: pytest.MonkeyPatch, text: str, position: tuple[int, int], words: str
) -> None:
    with pytest.raises(YamlError) as with_c:
        read_document(text.encode())
    monkeypatch.setattr(yaml_reader, "_Loader", yaml.SafeLoader)
    with pytest.raises(YamlError) as pure:
        read_document(text.encode())
    assert (pure.value.message, pure.value.position) == (
        with_c.value.message,
        with_c.value.position,
    )


def test_a_hint_counts_columns_in_characters() -> None:
    text = "id: x\nquestions:\n  - id: q1\n    prompt: 'Où est l'été ?'\n"
    with pytest.raises(YamlError) as caught:
        read_document(text.encode())
    assert caught.value.position == yaml_reader.Position(4, 22)  # not 23, the byte
    assert "`l'été`" in caught.value.message
