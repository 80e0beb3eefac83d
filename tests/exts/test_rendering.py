"""Every embed the bot can send for the shipped quizzes fits Discord's limits."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from bot.exts import rendering
from bot.quiz.catalog import Catalog
from bot.quiz.marking import Picked, Typed, check, choice_order
from bot.quiz.models import ChoiceQuestion, NumberQuestion, ShortAnswerQuestion, TrueFalseQuestion
from bot.quiz.presentation import LIMITS, RunningScore, ShownQuestion
from bot.quiz.session import Outcome, Reveal
from bot.storage.records import LeaderboardPage, Period, RankedEntry

ROOT = Path(__file__).resolve().parents[2]


def assert_fits(embed: discord.Embed) -> None:
    assert len(embed) <= LIMITS.embed_total
    assert len(embed.title or "") <= LIMITS.embed_title
    assert len(embed.description or "") <= LIMITS.embed_description
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert len(field.name) <= LIMITS.field_name
        assert 0 < len(field.value) <= LIMITS.field_value
    assert len(embed.footer.text or "") <= LIMITS.footer_text
    assert len(embed.author.name or "") <= LIMITS.embed_title


def questions():
    catalog = Catalog(ROOT / "quizzes")
    catalog.reload()
    for loaded in catalog:
        for q in loaded.quiz.questions:
            yield loaded, q


def wrongest(q) -> Picked | Typed:
    """The longest wrong answer a student could give (the largest answer embed)."""
    if isinstance(q, ChoiceQuestion):
        return Picked(frozenset(range(len(q.choices))) if q.select_all else {0})
    if isinstance(q, TrueFalseQuestion):
        return Picked.of(0)
    return Typed("x" * 200 if isinstance(q, ShortAnswerQuestion) else "123456789")


@pytest.mark.parametrize(
    ("loaded", "question"), list(questions()), ids=lambda v: getattr(v, "id", "")
)
def test_every_embed_of_every_question_fits(loaded, question) -> None:
    order = choice_order(question, 7, True)
    assert_fits(
        rendering.question_embed(
            ShownQuestion(question, order), quiz_title=loaded.quiz.title, number=10, total=10
        )
    )
    verdict = check(question, order, wrongest(question))
    outcome = Outcome(
        1,
        question.id,
        0,
        verdict.correct,
        0,
        0,
        0,
        verdict.given,
        verdict.picked,
        verdict.feedback,
        3.0,
        0.0,
        0,
    )
    answer = rendering.answer_embed(
        ShownQuestion(question, order),
        outcome,
        source=loaded.quiz.source,
        number=10,
        total=10,
        score=RunningScore(points=12345, correct=999, answered=1000),
    )
    assert_fits(answer)
    assert answer.fields and answer.fields[0].value.startswith("> ")  # the quote as a block quote
    assert question.explanation in (answer.description or "")
    counts = tuple(range(len(order))) if order else (3, 4)
    reveal = Reveal(
        question, order, counts, sum(counts), 3, tuple((i + 1, i, 100 - i) for i in range(5))
    )
    names = dict.fromkeys(range(5), "n" * 32)
    assert_fits(
        rendering.reveal_embed(
            reveal,
            quiz_title=loaded.quiz.title,
            source=loaded.quiz.source,
            number=10,
            total=10,
            names=names,
        )
    )


def test_answer_embed_says_right_or_wrong_with_the_answer() -> None:
    [(loaded, q)] = [(lq, q) for lq, q in questions() if isinstance(q, NumberQuestion)][:1]
    right = Outcome(1, q.id, 0, True, 15, 10, 5, "67", (), None, 1.0, 0.0, 1)
    wrong = Outcome(1, q.id, 0, False, 0, 0, 0, "68", (), None, 1.0, 0.0, 0)
    shown = ShownQuestion(q, ())
    good = rendering.answer_embed(shown, right, source=loaded.quiz.source, number=1, total=10)
    bad = rendering.answer_embed(shown, wrong, source=loaded.quiz.source, number=1, total=10)
    assert good.title.startswith("✅") and "+5 speed bonus" in good.title
    assert bad.title.startswith("❌") and f"The answer: **{q.answer:g}" in bad.description
    assert bad.footer.text.startswith("Israel in talks with ICC")


def test_leaderboard_embed_shows_the_callers_rank_and_pages() -> None:
    entries = [
        RankedEntry(r, u, f"user {u}", p, 5, 4) for r, u, p in [(1, 1, 50), (2, 2, 40), (2, 3, 40)]
    ]
    page = LeaderboardPage(1, "*", Period.WEEK, 0, 3, 7, entries, RankedEntry(6, 9, "me", 10, 2, 1))
    embed = rendering.leaderboard_embed(page, scope_title="all quizzes")
    assert "this week" in embed.title
    assert embed.description.splitlines()[2].startswith("`  2.` **user 3**")
    assert embed.fields[0].name == "Your rank" and "`  6.` **me**" in embed.fields[0].value
    assert embed.footer.text == "Page 1 of 3 · 7 player(s)"
    assert_fits(embed)


def test_names_cannot_inject_markdown() -> None:
    page = LeaderboardPage(
        1, "*", Period.ALL, 0, 10, 1, [RankedEntry(1, 1, "**boss**", 5, 1, 1)], None
    )
    assert "\\*\\*boss\\*\\*" in rendering.leaderboard_embed(page, scope_title="x").description
