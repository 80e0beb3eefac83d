"""Creating the async engine for SQLite (the default) or PostgreSQL."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path | None:
    """The absolute path of the SQLite file `url` names (a relative one is relative to the
    current directory, as SQLite opens it); None for PostgreSQL or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or parsed.query.get("uri") == "true":
        return None
    return Path(os.path.abspath(database))


@dataclass
class DatabaseFile:
    """The SQLite file an engine writes to, as it was first seen.

    An open SQLite connection keeps writing to its file even after the file is deleted
    or replaced: every answer would be acknowledged, then be gone at the next start. So
    the writer asks, before each batch, whether the path still names the file it opened
    (same device and inode) and whether this user may write it: a stat and an access
    call, microseconds.
    """

    path: Path
    identity: tuple[int, int] | None = None  # (st_dev, st_ino) when first seen

    @classmethod
    def of(cls, engine: AsyncEngine) -> DatabaseFile | None:
        """The file of a SQLite engine; None for PostgreSQL or an in-memory database."""
        path = sqlite_file(engine.url.render_as_string(hide_password=False))
        return None if path is None else cls(path)

    def remember(self) -> None:
        """Take the file now at the path as the one to keep writing to."""
        with contextlib.suppress(OSError):
            stat = os.stat(self.path)
            self.identity = (stat.st_dev, stat.st_ino)

    def problem(self) -> str | None:
        """What is wrong with the file, as a kind: "gone", "replaced", "read-only" or
        "unreachable"; None when it can be written."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            # Not there yet is fine until it was seen: SQLite creates it on first use.
            return None if self.identity is None else "gone"
        except OSError:
            return "unreachable"
        if self.identity is None:
            self.identity = (stat.st_dev, stat.st_ino)
        elif (stat.st_dev, stat.st_ino) != self.identity:
            return "replaced"
        if not os.access(self.path, os.W_OK):
            return "read-only"
        return None


def create_engine(url: str, *, pool_size: int | None = None, echo: bool = False) -> AsyncEngine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout on every connection.

    A SQLite file is created on first use, but not its folder: a folder that does not exist
    is more often a mistyped path than one to make (the CLI says so before getting here).
    """
    kwargs: dict[str, Any] = {"echo": echo}
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Waiting a while for a lock beats failing: a writer holds it for milliseconds.
        kwargs["connect_args"] = {"timeout": 30}
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if pool_size is not None:
        kwargs["pool_size"] = pool_size
    kwargs["pool_pre_ping"] = True
    return create_async_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode, without an fsync per commit
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
