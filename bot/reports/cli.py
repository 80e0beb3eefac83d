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
from bot.i18n import _, format_number, ngettext

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
            # Translators: {message} says that there is no such quiz file.
            message = _("{message} (nor uploaded to {where})").format(
                message=unknown_quiz_message(quiz_id, catalog.quizzes, settings), where=where
            )
            click.echo(f"quizbot report: {message}", err=True)
            sys.exit(1)
    answers = asyncio.run(_answers_of(settings, guild, quiz_id))
    report = analyse_quiz(answers, loaded.quiz)
    if report.students == 0:
        if report.review_answers:
            message = ngettext(
                "No answers to {quiz} yet in {where} ({count} review answers only): "
                "nothing to report.",
                "No answers to {quiz} yet in {where} ({count} review answers only): "
                "nothing to report.",
                report.review_answers,
            ).format(quiz=quiz_id, where=where, count=format_number(report.review_answers))
        else:
            message = _("No answers to {quiz} yet in {where}: nothing to report.").format(
                quiz=quiz_id, where=where
            )
        click.echo(message)
        return

    console = Console(highlight=False, width=_width())
    console.print(report_renderable(report, where))
    if chart is not None:
        from bot.reports.chart import CHART_FORMATS, chart_items, facility_chart

        fmt = CHART_FORMATS[chart.suffix.lower()]
        _write(chart, facility_chart(report, loaded.quiz, fmt=fmt))
        drawn = len(chart_items(report))
        click.echo(
            ngettext(
                "Chart ({drawn} of {count} questions) written to {path}",
                "Chart ({drawn} of {count} questions) written to {path}",
                len(report.items),
            ).format(drawn=drawn, count=len(report.items), path=chart)
        )


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
        click.echo(
            _("No answers yet in {where}: the files hold only their headers.").format(where=where)
        )
    # The English "(s)" reads right for any count; other languages word each plural form.
    click.echo(
        ngettext(
            "{count} answer row(s) written to {path}",
            "{count} answer row(s) written to {path}",
            len(answers),
        ).format(count=len(answers), path=output)
    )
    click.echo(
        ngettext(
            "{count} student row(s) written to {path}",
            "{count} student row(s) written to {path}",
            len(summaries),
        ).format(count=len(summaries), path=students_path)
    )


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
        ngettext(
            "Gradebook of homework #{id} ({title}): {count} row(s) written to {path}",
            "Gradebook of homework #{id} ({title}): {count} row(s) written to {path}",
            students,
        ).format(id=assignment_id, title=title, count=students, path=output)
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
            return _("there is no homework #{id} in this database").format(id=assignment_id)
        catalog = Catalog(settings.quiz_dir)
        catalog.reload()
        library = QuizLibrary(catalog, repo)
        await library.load_uploads(info.guild_id)
        loaded = library.get(info.guild_id, info.quiz_id)
        if loaded is None:
            return _("homework #{id} is of the quiz `{quiz}`, which is not here").format(
                id=assignment_id, quiz=info.quiz_id
            )
        results, _unused = await gather_results(repo, loaded.quiz, info)
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
    folder = settings.quiz_dir
    if not known:
        return _("no quiz `{quiz}`: there are no valid quizzes in {folder}").format(
            quiz=quiz_id, folder=folder
        )
    close = difflib.get_close_matches(quiz_id, list(known), n=3, cutoff=0.5)
    if close:
        # Translators: between the quiz ids suggested in "did you mean `a` or `b`?".
        hint = _(" or ").join(f"`{c}`" for c in close)
        return _("no quiz `{quiz}` in {folder}; did you mean {names}?").format(
            quiz=quiz_id, folder=folder, names=hint
        )
    listed = ", ".join(sorted(known)[:10])
    return _("no quiz `{quiz}` in {folder}; the quizzes are: {names}").format(
        quiz=quiz_id, folder=folder, names=listed
    )


def _where(guild: int, local: int) -> str:
    return _("terminal and DM games") if guild == local else _("server {id}").format(id=guild)


def _width() -> int | None:
    return None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPED_WIDTH


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        message = _("cannot write {path}: {reason}").format(path=path, reason=exc.strerror)
        click.echo(f"quizbot: {message}", err=True)
        sys.exit(1)
