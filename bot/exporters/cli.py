"""`quizbot export-quiz QUIZ --format ... [-o OUT]`: write a quiz in another tool's format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from bot.config import Settings
from bot.exporters.formats import export_quiz
from bot.i18n import _, ngettext
from bot.quiz.catalog import Catalog
from bot.reports.cli import unknown_quiz_message


def run_export_quiz(
    settings: Settings, quiz_id: str, format_name: str, output: Path | None
) -> None:
    """Write the quiz from the quiz folder to `output` (default: its export name in the
    current folder); each thing the format could not carry goes to stderr."""
    catalog = Catalog(settings.quiz_dir)
    catalog.reload()
    loaded = catalog.get(quiz_id)
    if loaded is None:
        _fail(unknown_quiz_message(quiz_id, catalog.quizzes, settings))
    export = export_quiz(loaded.quiz, format_name)
    target = output or Path(export.filename)
    try:
        target.write_bytes(export.data)
    except OSError as exc:
        _fail(_("cannot write {path}: {reason}").format(path=target, reason=exc.strerror or exc))
    for note in export.notes:
        click.secho(f"  {note}", fg="yellow", err=True)
    click.echo(
        ngettext(
            "wrote {path}: {count} note on what the format could not carry",
            "wrote {path}: {count} notes on what the format could not carry",
            len(export.notes),
        ).format(path=target, count=len(export.notes))
    )


def _fail(message: str) -> NoReturn:
    click.secho(f"quizbot export-quiz: {message}", fg="red", err=True)
    sys.exit(1)
