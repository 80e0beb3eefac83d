"""`quizbot web`: the pages served alone, against the bot's database and quiz files."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)


async def serve_web(settings: Settings, host: str, port: int) -> None:
    """Serve until SIGTERM or SIGINT; quiz files are watched and open pages follow them."""
    from bot.app import StopRequest
    from bot.library import QuizLibrary, UploadLimits, watch_quiz_files
    from bot.quiz.catalog import Catalog
    from bot.storage.repository import Repository
    from bot.web.application import make_app
    from bot.web.server import WebContext, start_site

    catalog = Catalog(settings.quiz_dir)
    await asyncio.to_thread(catalog.reload)
    repo = await Repository.open(settings.database_url, pool_size=settings.database_pool_size)
    library = QuizLibrary(catalog, repo, UploadLimits.from_settings(settings))
    stop = StopRequest()
    stop.install()
    watching = asyncio.Event()
    try:
        await library.load_uploads()
        await library.follow_other_processes()
        ctx = WebContext(settings, catalog, library, repo)
        library.reload_listeners.append(ctx.changes.publish)
        runner = await start_site(make_app(ctx), host, port)
        watcher = asyncio.create_task(
            watch_quiz_files(library, settings.quiz_dir, watching), name="quiz-file-watcher"
        )
        try:
            await stop.requested.wait()
        finally:
            watching.set()
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await runner.cleanup()
    finally:
        stop.remove()
        await library.close()
        await repo.close()
