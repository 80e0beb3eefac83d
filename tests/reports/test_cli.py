"""`quizbot report` and `quizbot export` end to end: a real database, a real process."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.games import LOCAL_GUILD
from bot.quiz.models import (
    ChoiceQuestion,
    NumberQuestion,
    Quiz,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from bot.reports.analysis import analyse_quiz
from bot.reports.chart import CHART_FORMATS, facility_chart
from bot.storage.records import AnswerRecord, StoredSession, WriteOutcome
from bot.storage.repository import Repository
from tests.quizbot_process import environment, run_quizbot
from tests.reports.data import START, answer
from tests.reports.test_chart import PNG_SIGNATURE, png_size
from tests.shipped import icc_quiz

ROOT = Path(__file__).resolve().parents[2]
QUIZ_ID = "icc-gaza-2014"
OTHER_GUILD = 555
EVIL_NAME = '=cmd|" /C calc"!A0, "Jo"'


def _run(*args: str, cwd: Path, database: Path) -> subprocess.CompletedProcess[str]:
    env = environment(
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        QUIZ_DIR=str(ROOT / "quizzes"),
        COLUMNS="200",
    )
    return run_quizbot(*args, cwd=cwd, env=env)


def _response(q: object, right: bool) -> tuple[str, tuple[int, ...]]:
    """(given, picked) as the engine stores them, right or wrong."""
    if isinstance(q, ChoiceQuestion):
        key = sorted(q.correct_indexes)
        wrong = next(i for i in range(len(q.choices)) if i not in q.correct_indexes)
        picked = tuple(key) if right else (wrong,)
        return ", ".join("ABCDEFGHIJ"[i] for i in picked), picked
    if isinstance(q, TrueFalseQuestion):
        index = (0 if q.answer else 1) if right else (1 if q.answer else 0)
        return ("True", "False")[index], (index,)
    if isinstance(q, ShortAnswerQuestion):
        return (q.answers[0] if right else "Geneva"), ()
    assert isinstance(q, NumberQuestion)
    return str(q.answer if right else q.answer + 1), ()


def class_of_eight(quiz: Quiz) -> list[AnswerRecord]:
    """Eight students on every question; stronger students (higher u) are right more often."""
    rows = []
    for u in range(1, 9):
        for n, q in enumerate(quiz.questions):
            right = (n * 7 + u * 3) % 10 < u + 1
            given, picked = _response(q, right)
            name = EVIL_NAME if u == 3 else f"Student {u}"
            rows.append(
                answer(
                    u,
                    q.id,
                    right,
                    given,
                    picked,
                    quiz_id=QUIZ_ID,
                    session_id=f"game-{u}",
                    display_name=name,
                    minute=u * 60 + n,
                )
            )
    return [_in_guild(r, LOCAL_GUILD) for r in rows]


def _in_guild(record: AnswerRecord, guild: int) -> AnswerRecord:
    fields = {name: getattr(record, name) for name in record.__dataclass_fields__}
    return AnswerRecord(**fields | {"guild_id": guild})


async def _seed(url: str, answers: list[AnswerRecord]) -> None:
    repo = await Repository.open(url)
    try:
        for session_id, guild in sorted({(a.session_id, a.guild_id) for a in answers}):
            await repo.save_session(_session(session_id, guild))
        for a in answers:
            assert await repo.record_answer(a) is WriteOutcome.RECORDED
        await repo.settle()
    finally:
        await repo.close()


def _session(session_id: str, guild: int) -> StoredSession:
    return StoredSession(
        id=session_id,
        guild_id=guild,
        channel_id=None,
        message_id=None,
        quiz_id=QUIZ_ID,
        quiz_version="v1",
        mode="solo",
        seed=1,
        owner_id=1,
        question_ids=(),
        time_limit=30,
        phase="finished",
        position=0,
        opened_at=None,
        deadline=None,
        created_at=START,
        interface="terminal",
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A database with the class in terminal games and one answer in another server."""
    database = tmp_path_factory.mktemp("seeded") / "quizbot.db"
    shutil.copyfile(sqlite_template, database)
    quiz = icc_quiz()
    elsewhere = answer(42, quiz.questions[0].id, False, "B", (1,), quiz_id=QUIZ_ID)
    answers = [*class_of_eight(quiz), _in_guild(elsewhere, OTHER_GUILD)]
    asyncio.run(_seed(f"sqlite+aiosqlite:///{database}", answers))
    return database


def test_report_prints_the_analysis_and_writes_the_chart(seeded: Path, tmp_path: Path) -> None:
    quiz = icc_quiz()
    expected = analyse_quiz(class_of_eight(quiz), quiz)
    result = _run("report", QUIZ_ID, "--chart", "out.png", cwd=tmp_path, database=seeded)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"{quiz.title} ({QUIZ_ID}), terminal and DM games" in out
    assert f"8 students, {8 * len(quiz.questions)} answers." in out
    rel = expected.reliability
    assert rel.kr20 is not None and (rel.items, rel.students) == (len(quiz.questions), 8)
    assert f"Reliability (KR-20): {rel.kr20:.2f}, on 34 questions" in out
    for item in expected.items:  # every question has its row, with its % correct
        row = next(line for line in out.splitlines() if f" Q{item.number} " in line)
        assert f"{item.facility:.0f}%" in row
    assert "“Geneva”" in out  # the typed wrong answer of the short-answer questions
    assert "Chart (34 of 34 questions) written to out.png" in out
    width, height = png_size((tmp_path / "out.png").read_bytes())
    assert width == 1100 and height > 1000


