"""The quizzes a server can play: the shared quiz directory plus the server's own uploads.

Uploads belong to the server that uploaded them: no other server sees, plays or
overwrites them, and an upload can never take the id of a quiz every server has.
Every version a game started with is kept in the database, so that a game resumed
after a restart (in any process) plays the questions it began with.

Uploads are bounded: each file is checked in a process of its own within a time budget
(a hostile file cannot hold up the event loop, nor run for ever), each teacher and each
server may upload so many files an hour, a server's uploads may take so many bytes, and
only a few earlier versions of a quiz are kept besides those that games used.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import pickle
import sys
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot import i18n
from bot.i18n import _, ngettext
from bot.quiz.diagnostics import Diagnostic
from bot.quiz.loader import LoadedQuiz, LoadResult, SourceUnavailable, load_quiz, load_stored

# Kept out of the import at run time: the processes that check uploads import this
# module, and need nothing of the database or the catalog.
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path

    from bot.config import Settings
    from bot.quiz.catalog import Catalog, ReloadReport
    from bot.quiz.retrieval import Answer, SourceIndex
    from bot.quiz.semantic import CachedEmbedder
    from bot.storage.repository import Repository, UploadTurn

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 256 * 1024
MAX_UPLOADS_PER_SERVER = 50
# Quiz versions kept loaded besides the current ones (a 256 KiB quiz takes over 1 MB).
VERSIONS_IN_MEMORY = 64
# The rate limits count the files uploaded within this window.
UPLOAD_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """What uploads may cost; the settings UPLOAD_* give them (see bot.config)."""

    check_seconds: float = 20.0  # checking one file, in its own process
    per_teacher_per_hour: int = 10  # files checked, added or not
    per_server_per_hour: int = 30
    server_bytes: int = 10 * 1000 * 1000  # every stored version of a server's uploads
    versions_kept: int = 3  # earlier versions of a quiz kept besides those games used

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadLimits:
        return cls(
            check_seconds=settings.upload_check_seconds,
            per_teacher_per_hour=settings.uploads_per_teacher_per_hour,
            per_server_per_hour=settings.uploads_per_server_per_hour,
            server_bytes=round(settings.upload_storage_mb * 1000 * 1000),
            versions_kept=settings.upload_versions_kept,
        )


@dataclass(slots=True)
class UploadResult:
    loaded: LoadedQuiz | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    replaced: bool = False  # an earlier version of this quiz was the server's until now
    # Why the file was not added when it is not about its contents (a limit, the time
    # its check took): one sentence for the teacher.
    refusal: str | None = None
    timed_out: bool = False  # its check ran past the budget and was stopped

    @property
    def ok(self) -> bool:
        return self.loaded is not None


class CheckFailed(Exception):
    """The process checking an upload could not start, or ended without an answer."""


# What the checking process runs: the parent's import path first (the bot may run from
# a checkout, not an installed package), then the checks, one per request.
_CHILD_CODE = (
    "import json, sys; sys.path[:0] = json.loads(sys.argv[1]); "
    "from bot.library import _check_main; _check_main()"
)
# Settings the checking process has no use for, and should not hold: it reads files
# from anyone who can upload.
_SECRETS = ("DISCORD_TOKEN", "DATABASE_URL")
# Requests and answers on the pipes: a length, then a pickle.
_LENGTH = 8
_READY = b"R"


class UploadChecker:
    """Checks uploaded files in a process of its own, one file at a time.

    A fresh interpreter (started with `sys.executable`, never a fork of the bot, whose
    event loop and threads a fork would copy) that imports only the quiz loader. It stays
    for the next file for `idle` seconds (a teacher fixing a file uploads it again soon),
    then exits, so that nothing stays in memory between uploads; it is replaced after
    `recycle` files. A check past its budget kills it.
    """

    def __init__(
        self, *, idle: float = 60.0, recycle: int = 50, start_timeout: float = 60.0
    ) -> None:
        self.idle = idle
        self.recycle = recycle
        self.start_timeout = start_timeout
        self.started = 0  # processes started, for tests and logs
        self._lock = asyncio.Lock()
        self._child: asyncio.subprocess.Process | None = None
        self._checked = 0  # files the current process has checked
        self._retire: asyncio.TimerHandle | None = None
        self._exiting: set[asyncio.Task[int]] = set()  # idle processes told to exit

    @property
    def running(self) -> bool:
        """Whether a checking process is there (busy, or waiting for the next file)."""
        return self._child is not None and self._child.returncode is None

    @property
    def busy(self) -> bool:
        """Whether a file is being checked (or waits for its turn)."""
        return self._lock.locked()

    async def check(
        self, filename: str, data: bytes, source: tuple[str, bytes] | None, budget: float
    ) -> LoadResult | None:
        """The file's load result, or None when checking it took longer than `budget`
        seconds (the process is then stopped). Raises CheckFailed.

        The process writes its messages in the language of the caller's context: the
        diagnostics are formatted there, with the values they name."""
        request = pickle.dumps(
            (filename, data, source, i18n.current_language()), protocol=pickle.HIGHEST_PROTOCOL
        )
        async with self._lock:
            if self._retire is not None:
                self._retire.cancel()
            child = await self._ready_child()
            assert child.stdin is not None and child.stdout is not None
            try:
                child.stdin.write(len(request).to_bytes(_LENGTH, "big") + request)
                await child.stdin.drain()
                answer = await asyncio.wait_for(_read_frame(child.stdout), budget)
            except TimeoutError:
                await self._stop()
                return None
            except (OSError, EOFError, asyncio.IncompleteReadError) as exc:
                await self._stop()
                problem = f"the checking process ended without an answer: {exc!r}"
                raise CheckFailed(problem) from exc
            except BaseException:  # cancelled (the bot is stopping): no half-read answers
                await self._stop()
                raise
            self._checked += 1
            if self._checked >= self.recycle:
                await self._stop()
            else:
                self._retire = asyncio.get_running_loop().call_later(self.idle, self._retire_now)
        result = pickle.loads(answer)  # a few milliseconds for the largest file
        if not isinstance(result, LoadResult):
            raise CheckFailed(f"the checking process answered {type(result).__name__}")
        return result

    async def _ready_child(self) -> asyncio.subprocess.Process:
        if self.running:
            assert self._child is not None
            return self._child
        env = {k: v for k, v in os.environ.items() if k.upper() not in _SECRETS}
        try:
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                _CHILD_CODE,
                json.dumps(sys.path),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=env,  # stderr: the bot's own, where a crash's traceback belongs
            )
        except OSError as exc:
            raise CheckFailed(f"the checking process did not start: {exc}") from exc
        self._child, self._checked = child, 0
        self.started += 1
        assert child.stdout is not None
        try:
            # The budget is the check's: starting (imports) is waited for apart.
            ready = await asyncio.wait_for(child.stdout.readexactly(1), self.start_timeout)
        except TimeoutError as exc:
            await self._stop()
            raise CheckFailed("the checking process did not start in time") from exc
        except asyncio.IncompleteReadError as exc:  # it ended at once: its error is logged
            await self._stop()
            raise CheckFailed("the checking process ended as it started") from exc
        if ready != _READY:
            await self._stop()
            raise CheckFailed(f"the checking process said {ready!r} at start")
        return child

    def _retire_now(self) -> None:
        """Idle long enough (a check cancels this first): end of input tells the process
        to exit."""
        self._retire = None
        child, self._child = self._child, None
        if child is None or child.stdin is None:
            return
        child.stdin.close()
        exiting = asyncio.get_running_loop().create_task(child.wait())
        self._exiting.add(exiting)  # kept until it is gone
        exiting.add_done_callback(self._exiting.discard)

    async def _stop(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
        await child.wait()

    async def close(self) -> None:
        """Stop the checking process, and any check in progress (the bot is stopping)."""
        if self._retire is not None:
            self._retire.cancel()
            self._retire = None
        child = self._child
        if child is not None and child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            await child.wait()
        self._child = None
        if self._exiting:
            await asyncio.wait(self._exiting)


async def _read_frame(stream: asyncio.StreamReader) -> bytes:
    size = int.from_bytes(await stream.readexactly(_LENGTH), "big")
    return await stream.readexactly(size)


def _check_main() -> None:
    """The checking process: answer each request on stdin until its end (or too long idle:
    the bot then closes it)."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(10)  # the bot's own work comes first on a busy machine
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    answers.write(_READY)
    answers.flush()
    while True:
        head = requests.read(_LENGTH)
        if len(head) < _LENGTH:
            return  # the bot closed the pipe: done
        request = pickle.loads(requests.read(int.from_bytes(head, "big")))
        filename, data, source, language = request
        with i18n.using(language):
            try:
                result = _validate(filename, data, source)
            except Exception as exc:  # the loader should never raise; if it does, say so
                result = LoadResult(filename)
                result.diagnostics.append(
                    _problem(
                        filename,
                        _("internal error while checking the file ({error})").format(
                            error=type(exc).__name__
                        ),
                    )
                )
        answer = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(len(answer).to_bytes(_LENGTH, "big") + answer)
        answers.flush()


