"""All the quizzes of a directory, reloaded file by file as they change."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.quiz.diagnostics import Diagnostic
from bot.quiz.loader import (
    LoadedQuiz,
    LoadResult,
    SourceCache,
    filesystem_sources,
    load_quiz,
    source_path,
)
from bot.quiz.yaml_reader import MAX_FILE_BYTES, too_large

QUIZ_SUFFIXES = (".yaml", ".yml")
# A file's identity for change detection: (modification time in ns, size).
Stamp = tuple[int, int]


def _stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def find_quiz_files(root: Path) -> list[Path]:
    """Quiz files under `root`, sorted: loading order (who keeps a clashing id) is stable."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(
            Path(dirpath) / name
            for name in filenames
            if name.endswith(QUIZ_SUFFIXES) and not name.startswith(".")
        )
    return sorted(found)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_file(path: Path, root: Path, sources: SourceCache | None = None) -> LoadResult:
    origin = display_path(path)
    result = LoadResult(origin)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:  # refused before reading it
            result.diagnostics.append(Diagnostic(origin, 1, 1, "error", "", too_large(size)))
            return result
        data = path.read_bytes()
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror}"
        result.diagnostics.append(Diagnostic(origin, 1, 1, "error", "", message))
        return result
    result = load_quiz(data, origin, filesystem_sources(path, root), sources)
    source = source_path(path, result.quiz.quiz if result.quiz else None)
    if source is not None:
        result.depends_on.append(source)
    return result


@dataclass(slots=True)
class _Entry:
    stamps: list[tuple[Path, Stamp | None]]
    result: LoadResult
    # The last version of this file that was valid: served while an edit is broken.
    last_good: LoadedQuiz | None = None


