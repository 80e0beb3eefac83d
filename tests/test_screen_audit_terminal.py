"""The screen audit in the terminal: `quizbot play`'s screens, read as a student reads them.

For every question of every shipped quiz, under many seeds, each question is answered
once right and once wrong (two games per seed, with opposite patterns); every screen after
an answer must name choices by the letters of the question screen, the running score must
add up the points of the verdicts, and the final panel must agree with both. The other
surfaces (Discord solo, the live reveal, DM chat) are audited in tests/e2e.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.console import Console

from bot.quiz.catalog import Catalog
from bot.quiz.loader import LoadedQuiz
from bot.storage.repository import Repository
from bot.terminal import play
from tests.screen_audit import (
    QuestionScreen,
    audit_feedback,
    read_game_score,
    read_question_screen,
    read_score,
    right_typed,
    wrong_typed,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(1000, 1025)


def shipped() -> list[LoadedQuiz]:
    catalog = Catalog(ROOT / "quizzes")
    catalog.reload()
    assert len(catalog) > 0 and not catalog.errors
    return sorted(catalog, key=lambda q: q.id)


class Student:
    """Reads each screen the terminal printed and types an answer, right or wrong by turns;
    audits every screen after an answer against the question screen before it."""

    def __init__(self, console: Console, loaded: LoadedQuiz, pattern: int, seed: int) -> None:
        self.console = console
        self.loaded = loaded
        self.pattern = pattern
        self.seed = seed
        self.asked = 0
        self.pending: tuple[QuestionScreen, list[str], bool, str] | None = None
        self.points = self.right = self.answered = 0
        self.seen: set[tuple[str, bool]] = set()
        self.spelled = 0  # forgiven typos, each shown with the quiz's spelling

    def where(self) -> str:
        return f"terminal, seed {self.seed}, pattern {self.pattern}, question {self.asked}"

    def audit_previous(self, feedback: str) -> None:
        if self.pending is None:
            return
        screen, picked, right, line = self.pending
        verdict = audit_feedback(
            screen, feedback, picked=picked, right=right, where=self.where(), typed=line
        )
        self.spelled += verdict.spelled is not None
        self.points += verdict.points
        self.right += verdict.correct
        self.answered += 1
        assert read_score(feedback) == (self.points, self.right, self.answered), self.where()
        self.seen.add((screen.question.id, right))
        self.pending = None

    def __call__(self, prompt: str) -> str:
        printed = self.console.export_text(clear=True)
        feedback, _, panel = printed.partition("╭")
        self.audit_previous(feedback)
        screen = read_question_screen(panel, self.loaded.quiz)
        self.asked += 1
        right = (self.asked + self.pattern) % 2 == 0
        q = screen.question
        if screen.options:
            picked = screen.right_letters() if right else screen.wrong_letters()
            line = ", ".join(picked)
        else:
            picked = []
            line = right_typed(q, self.seed) if right else wrong_typed(q)
        self.pending = (screen, picked, right, line)
        return line


@pytest.mark.parametrize("loaded", shipped(), ids=lambda q: q.id)
async def test_every_terminal_screen_agrees_with_the_question_screen(
    loaded: LoadedQuiz, tmp_path: Path, sqlite_template: Path
) -> None:
    db = tmp_path / "audit.db"
    shutil.copyfile(sqlite_template, db)
    repo = await Repository.open(f"sqlite+aiosqlite:///{db}")
    catalog = Catalog(ROOT / "quizzes")
    catalog.reload()
    total = len(loaded.quiz.questions)
    seen: set[tuple[str, bool]] = set()
    spelled = 0
    try:
        for seed in SEEDS:
            for pattern in (0, 1):
                console = Console(record=True, width=400, color_system=None, highlight=False)
                student = Student(console, loaded, pattern, seed)
                result = await play(
                    repo,
                    catalog,
                    quiz_id=loaded.id,
                    user=f"student {seed}-{pattern}",
                    console=console,
                    read=student,
                    count=total,
                    seed=seed,
                )
                rest = console.export_text(clear=True)
                feedback, _, final = rest.partition("╭")
                student.audit_previous(feedback)
                assert student.answered == total and result.finished
                # The summary: this game's figures are the running score's; the total is
                # this student's only game.
                figures = (student.points, student.right, student.answered)
                assert read_game_score(final) == figures, final
                assert f"Your total on this quiz: {student.points} points" in final, final
                assert (result.points, result.correct, result.answered) == figures
                seen |= student.seen
                spelled += student.spelled
    finally:
        await repo.close()
    # Every question was answered both right and wrong, and some typos were forgiven.
    assert spelled > 0
    assert seen == {(q.id, r) for q in loaded.quiz.questions for r in (True, False)}
