"""Each broken file gets a clear message at the exact line and column of the problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.quiz.catalog import load_file
from tests.quiz.conftest import BASE, variant

SECOND_QUESTION = """\
  - id: q2
    type: true_false
    prompt: Did health officials give a figure?
    answer: true
    explanation: They said more than 2,100.
    quote: Health officials said
"""

# A short-answer question after BASE's: line 21 is `answers:`, its items from line 22.
SHORT_ANSWER = """\
  - id: q2
    type: short_answer
    prompt: Which country?
    answers:
{answers}    explanation: x
    quote: Health officials said
"""


@dataclass(frozen=True)
class Case:
    name: str
    content: str | bytes
    line: int
    column: int
    where: str
    fragment: str
    severity: str = "error"
    files: tuple[tuple[str, str], ...] = ()  # extra files beside the quiz (e.g. sources)


CASES = [
    Case(
        "unknown key with suggestion",
        variant("    prompt: Who said it?", "    promt: Who said it?"),
        11,
        5,
        "questions[0]",
        "unknown key `promt`; did you mean `prompt`?",
    ),
    Case(
        "unknown top-level key",
        variant("title: Demo\n", "titel: Demo\n"),
        2,
        1,
        "",
        "unknown key `titel`; did you mean `title`?",
    ),
    Case(
        "missing required key",
        variant("    prompt: Who said it?\n", ""),
        10,
        5,
        "questions[0]",
        "missing required key `prompt`",
    ),
    Case(
        "duplicate key",
        variant("    prompt: Who said it?\n", "    prompt: Who said it?\n    prompt: Again?\n"),
        12,
        5,
        "questions[0].prompt",
        "duplicate key `prompt` (first at line 11)",
    ),
    Case(
        "no correct choice",
        variant("        correct: true\n", ""),
        12,
        5,
        "questions[0].choices",
        "no choice is marked correct: true",
    ),
    Case(
        "quote not in the source",
        variant("quote: The ICC prosecutor said", "quote: The ICC prosecutor says"),
        17,
        12,
        "questions[0].quote",
        'quote not found in the source; did you mean: "The ICC prosecutor said',
    ),
    Case(
        "quote pieces in different paragraphs",
        variant(
            "quote: The ICC prosecutor said", "quote: The ICC prosecutor said ... Health officials"
        ),
        17,
        12,
        "questions[0].quote",
        "each part of this quote stands in the source, but not in this order within one paragraph",
    ),
    Case(
        "question type written as a YAML boolean",
        variant("  - id: q1\n", "  - id: q1\n    type: yes\n"),
        11,
        11,
        "questions[0].type",
        "unknown question type `yes`",
    ),
    Case(
        "empty list of quotes",
        variant("quote: The ICC prosecutor said", "quote: []"),
        17,
        12,
        "questions[0].quote",
        "needs at least 1 item(s); it has 0",
    ),
    Case(
        "number with a thousands separator",
        BASE + "  - id: q2\n    type: number\n    prompt: How many?\n    answer: 2,100\n"
        "    explanation: x\n    quote: Health officials said\n",
        21,
        13,
        "questions[1].answer",
        "write it without separators: 2100",
    ),
    Case(
        "feedback on the question instead of a choice",
        variant("    explanation: The", "    feedback: Wrong.\n    explanation: The"),
        16,
        5,
        "questions[0]",
        "`feedback` belongs to a choice (under `choices:`), not to the question",
    ),
    Case(
        "grounded question without a quote",
        variant("    quote: The ICC prosecutor said\n", ""),
        10,
        5,
        "questions[0]",
        "missing `quote`",
    ),
    Case(
        "quiz id with capitals and a space",
        variant("id: demo-quiz", "id: Demo Quiz"),
        1,
        5,
        "id",
        "`Demo Quiz` is not a valid id",
    ),
    Case(
        "question id pattern",
        variant("- id: q1", "- id: Q1"),
        10,
        9,
        "questions[0].id",
        "`Q1` is not a valid id",
    ),
    Case(
        "unknown question type",
        variant("  - id: q1\n", "  - id: q1\n    type: multiple\n"),
        11,
        11,
        "questions[0].type",
        "unknown question type `multiple`",
    ),
    Case(
        "YAML 1.1 boolean in a text field",
        variant("text: A diplomat", "text: no"),
        15,
        15,
        "questions[0].choices[1].text",
        "`no` is read by YAML as a boolean",
    ),
    Case(
        "true/false answer in quotes",
        BASE + SECOND_QUESTION.replace("answer: true", 'answer: "true"'),
        21,
        13,
        "questions[1].answer",
        "expected true or false (without quotes)",
    ),
    Case(
        "choices on a true/false question",
        BASE + SECOND_QUESTION.replace("    answer: true\n", "    answer: true\n    choices: []\n"),
        22,
        5,
        "questions[1]",
        "`choices` does not belong in a true_false question",
    ),
    Case(
        "time limit below the minimum",
        variant("questions:\n", "settings:\n  time_limit: 2\nquestions:\n"),
        10,
        15,
        "settings.time_limit",
        "must be at least 5; got 2",
    ),
    Case(
        "source url not http",
        variant("  title: Demo source\n", "  title: Demo source\n  url: ftp://example.org/a\n"),
        5,
        8,
        "source.url",
        "is not a web address starting with http:// or https://",
    ),
    Case(
        "source with both file and text",
        variant("  title: Demo source\n", "  title: Demo source\n  file: a.txt\n"),
        3,
        1,
        "source",
        "give exactly one of `file` or `text`",
    ),
    Case(
        "source file that does not exist",
        variant(
            BASE[BASE.index("  text: |") : BASE.index("questions:")],
            "  file: sources/missing.txt\n",
        ),
        5,
        9,
        "source.file",
        "`sources/missing.txt` does not exist",
    ),
    Case(
        "source file outside the quiz directory",
        variant(
            BASE[BASE.index("  text: |") : BASE.index("questions:")], "  file: ../outside.txt\n"
        ),
        5,
        9,
        "source.file",
        "is outside the quiz directory",
    ),
    Case(
        "only one choice",
        variant("      - text: A diplomat\n", ""),
        13,
        7,
        "questions[0].choices",
        "needs at least 2 item(s); it has 1",
    ),
    Case(
        "eleven choices",
        variant(
            "      - text: A diplomat\n", "".join(f"      - text: Other {i}\n" for i in range(10))
        ),
        13,
        7,
        "questions[0].choices",
        "has 11 items; the limit is 10",
    ),
    Case(
        "empty prompt",
        variant("prompt: Who said it?", 'prompt: ""'),
        11,
        13,
        "questions[0].prompt",
        "must not be empty",
    ),
    Case(
        "prompt too long",
        variant("prompt: Who said it?", "prompt: " + "x" * 1501),
        11,
        13,
        "questions[0].prompt",
        "is 1,501 characters long; the limit is 1,500",
    ),
    Case(
        "points zero",
        variant(
            "    quote: The ICC prosecutor said\n",
            "    quote: The ICC prosecutor said\n    points: 0\n",
        ),
        18,
        13,
        "questions[0].points",
        "must be at least 1; got 0",
    ),
    Case(
        "points as a word",
        variant(
            "    quote: The ICC prosecutor said\n",
            "    quote: The ICC prosecutor said\n    points: ten\n",
        ),
        18,
        13,
        "questions[0].points",
        "expected a whole number, got the text `ten`",
    ),
    Case(
        "duplicate question ids",
        BASE + SECOND_QUESTION.replace("id: q2", "id: q1"),
        18,
        9,
        "questions[1].id",
        "duplicate question id `q1`",
    ),
    Case(
        "duplicate choice texts",
        variant("text: A diplomat", "text: the  Prosecutor"),
        15,
        15,
        "questions[0].choices[1].text",
        "the same choice as choices[0]",
    ),
    Case(
        "language-specific tag",
        variant("title: Demo\n", "title: !!python/object/apply:os.system [ls]\n"),
        2,
        8,
        "title",
        "the tag `!!python/object/apply:os.system` is not allowed",
    ),
    Case(
        "custom tag",
        variant("title: Demo\n", "title: !include other.yaml\n"),
        2,
        8,
        "title",
        "the tag `!include` is not allowed",
    ),
    Case(
        "billion laughs",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
            for p, n in zip("abcdefg", "bcdefgh", strict=True)
        ),
        6,
        4,
        "f",
        "billion laughs",
    ),
    Case("empty file", b"", 1, 1, "", "the file is empty"),
    Case("only comments", "# a quiz will go here\n", 1, 1, "", "the file is empty"),
    Case(
        "two documents",
        BASE + "---\nid: other\n",
        18,
        1,
        "",
        "more than one YAML document",
    ),
    Case(
        "not UTF-8",
        BASE.encode().replace(b"Who said it?", b"Qui l'a dit\xe9?"),
        11,
        24,
        "",
        "not UTF-8",
    ),
    Case(
        "over 1 MiB",
        b"# " + b"x" * (1024 * 1024) + b"\n",
        1,
        1,
        "",
        "the limit is 1,048,576 (1 MiB)",
    ),
    Case(
        "unclosed bracket",
        variant("    quote: The ICC prosecutor said\n", "    tags: [icc, people\n    quote: x\n"),
        18,
        10,
        "",
        "(the list starts at line 17, column 11)",
    ),
    Case(
        "tab indentation",
        variant("    explanation: The article", "\texplanation: The article"),
        16,
        1,
        "",
        "indent with spaces, not tabs",
    ),
    Case(
        "a tab where a key starts, at the start of a line",
        variant("source:\n  title: Demo source", "source:\n\ttitle: Demo source"),
        4,
        1,
        "",
        "a tab character where the text should start; indent with spaces, not tabs",
    ),
    Case(
        "a tab where a key starts, after spaces",
        variant("source:\n  title: Demo source", "source:\n  \ttitle: Demo source"),
        4,
        3,
        "",
        "a tab character where the text should start; indent with spaces, not tabs",
    ),
    Case(
        "a list instead of a mapping", "- id: q1\n- id: q2\n", 1, 1, "", "a quiz file is a mapping"
    ),
    Case(
        "no questions",
        BASE[: BASE.index("questions:")] + "questions: []\n",
        9,
        12,
        "questions",
        "needs at least 1 item(s); it has 0",
    ),
    Case(
        "number answer in quotes",
        BASE + '  - id: q2\n    type: number\n    prompt: How many?\n    answer: "67"\n'
        "    explanation: x\n    quote: Health officials said\n",
        21,
        13,
        "questions[1].answer",
        "expected a number, got the text `67`; write it without quotes: 67",
    ),
    Case(
        "short answer without answers",
        BASE + "  - id: q2\n    type: short_answer\n    prompt: Who?\n"
        "    explanation: x\n    quote: Health officials said\n",
        18,
        5,
        "questions[1]",
        "missing required key `answers`",
    ),
    Case(
        "short answer that is only punctuation",
        BASE + '  - id: q2\n    type: short_answer\n    prompt: Who?\n    answers: ["?!"]\n'
        "    explanation: x\n    quote: Health officials said\n",
        21,
        15,
        "questions[1].answers[0]",
        "has no letters or digits",
    ),
    Case(
        "difficulty misspelt",
        variant(
            "    quote: The ICC prosecutor said\n",
            "    quote: The ICC prosecutor said\n    difficulty: Hard\n",
        ),
        18,
        17,
        "questions[0].difficulty",
        "did you mean `hard`?",
    ),
    Case(
        "negative tolerance",
        BASE + "  - id: q2\n    type: number\n    prompt: How many?\n    answer: 67\n"
        "    tolerance: -1\n    explanation: x\n    quote: Health officials said\n",
        22,
        16,
        "questions[1].tolerance",
        "must be at least 0; got -1",
    ),
    Case(
        "merge key",
        variant("  - id: q1\n", "  - <<: {points: 5}\n    id: q1\n"),
        10,
        5,
        "questions[0]",
        "merge keys (`<<`) are not supported",
    ),
    Case(
        "does not fit in a Discord message",
        variant(
            "      - text: A diplomat\n",
            "".join(f"      - text: {chr(65 + i)}{'x' * 299}\n" for i in range(9)),
        ).replace("prompt: Who said it?", "prompt: " + "y" * 1500),
        11,
        13,
        "questions[0].prompt",
        "characters in Discord",
    ),
    Case(
        "more questions per game than questions",
        variant("questions:\n", "settings:\n  questions_per_game: 5\nquestions:\n"),
        10,
        23,
        "settings.questions_per_game",
        "every game will use all of them",
        severity="warning",
    ),
    Case(
        "grounded question without explanation",
        variant("    explanation: The article attributes it to the prosecutor.\n", ""),
        10,
        5,
        "questions[0]",
        "no `explanation`",
        severity="warning",
    ),
    # The YAML mistakes teachers make most: a hint at the mistake, with what to write.
    Case(
        "apostrophe inside single quotes",
        variant("prompt: Who said it?", "prompt: 'Who is the court's prosecutor?'"),
        11,
        30,
        "",
        "the apostrophe in `court's` ends the quoted text that starts with `'` at column 13; "
        "write it twice (`court''s`) or put the text in double quotes, or better, "
        "write `prompt: >-` and the text on the next lines, indented",
    ),
    Case(
        "apostrophe inside single quotes over two lines",
        variant("prompt: Who said it?", "prompt: 'Who is the court's\n      prosecutor?'"),
        11,
        30,
        "",
        "the apostrophe in `court's` ends the quoted text",
    ),
    Case(
        "apostrophe inside a single-quoted list item",
        BASE + SHORT_ANSWER.format(answers="      - 'Egypt's army'\n"),
        22,
        15,
        "",
        "write it twice (`Egypt''s`) or put the text in double quotes, or better, "
        "write `- >-` and the text on the next lines",
    ),
    Case(
        "apostrophe inside single quotes in brackets",
        BASE + SHORT_ANSWER.format(answers="").replace("answers:\n", "answers: ['Egypt's', x]\n"),
        21,
        21,
        "",
        "write it twice (`Egypt''s`) or put the text in double quotes",
    ),
    Case(
        "straight double quote inside double quotes",
        variant(
            "explanation: The article attributes it to the prosecutor.",
            'explanation: "He said "no" to it"',
        ),
        16,
        27,
        "",
        'the `"` in `"no"` ends the quoted text that starts with `"` at column 18; '
        'escape it as `\\"` (`\\"no\\"`) or put the text in single quotes, or better, '
        "write `explanation: >-` and the text on the next lines, indented",
    ),
    Case(
        "straight double quotes at the end of double quotes",
        variant("text: A diplomat", 'text: "A "diplomat""'),
        15,
        18,
        "",
        'escape it as `\\"` (`\\"diplomat\\"`)',
    ),
    Case(
        "key indented less than the other keys of its question",
        variant("    quote: The ICC", "  quote: The ICC"),
        17,
        3,
        "",
        "the key `quote` must line up with the other keys of this question, which start at "
        "column 5 (like `explanation` on line 16); here it starts at column 3",
    ),
    Case(
        "key indented more than the other keys of its question",
        variant("    quote: The ICC", "      quote: The ICC"),
        17,
        7,
        "",
        "the key `quote` must line up with the other keys of this question, which start at "
        "column 5 (like `explanation` on line 16); here it starts at column 7",
    ),
    Case(
        "question key indented like the choices",
        variant("    explanation: The", "      explanation: The"),
        16,
        7,
        "",
        "the key `explanation` must line up with the other keys of this question, which start "
        "at column 5",
    ),
    Case(
        "second key of a question indented more than its first",
        variant("    prompt: Who", "     prompt: Who"),
        11,
        6,
        "",
        "the key `prompt` must line up with the other keys of this question, which start at "
        "column 5 (like `id` on line 10); here it starts at column 6",
    ),
    Case(
        "key of a choice indented less than its text",
        variant("        correct: true", "       correct: true"),
        14,
        8,
        "",
        "the key `correct` must line up with the other keys of this choice, which start at "
        "column 9 (like `text` on line 13); here it starts at column 8",
    ),
    Case(
        "keys of the source not lined up",
        variant("  title: Demo source", "   title: Demo source"),
        5,
        3,
        "",
        "the key `text` must line up with the other keys under `source`, which start at "
        "column 4 (like `title` on line 4); here it starts at column 3",
    ),
    Case(
        "new question without its dash",
        BASE + SECOND_QUESTION.replace("  - id: q2", "  id: q2"),
        18,
        3,
        "",
        "the key `id` must line up with the other keys of this question, which start at "
        "column 5 (like `quote` on line 17); here it starts at column 3; "
        "if it starts a new question, write `- ` before it",
    ),
    Case(
        "no space after the colon of a prompt",
        variant("prompt: Who said it?", "prompt:Who said it?"),
        11,
        5,
        "",
        "put a space after the colon: write `prompt: Who said it?`, not `prompt:Who said it?`",
    ),
    Case(
        "no space after the colon of a number answer",
        BASE + "  - id: q2\n    type: number\n    prompt: How many?\n    answer:42\n"
        "    explanation: x\n    quote: Health officials said\n",
        21,
        5,
        "",
        "put a space after the colon: write `answer: 42`, not `answer:42`",
    ),
    Case(
        "no space after the colon of the last key",
        variant("quote: The ICC prosecutor said", "quote:The ICC prosecutor said"),
        17,
        5,
        "",
        "write `quote: The ICC prosecutor said`, not `quote:The ICC prosecutor said`",
    ),
    Case(
        "no space after the colon of a question id",
        variant("- id: q1", "- id:q1"),
        10,
        5,
        "",
        "put a space after the colon: write `id: q1`, not `id:q1`",
    ),
    Case(
        "no space after the colon of a one-key choice",
        variant("text: A diplomat", "text:A diplomat"),
        15,
        9,
        "questions[0].choices[1]",
        "put a space after the colon: write `text: A diplomat`, not `text:A diplomat`; "
        "without the space YAML reads `text:A diplomat` as one piece of text",
    ),
    Case(
        "no space after the colon of a one-key mapping",
        variant("questions:\n", "settings:\n  time_limit:20\nquestions:\n"),
        10,
        3,
        "settings",
        "put a space after the colon: write `time_limit: 20`, not `time_limit:20`",
    ),
    Case(
        "no space after the colon of text with a colon",
        variant("prompt: Who said it?", "prompt:Who said it: the court?"),
        11,
        5,
        "questions[0]",
        "put a space after the colon, and quotes around the text since it holds `: `: "
        'write `prompt: "Who said it: the court?"`',
    ),
    Case(
        "no space after the dash of a question",
        variant("  - id: q1", "  -id: q1"),
        10,
        3,
        "",
        "put a space after the `-` of each list item: write `- id: q1`, not `-id: q1`",
    ),
    Case(
        "no space after the dash of a later question",
        BASE + SECOND_QUESTION.replace("  - id: q2", "  -id: q2"),
        18,
        3,
        "",
        "put a space after the `-` of each list item: write `- id: q2`, not `-id: q2`",
    ),
    Case(
        "no space after the dash of a choice",
        variant("      - text: A diplomat", "      -text: A diplomat"),
        15,
        7,
        "",
        "put a space after the `-` of each list item: write `- text: A diplomat`",
    ),
    Case(
        "no space after the dash of a later answer",
        BASE + SHORT_ANSWER.format(answers="      - Egypt\n      -Cairo\n"),
        23,
        7,
        "",
        "put a space after the `-` of each list item: write `- Cairo`, not `-Cairo`",
    ),
    Case(
        "no space after the dashes of all answers",
        BASE + SHORT_ANSWER.format(answers="      -Egypt\n      -Cairo\n"),
        22,
        7,
        "questions[1].answers",
        "put a space after the `-` of each list item: write `- Egypt`, not `-Egypt`; "
        "without the space YAML reads `-Egypt` as text, not as a list item",
    ),
    Case(
        "no space after the dashes of all choices",
        variant(
            "      - text: The prosecutor\n        correct: true\n      - text: A diplomat\n",
            "      -text: The prosecutor\n      -text: A diplomat\n",
        ),
        13,
        7,
        "questions[0].choices",
        "put a space after the `-` of each list item: write `- text: The prosecutor`, "
        "not `-text: The prosecutor`; without the space YAML reads `-text` as a key",
    ),
]


def _write(tmp_path: Path, case: Case) -> Path:
    root = tmp_path / "quizzes"
    (root / "sources").mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("The ICC prosecutor said.")
    for name, text in case.files:
        (root / name).write_text(text)
    path = root / "case.yaml"
    data = case.content if isinstance(case.content, bytes) else case.content.encode()
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_is_reported_at_its_line(tmp_path: Path, case: Case) -> None:
    path = _write(tmp_path, case)
    result = load_file(path, path.parent)
    matching = [d for d in result.diagnostics if case.fragment in d.message]
    assert matching, f"no message containing {case.fragment!r} in {result.diagnostics}"
    d = matching[0]
    assert (d.line, d.column, d.where, d.severity) == (
        case.line,
        case.column,
        case.where,
        case.severity,
    ), d.format()
    if case.severity == "error":
        assert result.quiz is None
    else:
        assert result.quiz is not None


def test_a_refused_tag_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text(variant("title: Demo\n", "title: !!binary aGk=\n"))
    result = load_file(path, tmp_path)
    assert [(d.line, d.where) for d in result.diagnostics] == [(2, "title")]


def test_there_are_at_least_25_bad_files() -> None:
    assert sum(c.severity == "error" for c in CASES) >= 25


def test_every_error_of_a_file_is_reported(tmp_path: Path) -> None:
    text = (
        variant("    prompt: Who said it?", "    promt: Who said it?")
        + SECOND_QUESTION.replace("answer: true", "answer: maybe").replace(
            "quote: Health officials said", "quote: Health officials denied"
        )
        + "  - id: q3\n    prompt: Third?\n    choices: [{text: a}, {text: b}]\n"
        "    explanation: x\n    quote: Health officials said\n"
    )
    path = tmp_path / "many.yaml"
    path.write_text(text)
    result = load_file(path, tmp_path)
    found = {(d.line, d.where) for d in result.diagnostics if d.severity == "error"}
    assert found == {
        (11, "questions[0]"),  # promt
        (10, "questions[0]"),  # so prompt is missing
        (21, "questions[1].answer"),  # maybe
        (23, "questions[1].quote"),  # not in the source, though the question is broken
        (26, "questions[2].choices"),  # no correct choice, though questions[1] is broken
    }


def test_dashes_without_spaces_are_reported_once(tmp_path: Path) -> None:
    # `-text:` twice is also a duplicate key to YAML; only the missing space is reported.
    path = tmp_path / "dashes.yaml"
    path.write_text(
        variant(
            "      - text: The prosecutor\n        correct: true\n      - text: A diplomat\n",
            "      -text: The prosecutor\n      -text: A diplomat\n",
        )
    )
    result = load_file(path, tmp_path)
    assert [(d.line, d.column, d.where) for d in result.diagnostics] == [
        (13, 7, "questions[0].choices")
    ]


def test_a_colon_inside_an_answer_is_text(tmp_path: Path) -> None:
    path = tmp_path / "colon.yaml"
    path.write_text(BASE + SHORT_ANSWER.format(answers="      - Paris:France\n"))
    result = load_file(path, tmp_path)
    assert result.quiz is not None, result.diagnostics


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        # A colon inside text, not a key: the parser's words stand (the pitfalls say why).
        ("prompt: Who said it?", "prompt: Note: who said it?", "mapping values are not allowed"),
        # Text after the closing quote, not a quote inside: no advice to double it.
        ("prompt: Who said it?", "prompt: 'Who said it?' (hard)", "while parsing a block mapping"),
        # A quote never closed runs over the keys below; it is not a quote inside the text.
        (
            "prompt: Who said it?",
            'prompt: "Who said it?\n    choices: x "a" y',
            "YAML syntax error",
        ),
    ],
)
def test_no_hint_where_the_mistake_is_another(
    tmp_path: Path, old: str, new: str, words: str
) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(variant(old, new))
    [d] = load_file(path, tmp_path).diagnostics
    assert words in d.message
    assert not any(
        hint in d.message for hint in ("put a space", "must line up", "ends the quoted text")
    ), d.message
