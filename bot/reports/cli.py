"""`quizbot report` and `quizbot export`: the teacher reports in the terminal."""

from __future__ import annotations

import asyncio
import difflib
import os
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.config import Settings
from bot.database_cli import require_database, upgrade_database

if TYPE_CHECKING:
    from bot.quiz.catalog import Catalog
    from bot.quiz.loader import LoadedQuiz
    from bot.storage.records import AnswerRecord

# Piped output (a file, a pager) gets room for the table; a terminal keeps its own width.
PIPED_WIDTH = 140


def run_report(settings: Settings, quiz_id: str, guild_id: int | None, chart: Path | None) -> None:
    """Print the item analysis of one quiz in one server; write the chart when asked."""
    from rich.console import Console

    from bot.games import LOCAL_GUILD
    from bot.quiz.catalog import Catalog
    from bot.reports.analysis import analyse_quiz
    from bot.reports.table import report_renderable

    # The quiz first: a mistyped id should not create or migrate a database.
    catalog = Catalog(settings.quiz_dir)
    catalog.reload()
    loaded = catalog.get(quiz_id)
    guild = LOCAL_GUILD if guild_id is None else guild_id
    if loaded is None and guild_id is None:
        message = unknown_quiz_message(quiz_id, catalog.quizzes, settings)
        click.echo(f"quizbot report: {message}", err=True)
        sys.exit(1)

    where = _where(guild, LOCAL_GUILD)
    require_database(settings, "report")
    upgrade_database(settings.database_url)
    if loaded is None:  # perhaps a quiz this server uploaded
        loaded = asyncio.run(uploaded_quiz(settings, catalog, guild, quiz_id))
        if loaded is None:
            click.echo(
                f"quizbot report: {unknown_quiz_message(quiz_id, catalog.quizzes, settings)} "
                f"(nor uploaded to {where})",
                err=True,
            )
            sys.exit(1)
    answers = asyncio.run(_answers_of(settings, guild, quiz_id))
    report = analyse_quiz(answers, loaded.quiz)
    if report.students == 0:
        review = f" ({report.review_answers} review answers only)" if report.review_answers else ""
        click.echo(f"No answers to {quiz_id} yet in {where}{review}: nothing to report.")
        return

    console = Console(highlight=False, width=_width())
    console.print(report_renderable(report, where))
    if chart is not None:
        from bot.reports.chart import CHART_FORMATS, chart_items, facility_chart

        fmt = CHART_FORMATS[chart.suffix.lower()]
        _write(chart, facility_chart(report, loaded.quiz, fmt=fmt))
        drawn = len(chart_items(report))
        click.echo(f"Chart ({drawn} of {len(report.items)} questions) written to {chart}")


def run_export(settings: Settings, guild_id: int | None, output: Path | None) -> None:
    """Write a server's answers and a per-student summary as two CSV files."""
    from bot.games import LOCAL_GUILD
    from bot.reports.export import (
        STUDENT_COLUMNS,
        answers_csv,
        student_rows,
        student_summaries,
        to_csv,
    )

    require_database(settings, "export")
    guild = LOCAL_GUILD if guild_id is None else guild_id
    if output is None:
        output = Path(f"quizbot-export-{guild}-{date.today():%Y%m%d}.csv")
    students_path = output.with_name(f"{output.stem}-students.csv")

    upgrade_database(settings.database_url)
    answers = asyncio.run(_answers_of(settings, guild, None))
    summaries = student_summaries(answers)
    _write(output, answers_csv(answers))
    _write(students_path, to_csv(STUDENT_COLUMNS, student_rows(summaries)))
    where = _where(guild, LOCAL_GUILD)
    if not answers:
        click.echo(f"No answers yet in {where}: the files hold only their headers.")
    click.echo(f"{len(answers)} answer row(s) written to {output}")
    click.echo(f"{len(summaries)} student row(s) written to {students_path}")


def run_gradebook(settings: Settings, assignment_id: int, output: Path | None) -> None:
    """Write the gradebook of one homework (quizbot export --assignment ID)."""
    require_database(settings, "export")
    upgrade_database(settings.database_url)
    found = asyncio.run(_gradebook(settings, assignment_id))
    if isinstance(found, str):
        click.echo(f"quizbot export: {found}", err=True)
        sys.exit(1)
    data, students, title = found
    output = output or Path(f"quizbot-gradebook-{assignment_id}.csv")
    _write(output, data)
    click.echo(
        f"Gradebook of homework #{assignment_id} ({title}): {students} row(s) written to {output}"
    )


async def _gradebook(settings: Settings, assignment_id: int) -> tuple[bytes, int, str] | str:
    from bot.assignments import gather_results
    from bot.library import QuizLibrary
    from bot.quiz.catalog import Catalog
    from bot.reports.gradebook import gradebook_csv
    from bot.storage.repository import Repository

    repo = await Repository.open(settings.database_url)
    try:
        info = await repo.assignments.get(assignment_id)
        if info is None:
            return f"there is no homework #{assignment_id} in this database"
        catalog = Catalog(settings.quiz_dir)
        catalog.reload()
        library = QuizLibrary(catalog, repo)
        await library.load_uploads(info.guild_id)
        loaded = library.get(info.guild_id, info.quiz_id)
        if loaded is None:
            return f"homework #{assignment_id} is of the quiz `{info.quiz_id}`, which is not here"
        results, _ = await gather_results(repo, loaded.quiz, info)
        return gradebook_csv(results), len(results), loaded.quiz.title
    finally:
        await repo.close()


async def uploaded_quiz(
    settings: Settings, catalog: Catalog, guild: int, quiz_id: str
) -> LoadedQuiz | None:
    from bot.library import QuizLibrary
    from bot.storage.repository import Repository

    repo = await Repository.open(settings.database_url)
    try:
        library = QuizLibrary(catalog, repo)
        await library.load_uploads(guild)
        return library.get(guild, quiz_id)
    finally:
        await repo.close()


async def _answers_of(settings: Settings, guild: int, quiz_id: str | None) -> list[AnswerRecord]:
    from bot.storage.repository import Repository

    repo = await Repository.open(settings.database_url)
    try:
        return await repo.answers_of(guild, quiz_id)
    finally:
        await repo.close()


def unknown_quiz_message(quiz_id: str, known: Mapping[str, object], settings: Settings) -> str:
    if not known:
        return f"no quiz `{quiz_id}`: there are no valid quizzes in {settings.quiz_dir}"
    close = difflib.get_close_matches(quiz_id, list(known), n=3, cutoff=0.5)
    if close:
        hint = " or ".join(f"`{c}`" for c in close)
        return f"no quiz `{quiz_id}` in {settings.quiz_dir}; did you mean {hint}?"
    listed = ", ".join(sorted(known)[:10])
    return f"no quiz `{quiz_id}` in {settings.quiz_dir}; the quizzes are: {listed}"


def _where(guild: int, local: int) -> str:
    return "terminal and DM games" if guild == local else f"server {guild}"


def _width() -> int | None:
    return None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPED_WIDTH


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        click.echo(f"quizbot: cannot write {path}: {exc.strerror}", err=True)
        sys.exit(1)
