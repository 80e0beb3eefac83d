"""The quiz format as pydantic models: the one source of truth for validation and the JSON Schema.

The models check structure and per-field constraints. Rules that relate several fields
(exactly one of `file`/`text`, at least one correct choice, quotes in the source...) live in
`rules.py`, so that every problem in a file is reported with its own position.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    HttpUrl,
    StrictBool,
    Tag,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"

Identifier = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        description="Lowercase letters, digits and dashes, starting with a letter or digit; "
        "2..64 characters.",
    ),
]
# Booleans are never numbers here (`answer: true` on a number question is a mistake).
Number = Annotated[int, Field(strict=True)] | Annotated[float, Field(strict=True)]
Quote = Annotated[str, Field(min_length=1, max_length=1000)]
# A BCP 47 language tag: a language, then optional script, region or variant subtags.
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
LanguageTag = Annotated[
    str,
    Field(
        pattern=LANGUAGE_PATTERN,
        description="The quiz's language, a BCP 47 tag such as en, fr, es-MX or hi.",
    ),
]


class _Strict(BaseModel):
    """Unknown keys are errors; numbers in text fields (`text: 1948`) become text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class Source(_Strict):
    """The text the quiz is written from. Exactly one of `file` or `text`."""

    title: Annotated[str, Field(min_length=1, max_length=256)]
    publisher: Annotated[str, Field(min_length=1, max_length=256)] | None = None
    url: HttpUrl | None = Field(default=None, description="http(s) only.")
    file: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="Path relative to the quiz file, inside the quiz directory."
    )
    text: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="The source inline."
    )


class Settings(_Strict):
    time_limit: Annotated[int, Field(ge=5, le=300, strict=True)] = Field(
        default=30, description="Seconds per question in live mode."
    )
    shuffle_questions: StrictBool = True
    shuffle_choices: StrictBool = True
    questions_per_game: Annotated[int, Field(ge=1, le=500, strict=True)] | None = Field(
        default=None, description="Questions in one game; default: all."
    )


class Choice(_Strict):
    text: Annotated[str, Field(min_length=1, max_length=300)]
    correct: StrictBool = False
    feedback: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        default=None, description="Shown to whoever picked this choice."
    )


Difficulty = Literal["easy", "medium", "hard"]


class _QuestionBase(_Strict):
    id: Identifier
    prompt: Annotated[str, Field(min_length=1, max_length=1500)]
    explanation: Annotated[str, Field(min_length=1, max_length=1500)] | None = None
    quote: Quote | Annotated[list[Quote], Field(min_length=1)] | None = Field(
        default=None, description="A verbatim passage of the source, or several."
    )
    points: Annotated[int, Field(ge=1, le=1000, strict=True)] = 10
    difficulty: Difficulty | None = None
    tags: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(default_factory=list)

    @property
    def quotes(self) -> list[str]:
        if self.quote is None:
            return []
        return [self.quote] if isinstance(self.quote, str) else list(self.quote)


class ChoiceQuestion(_QuestionBase):
    type: Literal["choice"] = "choice"
    choices: Annotated[list[Choice], Field(min_length=2, max_length=10)]

    @property
    def correct_indexes(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.choices) if c.correct)

    @property
    def select_all(self) -> bool:
        """More than one correct choice: "select all that apply"."""
        return len(self.correct_indexes) > 1


class TrueFalseQuestion(_QuestionBase):
    type: Literal["true_false"]
    answer: StrictBool


class ShortAnswerQuestion(_QuestionBase):
    type: Literal["short_answer"]
    answers: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=300)]], Field(min_length=1)
    ]
    fuzzy: StrictBool = Field(
        default=True,
        description=(
            "Forgive small typos: a missing or extra letter, or two neighbouring letters "
            "swapped, is one slip, a wrong letter two; an answer is accepted when its slips "
            "stay within 15% of the two spellings' combined length. Digits must match."
        ),
    )


class NumberQuestion(_QuestionBase):
    type: Literal["number"]
    answer: Number
    tolerance: Annotated[Number, Field(ge=0)] = 0


QUESTION_TYPES: dict[str, type[_QuestionBase]] = {
    "choice": ChoiceQuestion,
    "true_false": TrueFalseQuestion,
    "short_answer": ShortAnswerQuestion,
    "number": NumberQuestion,
}


def _question_type(value: Any) -> str | None:
    # `type` may be left out: it defaults to choice.
    if isinstance(value, dict):
        kind = value.get("type", "choice")
        return kind if isinstance(kind, str) else None
    return getattr(value, "type", None)


Question = Annotated[
    Annotated[ChoiceQuestion, Tag("choice")]
    | Annotated[TrueFalseQuestion, Tag("true_false")]
    | Annotated[ShortAnswerQuestion, Tag("short_answer")]
    | Annotated[NumberQuestion, Tag("number")],
    Discriminator(
        _question_type,
        custom_error_type="question_type",
        custom_error_message="unknown question type",
    ),
]


class Quiz(_Strict):
    """One quiz file."""

    model_config = ConfigDict(title="Quizbot quiz")

    id: Identifier
    title: Annotated[str, Field(min_length=1, max_length=256)]
    description: Annotated[str, Field(max_length=1000)] | None = None
    author: Annotated[str, Field(min_length=1, max_length=256)] | None = None
    # The language its questions are written in (the bot's own words follow each student).
    language: LanguageTag = "en"
    source: Source | None = None
    settings: Settings = Field(default_factory=Settings)
    questions: Annotated[list[Question], Field(min_length=1, max_length=500)]

    @property
    def grounded(self) -> bool:
        return self.source is not None

    def question(self, question_id: str) -> AnyQuestion:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


AnyQuestion = ChoiceQuestion | TrueFalseQuestion | ShortAnswerQuestion | NumberQuestion
