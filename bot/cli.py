"""The `quizbot` command line."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.config import Settings

if TYPE_CHECKING:
    from bot.storage.repository import Repository

NO_TOKEN_MESSAGE = """\
No Discord token is set, so the bot cannot log in.

To get one:
  1. Open https://discord.com/developers/applications and create an application.
  2. Under "Bot", press "Reset Token" and copy the token.
  3. Copy .env.example to .env and put the token after DISCORD_TOKEN=
     (or set the DISCORD_TOKEN environment variable).
The README explains how to invite the bot to a server.

To try a quiz right now without Discord:  quizbot play
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Quizbot: quizzes grounded in a source text, for Discord and the terminal."""
    ctx.obj = Settings()


@main.command()
@click.pass_obj
def run(settings: Settings) -> None:
    """Run the Discord bot (settings from the environment and .env)."""
    if settings.discord_token is None:
        click.echo(NO_TOKEN_MESSAGE, err=True, nl=False)
        sys.exit(1)
    import logging

    import discord

    from bot.app import run_bot

    # discord.py's own logging set-up; it never prints the token.
    discord.utils.setup_logging(level=logging.getLevelName(settings.log_level.upper()), root=True)
    # Migrations run in a child process: Alembic is needed once, not in the bot's memory.
    upgraded = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], check=False)
    if upgraded.returncode != 0:
        sys.exit(upgraded.returncode)
    try:
        asyncio.run(run_bot(settings))
    except discord.LoginFailure:
        click.echo("quizbot: Discord refused the token; check DISCORD_TOKEN in .env.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        pass


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object for tools.",
)
@click.pass_obj
def validate(settings: Settings, paths: tuple[Path, ...], output: str) -> None:
    """Check quiz files (default: the quiz directory).

    Exit status: 0 no errors, 1 errors found, 2 usage error.
    """
    from bot.quiz.catalog import summary, validate_paths

    if not paths:
        if not settings.quiz_dir.is_dir():
            raise click.UsageError(
                f"the quiz directory {settings.quiz_dir} does not exist; "
                "name files or folders to check, or set QUIZ_DIR"
            )
        paths = (settings.quiz_dir,)
    results = validate_paths(paths, settings.quiz_dir)
    errors, warnings = summary(results)
    if output == "json":
        payload = {
            "files": [
                {
                    "file": r.origin,
                    "quiz_id": r.quiz.id if r.quiz else None,
                    "questions": len(r.quiz.quiz.questions) if r.quiz else None,
                    "ok": r.quiz is not None,
                    "diagnostics": [d.as_dict() for d in r.diagnostics],
                }
                for r in results
            ],
            "errors": errors,
            "warnings": warnings,
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for result in results:
            for d in result.diagnostics:
                color = "red" if d.severity == "error" else "yellow"
                click.secho(d.format(), fg=color)
        ok = sum(r.quiz is not None for r in results)
        click.echo(
            f"{len(results)} file(s) checked, {ok} quiz(zes) valid: "
            f"{errors} error(s), {warnings} warning(s)"
        )
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("quiz_id", required=False)
@click.option(
    "--user", default=None, help="Your name on the leaderboard (default: your login name)."
)
@click.option("--count", type=click.IntRange(min=1), default=None, help="Number of questions.")
@click.option("--seed", type=int, default=None, hidden=True, help="Fix the shuffles (for scripts).")
@click.pass_obj
def play(
    settings: Settings, quiz_id: str | None, user: str | None, count: int | None, seed: int | None
) -> None:
    """Take a quiz in the terminal; the score is recorded like the bot's.

    Answer with a letter (A), several letters for "select all" (A, C), text or a number.
    Type q to stop. Works with piped input too: one answer per line.
    """
    from rich.console import Console

    from bot.quiz.catalog import Catalog
    from bot.storage.migrate import upgrade
    from bot.terminal import PlayAborted, play

    name = (user or os.environ.get("USER") or "player").strip() or "player"
    console = Console(highlight=False)
    catalog = Catalog(settings.quiz_dir)
    catalog.reload()
    if catalog.errors:
        click.echo(
            f"{len(catalog.errors)} error(s) in the quiz files; those quizzes are left out "
            "(see: quizbot validate)",
            err=True,
        )
    _upgrade_database(settings.database_url, upgrade)

    scripted = not sys.stdin.isatty()

    def read(prompt: str) -> str:
        line = console.input(prompt)
        if scripted:  # show piped answers, so that a transcript reads like a session
            console.print(line, highlight=False, markup=False)
        return line

    async def go() -> None:
        repo = await _open_repository(settings)
        try:
            await play(
                repo,
                catalog,
                quiz_id=quiz_id,
                user=name,
                console=console,
                read=read,
                count=count,
                seed=seed,
            )
        finally:
            await repo.close()

    try:
        asyncio.run(go())
    except PlayAborted as exc:
        click.echo(f"quizbot play: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("\nStopped. Your answers so far are recorded.", err=True)
        sys.exit(130)


@main.command()
@click.option("--quiz", "quiz_id", default=None, help="Only this quiz.")
@click.option(
    "--guild",
    "guild_id",
    type=int,
    default=None,
    help="A Discord server id (default: terminal games).",
)
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option(
    "--period", type=click.Choice(["all", "week", "month"]), default="all", show_default=True
)
@click.pass_obj
def leaderboard(
    settings: Settings, quiz_id: str | None, guild_id: int | None, limit: int, period: str
) -> None:
    """Print a ranking table."""
    from rich.console import Console

    from bot.games import LOCAL_GUILD
    from bot.storage.migrate import upgrade
    from bot.storage.records import Period
    from bot.terminal import PERIOD_NAMES, leaderboard_table

    _upgrade_database(settings.database_url, upgrade)
    guild = LOCAL_GUILD if guild_id is None else guild_id

    async def go() -> None:
        repo = await _open_repository(settings)
        try:
            page = await repo.leaderboard(
                guild, quiz_id=quiz_id, period=Period(period), page_size=limit
            )
        finally:
            await repo.close()
        where = "terminal games" if guild == LOCAL_GUILD else f"server {guild}"
        title = f"Leaderboard: {quiz_id or 'all quizzes'}, {where}, {PERIOD_NAMES[Period(period)]}"
        console = Console(highlight=False)
        if not page.entries:
            console.print(f"{title}: nobody has played yet.")
            return
        console.print(leaderboard_table(page, title))

    asyncio.run(go())


@main.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Apply the database migrations (run automatically by `run` and `play`)."""
    from sqlalchemy.engine import make_url

    from bot.storage.migrate import head_revision, upgrade

    _upgrade_database(settings.database_url, upgrade)
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    click.echo(f"{shown} is up to date (revision {head_revision()}).")


