"""Quiz data -> YAML text in the style of the teacher's guide.

Block style, keys in the order given, quotes only where YAML needs them (PyYAML decides:
`yes`, `2.10` or `a: b` as text get quotes, plain words do not), list items indented under
their key, one line per text however long, `|` blocks for text with line breaks, and a
blank line between questions.
"""

from __future__ import annotations

from typing import Any

import yaml

SCHEMA_HINT = "# yaml-language-server: $schema=../schema/quiz.schema.json\n"
_QUESTION_START = "  - id: "


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # PyYAML writes a list under a key without indenting it ("key:\n- a"); the guide
        # indents ("key:\n  - a").
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A `|` block keeps line breaks readable; PyYAML falls back to quotes when a text
    # cannot be a block (trailing spaces on a line, say).
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_quiz(quiz: dict[str, Any]) -> str:
    """The quiz file's text, schema hint first."""
    body = yaml.dump(
        quiz,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        indent=2,
        width=1_000_000,  # never fold a long prompt over several lines
    )
    lines = body.splitlines(keepends=True)
    out: list[str] = []
    in_questions = False  # `questions` is the last key: text above it is never a question
    questions_seen = 0
    for line in lines:
        if line == "questions:\n":
            in_questions = True
        elif in_questions and line.startswith(_QUESTION_START):
            # Block text inside a question is indented deeper, so this starts a question.
            if questions_seen:
                out.append("\n")
            questions_seen += 1
        out.append(line)
    return SCHEMA_HINT + "".join(out)