@dataclass(slots=True)
class ReloadReport:
    loaded: list[str] = field(default_factory=list)  # quiz ids (re)loaded this time
    removed: list[str] = field(default_factory=list)  # quiz ids no longer served
    # Broken edits: (quiz id, file) still served at their last good version.
    kept: list[tuple[str, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # of the files that changed
    reparsed: int = 0
    # The files read again this time (as `display_path` names them), broken or not.
    changed: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FileState:
    """One quiz file of the catalog as last read: its result, and what is served for it."""

    path: Path
    result: LoadResult
    # What players get: the file's quiz, or its last good version while an edit is broken.
    served: LoadedQuiz | None


class Catalog:
    """The quizzes of one directory. Broken files are reported and never stop good ones.

    `reload()` re-reads only files whose quiz or source changed. A file that was valid
    and is then broken by an edit keeps serving its last good version (and is reported)
    until it is fixed or deleted. Quiz ids are unique across the catalog: when two files
    claim one, the first in path order keeps it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._entries: dict[Path, _Entry] = {}
        self._sources = SourceCache()
        self.quizzes: dict[str, LoadedQuiz] = {}
        # Every version served since start, so a game keeps the version it began with.
        self._versions: dict[tuple[str, str], LoadedQuiz] = {}
        self._clashes: list[Diagnostic] = []

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every error and warning of every file, as of the last (re)load."""
        out = [d for e in self._entries.values() for d in e.result.diagnostics]
        return out + self._clashes

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def get(self, quiz_id: str) -> LoadedQuiz | None:
        return self.quizzes.get(quiz_id)

    def files(self) -> list[FileState]:
        """Every quiz file, in path order, as of the last (re)load (the preview lists them)."""
        return [
            FileState(path, e.result, e.last_good)
            for path, e in sorted(self._entries.items(), key=lambda item: item[0])
        ]

    @property
    def stale(self) -> list[tuple[str, str]]:
        """(quiz id, file) of broken files still served at their last good version."""
        return [
            (e.last_good.id, e.result.origin)
            for e in self._entries.values()
            if e.last_good is not None and e.result.quiz is None
        ]

    def version(self, quiz_id: str, version: str | None = None) -> LoadedQuiz | None:
        """A quiz as it was at `version` (the current one when None), if served since start."""
        if version is None:
            return self.quizzes.get(quiz_id)
        return self._versions.get((quiz_id, version))

    def __iter__(self) -> Iterator[LoadedQuiz]:
        return iter(self.quizzes.values())

    def __len__(self) -> int:
        return len(self.quizzes)

    def reload(self) -> ReloadReport:
        report = ReloadReport()
        before = {q.id: q.version for q in self.quizzes.values()}
        files = find_quiz_files(self.root) if self.root.is_dir() else []
        for gone in set(self._entries) - set(files):
            del self._entries[gone]
        for path in files:
            entry = self._entries.get(path)
            if entry is not None and all(_stamp(p) == s for p, s in entry.stamps):
                continue
            stamp = _stamp(path)
            result = load_file(path, self.root, self._sources)
            stamps = [(path, stamp)] + [(dep, _stamp(dep)) for dep in result.depends_on]
            last_good = result.quiz or (entry.last_good if entry is not None else None)
            self._entries[path] = _Entry(stamps, result, last_good)
            if result.quiz is None and last_good is not None:
                report.kept.append((last_good.id, result.origin))
            report.reparsed += 1
            report.changed.append(result.origin)
            report.diagnostics.extend(result.diagnostics)
        self._rebuild()
        report.loaded = [q.id for q in self.quizzes.values() if before.get(q.id) != q.version]
        report.removed = [qid for qid in before if qid not in self.quizzes]
        report.diagnostics.extend(self._clashes)
        return report

    def _rebuild(self) -> None:
        quizzes: dict[str, LoadedQuiz] = {}
        clashes: list[Diagnostic] = []
        for path in sorted(self._entries):
            loaded = self._entries[path].last_good
            if loaded is None:
                continue
            first = quizzes.get(loaded.id)
            if first is not None:
                clashes.append(_clash(loaded, first))
                continue
            quizzes[loaded.id] = loaded
        self.quizzes = quizzes
        self._clashes = clashes
        for loaded in quizzes.values():
            self._versions[(loaded.id, loaded.version)] = loaded


def _clash(loaded: LoadedQuiz, first: LoadedQuiz) -> Diagnostic:
    return Diagnostic(
        loaded.origin,
        loaded.id_position.line if loaded.id_position else 1,
        loaded.id_position.column if loaded.id_position else 1,
        "error",
        "id",
        f"quiz id `{loaded.id}` is already used by {first.origin}; quiz ids must be unique",
    )


def validate_paths(paths: Iterable[Path], quiz_dir: Path) -> list[LoadResult]:
    """Validate files and directories as `quizbot validate` does, id clashes included.

    A directory is its own quiz directory; a single file belongs to `quiz_dir` when it is
    inside it, else to its own folder (sources must stand inside the quiz directory).
    """
    results: list[LoadResult] = []
    sources = SourceCache()
    for path in paths:
        if path.is_dir():
            results.extend(load_file(f, path, sources) for f in find_quiz_files(path))
        else:
            results.append(load_file(path, _quiz_root(path, quiz_dir), sources))
    seen: dict[str, LoadedQuiz] = {}
    for result in results:
        if result.quiz is None:
            continue
        first = seen.setdefault(result.quiz.id, result.quiz)
        if first is not result.quiz:
            result.diagnostics.append(_clash(result.quiz, first))
            result.quiz = None
    return results


def _quiz_root(path: Path, quiz_dir: Path) -> Path:
    configured = quiz_dir.resolve()
    if path.resolve().is_relative_to(configured):
        return configured
    return path.resolve().parent


def summary(results: list[LoadResult]) -> tuple[int, int]:
    errors = sum(d.severity == "error" for r in results for d in r.diagnostics)
    warnings = sum(d.severity == "warning" for r in results for d in r.diagnostics)
    return errors, warnings