def _upgrade_database(url: str, upgrade: Callable[[str], None]) -> None:
    try:
        upgrade(url)
    except Exception as exc:  # a clear message, not a traceback, for a wrong URL or a down server
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True)
        click.echo(f"quizbot: cannot open the database {shown}: {exc}", err=True)
        click.echo("Check DATABASE_URL in .env (see .env.example).", err=True)
        sys.exit(1)


async def _open_repository(settings: Settings) -> Repository:
    from bot.storage.repository import Repository

    return await Repository.open(settings.database_url)


@main.command()
@click.argument("quiz_id")
@click.option(
    "--guild",
    "guild_id",
    type=int,
    default=None,
    help="A Discord server id (default: terminal games).",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a PNG chart here.",
)
@click.pass_obj
def report(settings: Settings, quiz_id: str, guild_id: int | None, chart: Path | None) -> None:
    """Item analysis of a quiz: facility, discrimination, distractors, reliability."""
    from bot.reports.cli import run_report

    run_report(settings, quiz_id, guild_id, chart)


@main.command()
@click.option(
    "--guild",
    "guild_id",
    type=int,
    default=None,
    help="A Discord server id (default: terminal games).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The answers CSV; the per-student summary goes beside it (NAME-students.csv).",
)
@click.pass_obj
def export(settings: Settings, guild_id: int | None, output: Path | None) -> None:
    """Answers and scores as CSV files that open cleanly in a spreadsheet."""
    from bot.reports.cli import run_export

    run_export(settings, guild_id, output)


@main.command("import")
@click.argument("kind", type=click.Choice(["red", "gift"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the quiz YAML (default: next to FILE, as ID.yaml).",
)
def import_(kind: str, file: Path, output: Path | None) -> None:
    """Convert a Red-DiscordBot trivia list or a Moodle GIFT file into a quiz file."""
    from bot.importers.cli import run_import

    run_import(kind, file, output)


@main.command()
def schema() -> None:
    """Print the JSON Schema of quiz files."""
    from bot.quiz.schema import quiz_json_schema_text

    click.echo(quiz_json_schema_text(), nl=False)