class QuizLibrary:
    def __init__(
        self, catalog: Catalog, repo: Repository, limits: UploadLimits | None = None
    ) -> None:
        self.catalog = catalog
        self.repo = repo
        self.limits = limits or UploadLimits()
        self.checker = UploadChecker()
        # Counting a teacher's uploads and recording one more is one step per process.
        self._quota = asyncio.Lock()
        self._uploads: dict[int, dict[str, LoadedQuiz]] = {}
        # Versions loaded lately (current uploads, games' versions), most recent last; the
        # others are read again from the database when a game needs them.
        self._versions: OrderedDict[tuple[str, str], LoadedQuiz] = OrderedDict()
        self._reloading = asyncio.Lock()
        self._indexes: dict[tuple[tuple[str, str], ...], SourceIndex] = {}
        # /ask's sentence-embedding model (bot/paraphrase_model.py): loaded once, in a thread.
        self._embedder: CachedEmbedder | None = None
        self._embedder_loaded = False
        self._embedder_lock = asyncio.Lock()
        self.read_meaning = True  # the setting ASK_MODEL
        self._stop_listening: Callable[[], Awaitable[None]] | None = None
        # Told of every reload of the quiz directory (the web preview updates open pages).
        self.reload_listeners: list[Callable[[ReloadReport], None]] = []

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
        quizzes, key = self._indexed(guild_id)
        index = self._indexes.get(key)
        if index is None:
            from bot.quiz.retrieval import SourceIndex  # not needed by the checking processes

            embedder = await self.paraphrase_embedder()
            index = await asyncio.to_thread(SourceIndex.from_quizzes, quizzes, embedder)
            if len(self._indexes) > 64:  # a bounded cache: old versions fall out
                self._indexes.clear()
            self._indexes[key] = index
        return index

    def index_ready(self, guild_id: int | None) -> bool:
        """Whether `ask` can answer at once (no model to load, no index to build)."""
        return self._indexed(guild_id)[1] in self._indexes

    def _indexed(
        self, guild_id: int | None
    ) -> tuple[list[LoadedQuiz], tuple[tuple[str, str], ...]]:
        """The quizzes with a source this server sees, and their index's key: their
        versions."""
        quizzes = [q for q in self.available(guild_id) if q.source is not None]
        return quizzes, tuple(sorted((q.id, q.version) for q in quizzes))

    async def ask(self, guild_id: int | None, question: str) -> Answer:
        """`/ask`: the passages of this server's sources that answer `question`."""
        index = await self.source_index(guild_id)
        if index.understands_paraphrase:  # the model reads the question: a thread
            return await asyncio.to_thread(index.ask, question)
        return index.ask(question)

    async def paraphrase_embedder(self) -> CachedEmbedder | None:
        """The packaged model that reads meaning, once loaded; None when it is not
        installed, turned off (ASK_MODEL=false) or failed to load: words only then."""
        async with self._embedder_lock:
            if not self._embedder_loaded:
                from bot import paraphrase_model

                try:
                    self._embedder = await asyncio.to_thread(
                        paraphrase_model.load, self.read_meaning
                    )
                except Exception:
                    log.exception("/ask's model did not load: /ask matches words only")
                self._embedder_loaded = True
        return self._embedder

    def search(self, guild_id: int | None, text: str, limit: int = 25) -> list[LoadedQuiz]:
        """Quizzes whose id or title looks like `text`, best first (for autocomplete)."""
        quizzes = self.available(guild_id)
        if not text.strip():
            return quizzes[:limit]
        keys = {i: f"{q.id} {q.quiz.title}" for i, q in enumerate(quizzes)}
        found = process.extract(text, keys, scorer=fuzz.WRatio, limit=limit, score_cutoff=40)
        return [quizzes[i] for _match, _score, i in found]

    # -- versions --------------------------------------------------------------------------

    async def version(self, quiz_id: str, version: str | None = None) -> LoadedQuiz | None:
        """A quiz at the version a game started with: from memory, else from the database."""
        if version is None:
            return self.catalog.get(quiz_id)
        found = self.catalog.version(quiz_id, version) or self._cached(quiz_id, version)
        if found is not None:
            return found
        stored = await self.repo.snapshot(quiz_id, version)
        if stored is None:
            return None
        # Off the loop: a stored version loads in tens of milliseconds, a large one more.
        result = await asyncio.to_thread(
            load_stored, stored[0], stored[1], f"{quiz_id} (version {version})"
        )
        if result.quiz is None:  # cannot happen for a version that once loaded; say so if it does
            log.error(
                "stored version %s of %s no longer loads: %s", version, quiz_id, result.diagnostics
            )
            return None
        self._cache(result.quiz)
        return result.quiz

    def _cached(self, quiz_id: str, version: str) -> LoadedQuiz | None:
        found = self._versions.get((quiz_id, version))
        if found is not None:
            self._versions.move_to_end((quiz_id, version))
        return found

    def _cache(self, loaded: LoadedQuiz) -> None:
        self._versions[(loaded.id, loaded.version)] = loaded
        self._versions.move_to_end((loaded.id, loaded.version))
        while len(self._versions) > VERSIONS_IN_MEMORY:
            self._versions.popitem(last=False)

    async def remember(self, loaded: LoadedQuiz) -> None:
        """Keep the version a game starts with, for resuming it anywhere, any time."""
        self._cache(loaded)
        await self.repo.save_snapshot(
            loaded.id, loaded.version, loaded.content, _source_to_store(loaded)
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
        for listener in self.reload_listeners:
            listener(report)
        return report, problems

    async def load_uploads(self, guild_id: int | None = None) -> list[Diagnostic]:
        """(Re)load the current uploads, of one server or all."""
        problems: list[Diagnostic] = []
        fresh: dict[int, dict[str, LoadedQuiz]] = {}
        for upload in await self.repo.uploads(guild_id):
            # A version already loaded is not loaded again (a version is its content).
            loaded = self._cached(upload.quiz_id, upload.version)
            if loaded is None:
                result = await asyncio.to_thread(
                    load_stored, upload.content, upload.source, f"upload:{upload.quiz_id}"
                )
                if result.quiz is None:
                    problems.extend(result.diagnostics)
                    continue
                loaded = result.quiz
                self._cache(loaded)
            fresh.setdefault(upload.guild_id, {})[upload.quiz_id] = loaded
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
        await self.checker.close()
        if self._stop_listening is not None:
            await self._stop_listening()
            self._stop_listening = None

    async def remove_upload(self, guild_id: int, quiz_id: str) -> bool:
        """Stop serving a server's upload. The versions that games were played with stay
        stored (games are resumed from them); the others are deleted, freeing the room."""
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
                    filename,
                    _("the file is {size} bytes; uploads may be at most 256 KiB").format(
                        size=f"{len(data):,}"
                    ),
                )
            )
            return result
        if source is not None and len(source[1]) > MAX_UPLOAD_BYTES:
            result.diagnostics.append(
                _problem(
                    source[0],
                    _("the source is {size} bytes; at most 256 KiB").format(
                        size=f"{len(source[1]):,}"
                    ),
                )
            )
            return result
        async with self._quota:  # counted and recorded as one step
            turn = await self.repo.take_upload_turn(
                guild_id,
                uploaded_by,
                per_teacher=self.limits.per_teacher_per_hour,
                per_server=self.limits.per_server_per_hour,
                window=UPLOAD_WINDOW,
            )
        if turn is not None:
            result.refusal = _rate_refusal(turn)
            return result
        budget = self.limits.check_seconds
        try:
            loaded = await self.checker.check(filename, data, source, budget)
        except CheckFailed:
            log.exception("checking the upload %s of server %s failed", filename, guild_id)
            result.refusal = _(
                "the file could not be checked just now (the bot's log says why); "
                "please upload it again in a minute"
            )
            return result
        if loaded is None:
            result.timed_out = True
            result.refusal = _(
                "the file took too long to check (more than {seconds} seconds), so it was "
                "stopped. That happens with many long quotes that are not in the source: "
                "copy each quote exactly from the source, or check the file with "
                "`quizbot validate` (no time limit there), then upload it again"
            ).format(seconds=f"{budget:g}")
            return result
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
                    _("`{id}` is the id of a quiz every server has; give yours another id").format(
                        id=quiz.id
                    ),
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
                    _(
                        "this server already has {count} uploaded quizzes, the most it may keep; "
                        "re-upload one of them (same id) to replace it"
                    ).format(count=len(mine)),
                )
            )
            return result
        from bot.storage.repository import StorageFull  # loaded with the bot already

        try:
            await self.repo.add_upload(
                guild_id,
                quiz.id,
                quiz.version,
                data,
                _source_to_store(quiz),
                uploaded_by,
                keep_versions=self.limits.versions_kept,
                max_bytes=self.limits.server_bytes,
            )
        except StorageFull as full:
            result.replaced = False
            result.refusal = _(
                "this server's uploaded quizzes would then take {used}, more "
                "than the {limit} a server may keep (each quiz's current "
                "version, up to {versions} earlier ones, and every version "
                "a game was played with). Remove quizzes this server no longer plays with "
                "`/quiz remove`, then upload it again"
            ).format(
                used=_megabytes(full.used),
                limit=_megabytes(full.limit),
                versions=self.limits.versions_kept,
            )
            return result
        await self.repo.announce_upload(guild_id)  # other processes reload this server's uploads
        self._uploads.setdefault(guild_id, {})[quiz.id] = quiz
        self._cache(quiz)
        result.loaded = quiz
        return result


