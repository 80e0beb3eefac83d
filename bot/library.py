"""The quizzes a server can play: the shared quiz directory plus the server's own uploads.

Uploads belong to the server that uploaded them: no other server sees, plays or
overwrites them, and an upload can never take the id of a quiz every server has.
Every version a game started with is kept in the database, so that a game resumed
after a restart (in any process) plays the questions it began with.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.quiz.catalog import Catalog, ReloadReport
from bot.quiz.diagnostics import Diagnostic
from bot.quiz.loader import LoadedQuiz, LoadResult, SourceUnavailable, load_quiz, load_stored
from bot.quiz.retrieval import SourceIndex
from bot.storage.repository import Repository

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 256 * 1024
MAX_UPLOADS_PER_SERVER = 50


@dataclass(slots=True)
class UploadResult:
    loaded: LoadedQuiz | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    replaced: bool = False  # an earlier version of this quiz was the server's until now

    @property
    def ok(self) -> bool:
        return self.loaded is not None


class QuizLibrary:
    def __init__(self, catalog: Catalog, repo: Repository) -> None:
        self.catalog = catalog
        self.repo = repo
        self._uploads: dict[int, dict[str, LoadedQuiz]] = {}
        self._versions: dict[tuple[str, str], LoadedQuiz] = {}
        self._reloading = asyncio.Lock()
        self._indexes: dict[tuple[tuple[str, str], ...], SourceIndex] = {}
        self._stop_listening: Callable[[], Awaitable[None]] | None = None

    # -- what a server sees ----------------------------------------------------------------

    def available(self, guild_id: int | None) -> list[LoadedQuiz]:
        """Every quiz this server may play, by title."""
        quizzes = dict(self.catalog.quizzes)
        for quiz_id, loaded in self._uploads.get(guild_id or 0, {}).items():
            quizzes.setdefault(quiz_id, loaded)  # a quiz every server has wins an id
        return sorted(quizzes.values(), key=lambda q: q.quiz.title.casefold())

    def get(self, guild_id: int | None, quiz_id: str) -> LoadedQuiz | None:
        return self.catalog.get(quiz_id) or self._uploads.get(guild_id or 0, {}).get(quiz_id)

    def is_upload(self, guild_id: int | None, quiz_id: str) -> bool:
        return self.catalog.get(quiz_id) is None and quiz_id in self._uploads.get(guild_id or 0, {})

    async def source_index(self, guild_id: int | None) -> SourceIndex:
        """The retrieval index over the sources of the quizzes this server can see; built
        once per set of quiz versions (off the event loop: a large library takes a moment)."""
        quizzes = [q for q in self.available(guild_id) if q.source is not None]
        key = tuple(sorted((q.id, q.version) for q in quizzes))
        index = self._indexes.get(key)
        if index is None:
            index = await asyncio.to_thread(SourceIndex.from_quizzes, quizzes)
            if len(self._indexes) > 64:  # a bounded cache: old versions fall out
                self._indexes.clear()
            self._indexes[key] = index
        return index

    def search(self, guild_id: int | None, text: str, limit: int = 25) -> list[LoadedQuiz]:
        """Quizzes whose id or title looks like `text`, best first (for autocomplete)."""
        quizzes = self.available(guild_id)
        if not text.strip():
            return quizzes[:limit]
        keys = {i: f"{q.id} {q.quiz.title}" for i, q in enumerate(quizzes)}
        found = process.extract(text, keys, scorer=fuzz.WRatio, limit=limit, score_cutoff=40)
        return [quizzes[i] for _, _, i in found]

    # -- versions --------------------------------------------------------------------------

    async def version(self, quiz_id: str, version: str | None = None) -> LoadedQuiz | None:
        """A quiz at the version a game started with: from memory, else from the database."""
        if version is None:
            return self.catalog.get(quiz_id)
        found = self.catalog.version(quiz_id, version) or self._versions.get((quiz_id, version))
        if found is not None:
            return found
        stored = await self.repo.snapshot(quiz_id, version)
        if stored is None:
            return None
        result = load_stored(stored[0], stored[1], f"{quiz_id} (version {version})")
        if result.quiz is None:  # cannot happen for a version that once loaded; say so if it does
            log.error(
                "stored version %s of %s no longer loads: %s", version, quiz_id, result.diagnostics
            )
            return None
        self._versions[(quiz_id, version)] = result.quiz
        return result.quiz

    async def remember(self, loaded: LoadedQuiz) -> None:
        """Keep the version a game starts with, for resuming it anywhere, any time."""
        self._versions[(loaded.id, loaded.version)] = loaded
        await self.repo.save_snapshot(
            loaded.id, loaded.version, loaded.content, loaded.source_bytes
        )

    # -- reloading -------------------------------------------------------------------------

    async def reload(self) -> tuple[ReloadReport, list[Diagnostic]]:
        """Re-read the quiz directory (changed files only) and every server's uploads.

        Returns the directory's report and the problems of stored uploads (which should
        have none: they were validated when uploaded).
        """
        async with self._reloading:
            report = await asyncio.to_thread(self.catalog.reload)
            problems = await self.load_uploads()
        return report, problems

    async def load_uploads(self, guild_id: int | None = None) -> list[Diagnostic]:
        """(Re)load the current uploads, of one server or all."""
        problems: list[Diagnostic] = []
        fresh: dict[int, dict[str, LoadedQuiz]] = {}
        for upload in await self.repo.uploads(guild_id):
            result = load_stored(upload.content, upload.source, f"upload:{upload.quiz_id}")
            if result.quiz is None:
                problems.extend(result.diagnostics)
                continue
            fresh.setdefault(upload.guild_id, {})[upload.quiz_id] = result.quiz
            self._versions[(result.quiz.id, result.quiz.version)] = result.quiz
        if guild_id is None:
            self._uploads = fresh
        else:
            self._uploads[guild_id] = fresh.get(guild_id, {})
        return problems

    async def follow_other_processes(self) -> None:
        """Reload a server's uploads when another process announces a change (PostgreSQL)."""
        tasks: set[asyncio.Task[list[Diagnostic]]] = set()

        def changed(guild_id: int) -> None:
            task = asyncio.get_running_loop().create_task(self.load_uploads(guild_id))
            tasks.add(task)  # keep a reference until done
            task.add_done_callback(tasks.discard)

        self._stop_listening = await self.repo.listen_uploads(changed)

    async def close(self) -> None:
        if self._stop_listening is not None:
            await self._stop_listening()
            self._stop_listening = None

    async def remove_upload(self, guild_id: int, quiz_id: str) -> bool:
        """Stop serving a server's upload; its versions stay stored for games and reports."""
        removed = await self.repo.deactivate_upload(guild_id, quiz_id)
        self._uploads.get(guild_id, {}).pop(quiz_id, None)
        await self.repo.announce_upload(guild_id)
        return removed

    # -- uploading -------------------------------------------------------------------------

    async def upload(
        self,
        guild_id: int,
        filename: str,
        data: bytes,
        *,
        uploaded_by: int,
        source: tuple[str, bytes] | None = None,
    ) -> UploadResult:
        """Validate a quiz file exactly as `quizbot validate` does, then keep it for this server."""
        result = UploadResult()
        if len(data) > MAX_UPLOAD_BYTES:
            result.diagnostics.append(
                _problem(
                    filename, f"the file is {len(data):,} bytes; uploads may be at most 256 KiB"
                )
            )
            return result
        if source is not None and len(source[1]) > MAX_UPLOAD_BYTES:
            result.diagnostics.append(
                _problem(source[0], f"the source is {len(source[1]):,} bytes; at most 256 KiB")
            )
            return result
        loaded = _validate(filename, data, source)
        result.diagnostics = loaded.diagnostics
        quiz = loaded.quiz
        if quiz is None:
            return result
        line, column = (
            (quiz.id_position.line, quiz.id_position.column) if quiz.id_position else (1, 1)
        )
        if self.catalog.get(quiz.id) is not None:
            result.diagnostics.append(
                Diagnostic(
                    filename,
                    line,
                    column,
                    "error",
                    "id",
                    f"`{quiz.id}` is the id of a quiz every server has; give yours another id",
                )
            )
            return result
        mine = self._uploads.get(guild_id, {})
        result.replaced = quiz.id in mine
        if not result.replaced and len(mine) >= MAX_UPLOADS_PER_SERVER:
            result.diagnostics.append(
                Diagnostic(
                    filename,
                    line,
                    column,
                    "error",
                    "id",
                    f"this server already has {len(mine)} uploaded quizzes, the most it may keep; "
                    "re-upload one of them (same id) to replace it",
                )
            )
            return result
        await self.repo.add_upload(
            guild_id, quiz.id, quiz.version, data, quiz.source_bytes, uploaded_by
        )
        await self.repo.announce_upload(guild_id)  # other processes reload this server's uploads
        self._uploads.setdefault(guild_id, {})[quiz.id] = quiz
        self._versions[(quiz.id, quiz.version)] = quiz
        result.loaded = quiz
        return result


def _validate(filename: str, data: bytes, source: tuple[str, bytes] | None) -> LoadResult:
    def read_source(name: str) -> bytes:
        if source is None:
            raise SourceUnavailable(
                f"`{name}` is a file: attach it as the `source` of /quiz upload, "
                "or put the text itself in `source.text`"
            )
        return source[1]

    result = load_quiz(data, filename, read_source)
    uses_file = (
        result.quiz is not None
        and result.quiz.quiz.source is not None
        and result.quiz.quiz.source.file
    )
    if source is not None and result.quiz is not None and not uses_file:
        result.diagnostics.append(
            _problem(
                filename,
                f"a source file ({source[0]}) was attached, but the quiz does not name one "
                "in `source.file`; use one or the other",
            )
        )
        result.quiz = None
    return result


def _problem(filename: str, message: str) -> Diagnostic:
    return Diagnostic(filename, 1, 1, "error", "", message)
