"""The `quizbot` command line."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot import i18n
from bot.config import Settings
from bot.database_cli import require_database, upgrade_database
from bot.exporters.formats import FORMATS
from bot.i18n import N_, _

if TYPE_CHECKING:
    from bot.storage.records import LeaderboardPage
    from bot.storage.repository import Repository

NO_TOKEN_MESSAGE = N_("""\
No Discord token is set, so the bot cannot log in.

To get one:
  1. Open https://discord.com/developers/applications and create an application.
  2. Under "Bot", press "Reset Token" and copy the token.
  3. Copy .env.example to .env and put the token after DISCORD_TOKEN=
     (or set the DISCORD_TOKEN environment variable).
The README explains how to invite the bot to a server.

To try a quiz right now without Discord:  quizbot play
To see and play it in a browser:          quizbot web
""")


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(package_name="quizbot", prog_name="quizbot", message="%(prog)s %(version)s")
@click.option(
    "--lang",
    metavar="LANGUAGE",
    default=None,
    help="Language of the messages (en, fr, es, de); default: from LANG.",
)
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """Quizbot: quizzes grounded in a source text, for Discord and the terminal."""
    ctx.with_resource(i18n.using(cli_language(lang, os.environ)))
    if ctx.invoked_subcommand is None:  # bare `quizbot`: the help, not a usage error
        click.echo(ctx.get_help())
        ctx.exit(0)
    ctx.obj = _load_settings()


def cli_language(option: str | None, environ: Mapping[str, str]) -> str:
    """The language of the messages: `--lang`, else the locale of the environment as
    POSIX orders it (LC_ALL, then LC_MESSAGES, then LANG); English when none has a catalog."""
    if option:
        return i18n.language_for(option)
    locale = next(
        (environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), None
    )
    return i18n.language_for(locale)


def _load_settings() -> Settings:
    """The settings, or one sentence per bad value and exit status 2 (not a traceback)."""
    from pydantic import ValidationError

    from bot.config import settings_problems

    try:
        return Settings()
    except ValidationError as exc:
        for problem in settings_problems(exc):
            click.echo(f"quizbot: {problem}", err=True)
    except UnicodeDecodeError as exc:
        message = _("cannot read .env: it is not UTF-8 text ({reason}).").format(reason=exc.reason)
        click.echo(f"quizbot: {message}", err=True)
    sys.exit(2)


@main.command(short_help="Run the Discord bot.")
@click.pass_obj
def run(settings: Settings) -> None:
    """Run the Discord bot (settings from the environment and .env).

    When Discord cannot be reached at start, it tries again for about a minute, then
    exits with status 1. SIGTERM or Ctrl-C stops it cleanly: clicks in progress are
    finished and every answer is written and counted first.
    """
    if settings.discord_token is None:
        click.echo(_(NO_TOKEN_MESSAGE), err=True, nl=False)
        sys.exit(1)
    import logging

    import discord

    from bot import log_redaction
    from bot.app import (
        CONNECT_RETRY_DELAYS,
        DiscordUnreachable,
        NotADiscordApi,
        run_bot,
        start_refused,
        token_of,
    )

    # discord.py's own logging set-up, on the root logger. At DEBUG it dumps gateway
    # events and request URLs with interaction tokens in them: every handler gets a
    # filter that redacts those, and the bot's token, from every record.
    discord.utils.setup_logging(level=logging.getLevelName(settings.log_level), root=True)
    log_redaction.install([token_of(settings)])
    # Migrations run in a child process: Alembic is needed once, not in the bot's memory.
    upgraded = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], check=False)
    if upgraded.returncode != 0:
        sys.exit(upgraded.returncode)
    try:
        delays = settings.connect_retry_delays
        asyncio.run(
            run_bot(settings, retry_delays=CONNECT_RETRY_DELAYS if delays is None else delays)
        )
    except discord.LoginFailure:
        if settings.discord_api_base:
            message = _(
                "the Discord-compatible API at {address} refused the token; "
                "check DISCORD_TOKEN in .env."
            ).format(address=settings.discord_api_base)
        else:
            message = _("Discord refused the token; check DISCORD_TOKEN in .env.")
        click.echo(f"quizbot: {message}", err=True)
        sys.exit(1)
    except NotADiscordApi as exc:
        click.echo(f"quizbot: {exc}.", err=True)
        sys.exit(1)
    except discord.HTTPException as exc:
        click.echo(f"quizbot: {start_refused(exc, settings)}", err=True)
        sys.exit(1)
    except DiscordUnreachable as exc:
        message = _(
            "cannot reach Discord at {where}: {reason}; check the network "
            "or a firewall (gave up after {attempts} attempts over {seconds} s)."
        ).format(
            where=exc.where, reason=exc.reason, attempts=exc.attempts, seconds=f"{exc.waited:g}"
        )
        click.echo(f"quizbot: {message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        pass


@main.command(short_help="Check quiz files.")
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
                _(
                    "the quiz directory {directory} does not exist; "
                    "name files or folders to check, or set QUIZ_DIR"
                ).format(directory=settings.quiz_dir)
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
            _(
                "{files} file(s) checked, {valid} quiz(zes) valid: "
                "{errors} error(s), {warnings} warning(s)"
            ).format(files=len(results), valid=ok, errors=errors, warnings=warnings)
        )
    sys.exit(1 if errors else 0)


@main.command(short_help="Take a quiz in the terminal.")
@click.argument("quiz_id", required=False)
@click.option(
    "--user", default=None, help="Your name on the leaderboard (default: your login name)."
)
@click.option("--count", type=click.IntRange(min=1), default=None, help="Number of questions.")
@click.option(
    "--seed",
    type=int,
    default=None,
    metavar="N",
    help="Fixes the question and choice order, for scripts (the same N, the same game).",
)
@click.option(
    "--no-shuffle",
    is_flag=True,
    default=False,
    help="Keep the quiz file's order of questions and choices.",
)
@click.pass_obj
def play(
    settings: Settings,
    quiz_id: str | None,
    user: str | None,
    count: int | None,
    seed: int | None,
    no_shuffle: bool,
) -> None:
    """Take a quiz in the terminal; the score is recorded like the bot's.

    Answer with a letter (A), several letters for "select all" (A, C), text or a number.
    Type q to stop. Works with piped input too: one answer per line.
    """
    from rich.console import Console

    from bot.quiz.catalog import Catalog
    from bot.terminal import PlayAborted, PlayStopped, play

    name = (user or os.environ.get("USER") or "player").strip() or "player"
    console = Console(highlight=False)
    catalog = Catalog(settings.quiz_dir)
    catalog.reload()
    if catalog.errors:
        click.echo(
            _(
                "{count} error(s) in the quiz files; those quizzes are left out "
                "(see: quizbot validate)"
            ).format(count=len(catalog.errors)),
            err=True,
        )
    upgrade_database(settings.database_url)  # creates the database on the first game

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
                shuffle=not no_shuffle,
            )
        finally:
            await repo.close()

    try:
        asyncio.run(go())
    except PlayStopped:
        click.echo(_("Stopped."))
    except PlayAborted as exc:
        click.echo(f"quizbot play: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("\n" + _("Stopped. Your answers so far are recorded."), err=True)
        sys.exit(130)


@main.command(short_help="Print a ranking table.")
@click.option("--quiz", "quiz_id", default=None, help="Only this quiz.")
@click.option(
    "--guild",
    "guild_id",
    type=int,
    default=None,
    help="A Discord server id (default: games in the terminal and in direct messages).",
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
    from bot.storage.records import Period
    from bot.terminal import PERIOD_NAMES, leaderboard_table

    require_database(settings, "leaderboard")
    upgrade_database(settings.database_url)
    guild = LOCAL_GUILD if guild_id is None else guild_id

    async def fetch() -> LeaderboardPage:
        repo = await _open_repository(settings)
        try:
            return await repo.leaderboard(
                guild, quiz_id=quiz_id, period=Period(period), page_size=limit
            )
        finally:
            await repo.close()

    page = asyncio.run(fetch())
    if quiz_id is not None and not page.entries:
        _check_quiz_exists(settings, quiz_id, guild_id)
    where = (
        _("terminal and DM games") if guild == LOCAL_GUILD else _("server {id}").format(id=guild)
    )
    # Translators: a table's title, e.g. "Leaderboard: all quizzes, server 12, this week".
    title = _("Leaderboard: {quiz}, {where}, {period}").format(
        quiz=quiz_id or _("all quizzes"), where=where, period=_(PERIOD_NAMES[Period(period)])
    )
    console = Console(highlight=False)
    if not page.entries:
        console.print(_("{title}: nobody has played yet.").format(title=title), soft_wrap=True)
        return
    console.print(leaderboard_table(page, title))


def _check_quiz_exists(settings: Settings, quiz_id: str, guild_id: int | None) -> None:
    """Exit 1 with a suggestion when no quiz has this id. Only asked when nobody has a
    score on it: the scores of a quiz whose file is gone still make a leaderboard."""
    from bot.quiz.catalog import Catalog
    from bot.reports.cli import unknown_quiz_message, uploaded_quiz

    catalog = Catalog(settings.quiz_dir)
    catalog.reload()
    if catalog.get(quiz_id) is not None:
        return
    if guild_id is not None and asyncio.run(uploaded_quiz(settings, catalog, guild_id, quiz_id)):
        return
    message = unknown_quiz_message(quiz_id, catalog.quizzes, settings)
    click.echo(f"quizbot leaderboard: {message}", err=True)
    sys.exit(1)


@main.group(short_help="The database (create, migrate).")
def db() -> None:
    """The database."""


@db.command("upgrade", short_help="Create the database or apply its migrations.")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Create the database or apply its migrations (run automatically by `run` and `play`).

    Says what it did: created the database, migrated it from one revision to another,
    or found it up to date.
    """
    from sqlalchemy.engine import make_url

    from bot.storage.engine import sqlite_file

    path = sqlite_file(settings.database_url)
    created = path is not None and not path.exists()
    before, after = upgrade_database(settings.database_url)
    shown = (
        str(path)
        if path is not None
        else make_url(settings.database_url).render_as_string(hide_password=True)
    )
    if created:
        click.echo(
            _("created the database at {database} (revision {revision})").format(
                database=shown, revision=after
            )
        )
    elif before is None:
        click.echo(
            _("created the tables in {database} (revision {revision})").format(
                database=shown, revision=after
            )
        )
    elif before != after:
        click.echo(
            _("migrated {database} from {before} to {after}").format(
                database=shown, before=before, after=after
            )
        )
    else:
        click.echo(
            _("{database} is up to date (revision {revision})").format(
                database=shown, revision=after
            )
        )


