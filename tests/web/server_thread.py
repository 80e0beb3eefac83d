"""The web companion served from a thread of the test process, on a real port.

Browser tests drive Playwright's synchronous API, which cannot run inside an asyncio loop;
the application gets its own loop here, in its own thread, as `quizbot web` would run it.
`run()` hands a coroutine to that loop (seeding the database, reloading the catalog).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web

from bot.config import Settings
from bot.library import QuizLibrary, UploadLimits
from bot.quiz.catalog import Catalog
from bot.storage.repository import Repository
from bot.web.application import make_app
from bot.web.server import WebContext

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WebServer:
    """`quizbot web` in a thread: a catalog of `quiz_dir`, a repository at `database_url`."""

    def __init__(self, quiz_dir: Path, database_url: str, **settings: Any) -> None:
        self.settings = Settings(
            _env_file=None,  # pyright: ignore[reportCallIssue]
            quiz_dir=quiz_dir,
            database_url=database_url,
            **settings,
        )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.ctx: WebContext | None = None
        self._runner: web.AppRunner | None = None

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def start(self) -> WebServer:
        self._thread.start()
        self.run(self._start())
        return self

    async def _start(self) -> None:
        catalog = Catalog(self.settings.quiz_dir)
        catalog.reload()
        repo = await Repository.open(self.settings.database_url)
        library = QuizLibrary(catalog, repo, UploadLimits.from_settings(self.settings))
        await library.load_uploads()
        self.ctx = WebContext(self.settings, catalog, library, repo)
        library.reload_listeners.append(self.ctx.changes.publish)
        self._runner = web.AppRunner(make_app(self.ctx), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    @property
    def context(self) -> WebContext:
        assert self.ctx is not None, "start() first"
        return self.ctx

    def reload(self) -> None:
        """What the file watcher does on a change (tests call it rather than wait for it)."""
        library = self.context.library
        assert library is not None
        self.run(library.reload())

    def stop(self) -> None:
        if self._runner is not None:
            self.run(self._runner.cleanup())
        if self.ctx is not None:
            if self.ctx.library is not None:
                self.run(self.ctx.library.close())
            if self.ctx.repo is not None:
                self.run(self.ctx.repo.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