def _source_to_store(loaded: LoadedQuiz) -> bytes | None:
    """The source's bytes when they are a file of their own; a `source.text` is in the
    quiz file already (storing it twice would double what a server's uploads take)."""
    source = loaded.quiz.source
    return loaded.source_bytes if source is not None and source.file else None


def _rate_refusal(turn: UploadTurn) -> str:
    """The sentence for an upload refused by a rate limit."""
    minutes = max(1, math.ceil((turn.retry_at - turn.now).total_seconds() / 60))
    # Translators: {time} is a Discord timestamp, shown as the clock time in each reader's app.
    when = ngettext(
        "You can upload again in {minutes} minute, at {time}",
        "You can upload again in {minutes} minutes, at {time}",
        minutes,
    ).format(minutes=minutes, time=f"<t:{int(turn.retry_at.timestamp())}:t>")
    if turn.limit == "teacher":
        said = _(
            "you have uploaded {count} files in the last hour, the most one teacher "
            "may (files that were refused count too)."
        )
    else:
        said = _(
            "this server's teachers have uploaded {count} files in the last hour, the most "
            "one server may."
        )
    return f"{said.format(count=turn.count)} {when}"


def _megabytes(size: int) -> str:
    """10 MB, 9.8 MB; under a megabyte in kilobytes (1,000 bytes each, as the setting)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".0 MB", " MB")
    return f"{size / 1000:.1f} KB"


def _validate(filename: str, data: bytes, source: tuple[str, bytes] | None) -> LoadResult:
    def read_source(name: str) -> bytes:
        if source is None:
            raise SourceUnavailable(
                _(
                    "`{name}` is a file: attach it as the `source` of /quiz upload, "
                    "or put the text itself in `source.text`"
                ).format(name=name)
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
                _(
                    "a source file ({name}) was attached, but the quiz does not name one "
                    "in `source.file`; use one or the other"
                ).format(name=source[0]),
            )
        )
        result.quiz = None
    return result


def _problem(filename: str, message: str) -> Diagnostic:
    return Diagnostic(filename, 1, 1, "error", "", message)


async def watch_quiz_files(library: QuizLibrary, root: Path, stop: asyncio.Event) -> None:
    """Reload a quiz file as soon as it changes; broken edits are logged, and keep the
    last good version serving."""
    from watchfiles import awatch  # only the bot process that watches pays for it

    with contextlib.suppress(FileNotFoundError):
        async for _changes in awatch(root, stop_event=stop, debounce=200, recursive=True):
            try:
                report, problems = await library.reload()
            except Exception:
                log.exception("reloading the quiz files failed")
                continue
            for quiz_id in report.loaded:
                log.info("quiz %s reloaded", quiz_id)
            for quiz_id, origin in report.kept:
                log.warning("%s is broken; quiz %s keeps its last good version", origin, quiz_id)
            for diagnostic in [*report.diagnostics, *problems]:
                log.warning("%s", diagnostic.format())
            for quiz_id in report.removed:
                log.info("quiz %s is no longer served (its file is gone)", quiz_id)