def test_report_of_an_unknown_quiz_suggests_one(tmp_path: Path) -> None:
    database = tmp_path / "never.db"
    result = _run("report", "icc-gaza", cwd=tmp_path, database=database)
    assert result.returncode == 1
    assert "no quiz `icc-gaza`" in result.stderr
    assert "did you mean `icc-gaza-2014`?" in result.stderr
    assert "Traceback" not in result.stderr
    assert not database.exists()  # a typo does not create a database


def test_report_without_answers(seeded: Path, tmp_path: Path) -> None:
    result = _run("report", QUIZ_ID, "--guild", "999", cwd=tmp_path, database=seeded)
    assert result.returncode == 0, result.stderr
    assert "No answers to icc-gaza-2014 yet in server 999" in result.stdout
    assert not (tmp_path / "out.png").exists()


def _csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_export_writes_both_files(seeded: Path, tmp_path: Path) -> None:
    result = _run("export", "-o", "out.csv", cwd=tmp_path, database=seeded)
    assert result.returncode == 0, result.stderr
    answers = 8 * len(icc_quiz().questions)
    assert f"{answers} answer row(s) written to out.csv" in result.stdout
    assert "8 student row(s) written to out-students.csv" in result.stdout
    rows = _csv(tmp_path / "out.csv")
    assert len(rows) == answers
    assert {r["student_id"] for r in rows} == {str(u) for u in range(1, 9)}  # not guild 555
    assert rows[0]["answered_at_utc"] == "2026-03-02T10:00:00Z"
    students = _csv(tmp_path / "out-students.csv")
    assert len(students) == 8
    evil = next(s for s in students if s["student_id"] == "3")
    assert evil["display_name"] == "'" + EVIL_NAME  # escaped, and the comma and quotes kept
    assert evil["answers"] == str(len(icc_quiz().questions))


def test_export_of_a_server_with_the_default_name(seeded: Path, tmp_path: Path) -> None:
    result = _run("export", "--guild", str(OTHER_GUILD), cwd=tmp_path, database=seeded)
    assert result.returncode == 0, result.stderr
    found = tmp_path.glob(f"quizbot-export-{OTHER_GUILD}-*.csv")
    [written] = [p for p in found if not p.name.endswith("-students.csv")]
    assert len(written.stem.rsplit("-", 1)[1]) == 8  # YYYYMMDD
    students = written.with_name(f"{written.stem}-students.csv")
    assert [r["student_id"] for r in _csv(written)] == ["42"]
    assert [r["student_id"] for r in _csv(students)] == ["42"]
    assert f"1 answer row(s) written to {written.name}" in result.stdout


def test_report_writes_the_chart_format_its_name_asks_for(seeded: Path, tmp_path: Path) -> None:
    result = _run("report", QUIZ_ID, "--chart", "out.JPG", cwd=tmp_path, database=seeded)
    assert result.returncode == 0, result.stderr
    assert "Chart (34 of 34 questions) written to out.JPG" in result.stdout
    data = (tmp_path / "out.JPG").read_bytes()
    assert data[:3] == b"\xff\xd8\xff" and data[-2:] == b"\xff\xd9"  # JPEG start and end


MAGIC = {
    ".png": lambda d: d.startswith(PNG_SIGNATURE),
    ".jpeg": lambda d: d.startswith(b"\xff\xd8\xff"),
    ".webp": lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP",
    ".tif": lambda d: d[:4] in (b"II*\x00", b"MM\x00*"),
    ".svg": lambda d: b"<svg" in d[:500] and d.rstrip().endswith(b"</svg>"),
    ".pdf": lambda d: d.startswith(b"%PDF-") and d.rstrip().endswith(b"%%EOF"),
}


def chart_in(suffix: str) -> bytes:
    quiz = icc_quiz()
    report = analyse_quiz(class_of_eight(quiz), quiz)
    return facility_chart(report, quiz, fmt=CHART_FORMATS[suffix.lower()])


@pytest.mark.parametrize("suffix", sorted(MAGIC))
def test_every_chart_format_has_its_own_bytes(suffix: str) -> None:
    assert set(MAGIC) <= set(CHART_FORMATS)
    data = chart_in(suffix)
    assert MAGIC[suffix](data), data[:40]
    assert not any(MAGIC[other](data) for other in MAGIC if other != suffix)
    assert data == chart_in(suffix.upper())  # no date stamped in


def test_a_chart_in_jpeg_keeps_the_size() -> None:
    from PIL import Image

    jpeg = Image.open(io.BytesIO(chart_in(".jpg")))
    assert jpeg.format == "JPEG" and jpeg.size == png_size(chart_in(".png"))


def test_an_svg_chart_is_drawn_in_vectors_with_its_words_as_text() -> None:
    svg = chart_in(".svg").decode()
    assert "<image" not in svg  # not a picture inside an SVG
    assert "<path" in svg and "% correct per question" in svg


@pytest.mark.parametrize("name", ["chart.gif", "chart", "chart.png.txt"])
def test_an_unsupported_chart_name_is_refused(seeded: Path, tmp_path: Path, name: str) -> None:
    result = _run("report", QUIZ_ID, "--chart", name, cwd=tmp_path, database=seeded)
    assert result.returncode == 2
    assert (
        f"Invalid value for '--chart': {name}: a chart can be written as .png, .jpg, .jpeg, "
        ".webp, .tif, .tiff, .svg, .pdf; end the file name with one of them" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