async def _open_repository(settings: Settings) -> Repository:
    from bot.storage.repository import Repository

    return await Repository.open(settings.database_url)


def _chart_path(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    from bot.reports.chart import CHART_FORMATS

    if value is not None and value.suffix.lower() not in CHART_FORMATS:
        known = ", ".join(CHART_FORMATS)
        raise click.BadParameter(
            _(
                "{file}: a chart can be written as {formats}; end the file name with one of them"
            ).format(file=value, formats=known)
        )
    return value


@main.command(short_help="Item analysis of a quiz, with a chart.")
@click.argument("quiz_id")
@click.option(
    "--guild",
    "guild_id",
    type=int,
    default=None,
    help="A Discord server id (default: games in the terminal and in direct messages).",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_chart_path,
    default=None,
    help="Write a chart here, in the format the name ends with (.png, .jpg, .svg, .pdf, ...).",
)
@click.pass_obj
def report(settings: Settings, quiz_id: str, guild_id: int | None, chart: Path | None) -> None:
    """Item analysis of a quiz: facility, discrimination, distractors, reliability."""
    from bot.reports.cli import run_report

    run_report(settings, quiz_id, guild_id, chart)


@main.command(short_help="Answers and scores as CSV files.")
@click.option(
    "--guild",
    "guild_id",
    type=int,
    default=None,
    help="A Discord server id (default: games in the terminal and in direct messages).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The answers CSV; the per-student summary goes beside it (NAME-students.csv).",
)
@click.option(
    "--assignment",
    "assignment_id",
    type=click.IntRange(min=1),
    default=None,
    help="A homework's number: write its gradebook instead (one row per student).",
)
@click.pass_obj
def export(
    settings: Settings, guild_id: int | None, output: Path | None, assignment_id: int | None
) -> None:
    """Answers and scores as CSV files that open cleanly in a spreadsheet; with
    --assignment, a homework's gradebook."""
    from bot.reports.cli import run_export, run_gradebook

    if assignment_id is not None:
        run_gradebook(settings, assignment_id, output)
        return
    run_export(settings, guild_id, output)


@main.command("import", short_help="Convert a Red trivia list, GIFT, Moodle XML or Aiken.")
@click.argument("kind", type=click.Choice(["red", "gift", "moodle-xml", "aiken"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the quiz YAML (default: next to FILE, as ID.yaml).",
)
def import_(kind: str, file: Path, output: Path | None) -> None:
    """Convert a Red-DiscordBot trivia list, or a Moodle GIFT, Moodle XML or Aiken file,
    into a quiz file."""
    from bot.importers.cli import run_import

    run_import(kind, file, output)


@main.command("export-quiz", short_help="Write a quiz as GIFT, Moodle XML, Aiken, QTI or Anki.")
@click.argument("quiz_id")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(FORMATS)),
    required=True,
    help="The file format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the file (default: QUIZ_ID with the format's extension, here).",
)
@click.pass_obj
def export_quiz(settings: Settings, quiz_id: str, format_name: str, output: Path | None) -> None:
    """Write a quiz from the quiz folder in another tool's format; what the format cannot
    carry is listed on stderr."""
    from bot.exporters.cli import run_export_quiz

    run_export_quiz(settings, quiz_id, format_name, output)


@main.command(short_help="Serve the web pages: quiz preview and results.")
@click.option("--host", default=None, help="Address to listen on (default: WEB_HOST, 127.0.0.1).")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port to listen on (default: WEB_PORT, else 8080).",
)
@click.pass_obj
def web(settings: Settings, host: str | None, port: int | None) -> None:
    """Serve the web companion (docs/web.md): the preview of QUIZ_DIR's quiz files, which
    follows every edit, and each server's results, opened with a link from /quiz dashboard.

    Runs without a Discord token. The preview is served to this machine only unless
    WEB_PREVIEW_PUBLIC=true. SIGTERM or Ctrl-C stops it.
    """
    import logging

    from bot.config import DEFAULT_WEB_PORT
    from bot.web.standalone import serve_web

    upgrade_database(settings.database_url)  # creates the database on the first start
    logging.basicConfig(
        level=logging.getLevelName(settings.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    host = host or settings.web_host
    port = port or settings.web_port or DEFAULT_WEB_PORT
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        _("Quizbot's web pages: {address} (Ctrl-C stops)").format(address=f"http://{shown}:{port}/")
    )
    try:
        asyncio.run(serve_web(settings, host, port))
    except OSError as exc:
        message = _("cannot listen on {address}: {reason}.").format(
            address=f"{shown}:{port}", reason=exc.strerror or exc
        )
        click.echo(f"quizbot web: {message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        pass


@main.group(short_help="Keep the translations' catalogs in step with the code.")
def catalog() -> None:
    """The message catalogs of bot/locale (docs/translating.md)."""


@catalog.command("extract", short_help="Write the template from the code and the commands.")
def catalog_extract() -> None:
    """Write bot/locale/quizbot.pot: every message of the code and of the slash commands."""
    from bot import catalogs

    template = catalogs.extract()
    catalogs.write(template, catalogs.TEMPLATE)
    click.echo(f"{catalogs.TEMPLATE.relative_to(catalogs.ROOT)}: {len(template)} messages")


@catalog.command("update", short_help="Bring each language's catalog up to the template.")
@click.argument("languages", nargs=-1)
def catalog_update(languages: tuple[str, ...]) -> None:
    """Add the template's new messages to each catalog (untranslated) and drop the gone."""
    from bot import catalogs, i18n

    template = catalogs.read(catalogs.TEMPLATE)
    for language in languages or [lang for lang in i18n.LANGUAGES if lang != "en"]:
        updated = catalogs.update(language, template)
        catalogs.write(updated, i18n.catalog_path(language))
        missing = sum(1 for m in updated if m.id and not m.string)
        click.echo(f"{language}: {len(updated)} messages, {missing} to translate")


@catalog.command("check", short_help="Fail on a missing, fuzzy or mistranslated entry.")
def catalog_check() -> None:
    """Every catalog complete against the template, placeholders kept, names valid."""
    from bot import catalogs, i18n

    template = catalogs.extract()
    found = [
        p for lang in i18n.LANGUAGES if lang != "en" for p in catalogs.problems(lang, template)
    ]
    for problem in found:
        click.echo(str(problem), err=True)
    if found:
        sys.exit(1)
    click.echo(f"{len(i18n.LANGUAGES) - 1} catalogs complete: {len(template)} messages each")


@main.command(short_help="Print the JSON Schema of quiz files.")
def schema() -> None:
    """Print the JSON Schema of quiz files."""
    from bot.quiz.schema import quiz_json_schema_text

    click.echo(quiz_json_schema_text(), nl=False)
