"""The database as the command line opens it: created or migrated on demand, or a clear
message and exit 1 when it cannot be (no traceback). Shared by every `quizbot` command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from bot.config import Settings
from bot.i18n import _

# Where a missing SQLite database is pointed at, in messages.
DATABASE_URL_EXAMPLE = "DATABASE_URL=sqlite+aiosqlite:////path/to/quizbot.db"


def require_database(settings: Settings, command: str) -> None:
    """Commands that only read never create an empty database: a SQLite file that is not
    there is most often a DATABASE_URL, or a current directory, other than the bot's."""
    from bot.storage.engine import sqlite_file

    path = sqlite_file(settings.database_url)
    if path is None or path.exists():
        return
    from sqlalchemy.engine import make_url

    relative = not Path(make_url(settings.database_url).database or "").is_absolute()
    if relative:
        message = _(
            "there is no database at {path} (DATABASE_URL gives a path relative to the "
            "current folder); run quizbot from the bot's folder, or set DATABASE_URL in .env "
            "or the environment to the right database, e.g. {example}"
        )
    else:
        message = _(
            "there is no database at {path}; set DATABASE_URL in .env or the environment "
            "to the right database, e.g. {example}"
        )
    message = message.format(path=path, example=DATABASE_URL_EXAMPLE)
    click.echo(f"quizbot {command}: {message}", err=True)
    sys.exit(1)


def upgrade_database(url: str) -> tuple[str | None, str]:
    """Migrate the database at `url` (creating a SQLite file that is not there yet); the
    revision before (None: new or empty) and after. Exit 1 with a message when it cannot."""
    from sqlalchemy.engine import make_url

    from bot.storage.engine import sqlite_file
    from bot.storage.migrate import head_revision, known_revisions, stored_revision, upgrade

    path = sqlite_file(url)
    if path is not None and not path.parent.is_dir():
        message = _(
            "the folder {folder} of the database {name} does not exist; create it "
            "(mkdir -p {folder}) or set DATABASE_URL in .env or the environment, e.g. {example}"
        ).format(folder=path.parent, name=path.name, example=DATABASE_URL_EXAMPLE)
        click.echo(f"quizbot: {message}", err=True)
        sys.exit(1)
    if path is not None and not os.access(path.parent, os.W_OK):
        # SQLite writes its -wal and -shm files beside the database: the folder must be
        # writable, not only the file (the usual trouble with a container's data volume).
        if hasattr(os, "getuid"):
            message = _(
                "this user (id {uid}) cannot write in {folder}, the folder of the database "
                "{name}; give the folder to this user (chown), or set DATABASE_URL in .env "
                "or the environment, e.g. {example}"
            )
        else:
            message = _(
                "this user cannot write in {folder}, the folder of the database {name}; give "
                "the folder to this user (chown), or set DATABASE_URL in .env or the "
                "environment, e.g. {example}"
            )
        message = message.format(
            uid=os.getuid() if hasattr(os, "getuid") else "",
            folder=path.parent,
            name=path.name,
            example=DATABASE_URL_EXAMPLE,
        )
        click.echo(f"quizbot: {message}", err=True)
        sys.exit(1)
    shown = str(path) if path is not None else make_url(url).render_as_string(hide_password=True)
    try:
        before = None if path is not None and not path.exists() else stored_revision(url)
        if before is not None and before not in known_revisions():
            message = _(
                "the database {database} is at revision {revision}, which this version of "
                "quizbot does not know (its newest is {newest}); update quizbot."
            ).format(database=shown, revision=before, newest=head_revision())
            click.echo(f"quizbot: {message}", err=True)
            sys.exit(1)
        upgrade(url)
        after = stored_revision(url) or head_revision()
    except Exception as exc:  # a clear message, not a traceback, for a wrong URL or a down server
        message = _("cannot open the database {database}: {reason}").format(
            database=shown, reason=exc
        )
        click.echo(f"quizbot: {message}", err=True)
        click.echo(_("Check DATABASE_URL in .env (see .env.example)."), err=True)
        sys.exit(1)
    return before, after
