"""The `quizbot` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.config import Settings

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
    click.echo(
        "The Discord bot is not part of this version yet. "
        "Try a quiz in the terminal with:  quizbot play",
        err=True,
    )
    sys.exit(1)


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
def schema() -> None:
    """Print the JSON Schema of quiz files."""
    from bot.quiz.schema import quiz_json_schema_text

    click.echo(quiz_json_schema_text(), nl=False)
