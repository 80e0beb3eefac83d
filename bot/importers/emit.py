"""Quiz data -> YAML text in the style of the teacher's guide.

Block style, keys in the order given, quotes only where YAML needs them (PyYAML decides:
`yes`, `2.10` or `a: b` as text get quotes, plain words do not), list items indented under
their key, one line per text however long, `|` blocks for text with line breaks, and a
blank line between questions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

# The schema of this project's checkout (absent from an installed wheel).
PROJECT_SCHEMA = Path(__file__).resolve().parents[2] / "schema" / "quiz.schema.json"
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


def schema_hint(target: Path, schema: Path = PROJECT_SCHEMA) -> str:
    """The `$schema` comment for a quiz file written at `target`: editors resolve a
    relative path from the file's folder, so it is relative inside the project (it stays
    right when the project moves), absolute outside, and left out when there is no schema
    file to point at (an installed package: `quizbot schema` prints it)."""
    if not schema.is_file():
        return ""
    schema = schema.resolve()
    folder = target.absolute().parent.resolve()
    if folder.is_relative_to(schema.parent.parent):
        where = Path(os.path.relpath(schema, folder)).as_posix()
    else:
        where = schema.as_posix()
    return f"# yaml-language-server: $schema={where}\n"


def dump_quiz(quiz: dict[str, Any], hint: str = SCHEMA_HINT) -> str:
    """The quiz file's text, schema hint first (the default suits a file in quizzes/ of
    the project; see schema_hint)."""
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
    return hint + "".join(out)
