"""Reading one quiz file: bytes -> a validated Quiz and every problem, with its position."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from bot.i18n import _
from bot.quiz.diagnostics import Diagnostic, Loc, Severity, format_loc, has_errors
from bot.quiz.messages import FieldError, translate
from bot.quiz.models import AnyQuestion, Question, Quiz, Source
from bot.quiz.quotes import SourceText, SuggestionBudget
from bot.quiz.rules import Finding, check_questions, check_quiz, check_quotes
from bot.quiz.yaml_hints import colon_key_hint, dash_key_hint, is_dash_item, spacing_hint
from bot.quiz.yaml_reader import (
    MAX_FILE_BYTES,
    Document,
    Position,
    YamlError,
    decode,
    read_document,
)

log = logging.getLogger(__name__)


class SourceUnavailable(Exception):
    """The source named by `source.file` cannot be read; the message says why."""


# Given `source.file` as written, the bytes of that file.
SourceReader = Callable[[str], bytes]


@dataclass(frozen=True, slots=True)
class LoadedQuiz:
    quiz: Quiz
    source: SourceText | None
    origin: str  # where it came from, as shown in messages
    # Content hash of the quiz and its source: a new version whenever either changes.
    version: str
    warnings: tuple[Diagnostic, ...] = ()
    id_position: Position | None = None  # where `id:` stands, for messages about it
    # The file as given and its source's bytes: enough to load this exact version again.
    content: bytes = b""
    source_bytes: bytes | None = None

    @property
    def id(self) -> str:
        return self.quiz.id


@dataclass(slots=True)
class LoadResult:
    origin: str
    quiz: LoadedQuiz | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Files (besides the quiz itself) that the result depends on.
    depends_on: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.quiz is not None


class SourceCache:
    """Prepared source texts by content, shared by the quizzes of a catalog."""

    def __init__(self) -> None:
        self._texts: dict[str, SourceText] = {}

    def get(self, text: str) -> SourceText:
        key = hashlib.sha256(text.encode()).hexdigest()
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = SourceText(text)
        return found


def load_quiz(
    data: bytes,
    origin: str,
    read_source: SourceReader | None = None,
    sources: SourceCache | None = None,
) -> LoadResult:
    """Validate a quiz from its bytes. `origin` names it in messages (a path, an upload).

    Never raises: every problem, even a bug of this module's, is a diagnostic of this file,
    so that one file can never stop a catalog, a command or an upload.
    """
    try:
        return _load_quiz(data, origin, read_source, sources)
    except Exception as exc:  # the last resort: known problems get messages of their own
        log.exception("internal error while reading %s", origin)
        message = _("internal error while reading this file: {error}: {text}").format(
            error=type(exc).__name__, text=_text_of(exc)
        )
        return LoadResult(origin, diagnostics=[Diagnostic(origin, 1, 1, "error", "", message)])


def _text_of(exc: Exception) -> str:
    try:
        text = str(exc)
    except Exception:  # an exception whose message cannot be made (a huge int in it)
        return _("(no message)")
    return text if len(text) <= 300 else text[:299] + "…"


def _load_quiz(
    data: bytes,
    origin: str,
    read_source: SourceReader | None,
    sources: SourceCache | None,
) -> LoadResult:
    result = LoadResult(origin)
    try:
        doc = read_document(data)
    except YamlError as exc:
        pos = exc.position
        result.diagnostics.append(
            Diagnostic(origin, pos.line, pos.column, "error", format_loc(exc.where), exc.message)
        )
        return result

    report = _Reporter(origin, doc)
    suggestions = SuggestionBudget()  # shared by every quote of this file
    for problem in doc.problems:
        if _duplicate_dash_key(problem):
            continue  # `-text:` twice: the missing space after `-` is reported instead
        report.at(problem.where, problem.message, position=problem.position)
    if not isinstance(doc.data, dict):
        report.at((), _("a quiz file is a mapping with keys such as `id`, `title` and `questions`"))
        result.diagnostics = report.diagnostics
        return result

    try:
        quiz = Quiz.model_validate(doc.data)
    except ValidationError as exc:
        # A value YAML already refused (a tag, say) is not reported a second time.
        refused = {p.where for p in doc.problems}
        reported: set[tuple[Loc, str]] = set()
        for err in translate(exc.errors(), doc.data, doc.scalar_text):
            if err.loc in refused:
                continue
            shown = _with_spacing_hint(err, doc)
            if (shown.loc, shown.message) not in reported:  # two errors, one missing space
                reported.add((shown.loc, shown.message))
                report.at(shown.loc, shown.message, at_key=shown.at_key, where=shown.where)
        quiz = None
        # Check what did validate, so that one broken question hides nothing else.
        _check_parts(doc.data, read_source, report, sources or SourceCache(), suggestions)

    if quiz is not None:
        source_text, source_bytes = _read_source(
            quiz.source, read_source, report, sources or SourceCache()
        )
        for finding in check_quiz(quiz, source_text, suggestions):
            report.finding(finding)
        if not doc.problems and not has_errors(report.diagnostics):
            digest = hashlib.sha256(data)
            digest.update(source_bytes)
            result.quiz = LoadedQuiz(
                quiz,
                source_text,
                origin,
                digest.hexdigest()[:16],
                tuple(report.diagnostics),
                doc.position(("id",)),
                data,
                source_bytes if quiz.source is not None else None,
            )
    _note_left_out(suggestions, report)
    result.diagnostics = sorted(report.diagnostics, key=lambda d: (d.line, d.column))
    return result


def _note_left_out(suggestions: SuggestionBudget, report: _Reporter) -> None:
    """One note, at the first quote reported without "did you mean", for all of them."""
    if not suggestions.left_out:
        return
    count = len(suggestions.left_out)
    report.at(
        suggestions.left_out[0],
        _(
            '"did you mean" left out for {count} quote(s) not found, '
            "from this one on: looking for similar passages of a source this long, for this many "
            "long quotes, would take too long; fix the quotes above, or check that `source` is "
            "the right text"
        ).format(count=f"{count:,}"),
        severity="warning",
    )


def _with_spacing_hint(err: FieldError, doc: Document) -> FieldError:
    """The error said plainly when it comes from a missing space after `:` or `-`.

    YAML raises no error for these: `- text:A diplomat` is one text, `-Egypt` a text
    rather than a list, `-text: A` a key. They show up here, as a text or a key where
    the quiz needs something else.
    """
    if err.at_key and err.loc and isinstance(err.loc[-1], str):
        # `prompt:Who said it: the court?`: a key that no quiz key is, read up to `: `.
        hint = colon_key_hint(err.loc[-1], doc.scalar_text(err.loc))
        return replace(err, message=hint) if hint else err
    wanted = err.wants  # something else stands where keys or a list belong
    if wanted is None:
        return err
    written = doc.plain_text(err.loc)
    if written is not None:
        hint = spacing_hint(written, wanted)
        return replace(err, message=hint) if hint else err
    value = _value_at(doc.data, err.loc)
    first = next(iter(value), None) if isinstance(value, dict) else None
    if isinstance(first, str) and is_dash_item(first):  # `-text: A` lines: keys, not items
        key_loc = (*err.loc, first)
        hint = dash_key_hint(first, doc.scalar_text(key_loc))
        if hint:
            return FieldError(key_loc, hint, at_key=True, where=err.loc)
    return err


def _duplicate_dash_key(problem: YamlError) -> bool:
    key = problem.where[-1] if problem.where else None
    return problem.kind == "duplicate_key" and isinstance(key, str) and is_dash_item(key)


def _value_at(data: object, loc: Loc) -> object:
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _check_parts(
    data: dict[str, object],
    read_source: SourceReader | None,
    report: _Reporter,
    sources: SourceCache,
    suggestions: SuggestionBudget,
) -> None:
    try:
        source = Source.model_validate(data["source"]) if data.get("source") is not None else None
    except (ValidationError, TypeError):
        return  # already reported; quotes cannot be checked without it
    title = data.get("title")
    questions = data.get("questions")
    if not isinstance(questions, list):
        return
    valid = []
    invalid = []
    adapter = _question_adapter()
    for index, raw in enumerate(questions):
        try:
            valid.append((index, adapter.validate_python(raw)))
        except ValidationError:
            invalid.append((index, raw))
    text, _bytes = _read_source(source, read_source, report, sources)
    if text is not None:  # a broken question's quotes are still worth checking
        for index, raw in invalid:
            if isinstance(raw, dict):
                quote = raw.get("quote")
                for finding in check_quotes(quote, ("questions", index), text, suggestions):
                    report.finding(finding)
    shown_title = title if isinstance(title, str) else ""
    for finding in check_questions(valid, shown_title, source, text, suggestions):
        report.finding(finding)


@functools.cache
def _question_adapter() -> TypeAdapter[AnyQuestion]:
    return TypeAdapter(Question)


def _read_source(
    source: Source | None,
    read_source: SourceReader | None,
    report: _Reporter,
    sources: SourceCache,
) -> tuple[SourceText | None, bytes]:
    if source is None:
        return None, b""
    if (source.file is None) == (source.text is None):
        report.at(("source",), _("give exactly one of `file` or `text`"), at_key=True)
        return None, b""
    if source.text is not None:
        return sources.get(source.text), source.text.encode()
    if read_source is None:
        report.at(
            ("source", "file"), _("a source file cannot be used here; put the source in `text`")
        )
        return None, b""
    try:
        raw = read_source(source.file or "")
        if len(raw) > MAX_FILE_BYTES:
            raise SourceUnavailable(
                _("the source is {size} bytes; the limit is 1 MiB").format(size=f"{len(raw):,}")
            )
        text = decode(raw, source=True)
    except SourceUnavailable as exc:
        report.at(("source", "file"), str(exc))
        return None, b""
    except YamlError as exc:  # the source's own encoding
        report.at(("source", "file"), exc.message)
        return None, b""
    return sources.get(text), raw


def load_stored(content: bytes, source_bytes: bytes | None, origin: str) -> LoadResult:
    """Load a version kept in the database: its file, and its source when it had a file."""

    def read(name: str) -> bytes:
        if source_bytes is None:
            raise SourceUnavailable(
                _("the source `{name}` was not stored with this quiz").format(name=name)
            )
        return source_bytes

    return load_quiz(content, origin, read)


def filesystem_sources(quiz_file: Path, root: Path) -> SourceReader:
    """Reads `source.file` relative to the quiz file, refusing anything outside `root`."""

    def read(name: str) -> bytes:
        if "\0" in name:  # no file system takes it; Path.resolve() would raise ValueError
            shown = name.replace("\0", "\\0")
            raise SourceUnavailable(
                _("`{name}` is not a file name: it holds a NUL character (\\0)").format(name=shown)
            )
        target = (quiz_file.parent / name).resolve()
        if not target.is_relative_to(root.resolve()):
            raise SourceUnavailable(
                _("`{name}` is outside the quiz directory ({root})").format(name=name, root=root)
            )
        try:
            return target.read_bytes()
        except FileNotFoundError:
            raise SourceUnavailable(
                _("`{name}` does not exist (looked for {target})").format(name=name, target=target)
            ) from None
        except IsADirectoryError:
            raise SourceUnavailable(
                _("`{name}` is a directory, not a text file").format(name=name)
            ) from None
        except OSError as exc:
            raise SourceUnavailable(
                _("`{name}` cannot be read: {reason}").format(name=name, reason=exc.strerror)
            ) from None

    return read


def source_path(quiz_file: Path, quiz: Quiz | None, data: object = None) -> Path | None:
    """The source file a quiz file names, if any (for watching it for changes)."""
    name = None
    if quiz is not None and quiz.source is not None:
        name = quiz.source.file
    elif isinstance(data, dict) and isinstance(data.get("source"), dict):
        file = data["source"].get("file")
        name = file if isinstance(file, str) else None
    return (quiz_file.parent / name).resolve() if name else None


class _Reporter:
    def __init__(self, origin: str, doc: Document) -> None:
        self.origin = origin
        self.doc = doc
        self.diagnostics: list[Diagnostic] = []

    def at(
        self,
        loc: Loc,
        message: str,
        *,
        at_key: bool = False,
        position: Position | None = None,
        severity: Severity = "error",
        where: Loc | None = None,
    ) -> None:
        pos = position or self.doc.position(loc, key=at_key)
        shown = format_loc(loc if where is None else where)
        self.diagnostics.append(
            Diagnostic(self.origin, pos.line, pos.column, severity, shown, message)
        )

    def finding(self, finding: Finding) -> None:
        self.at(finding.loc, finding.message, at_key=finding.at_key, severity=finding.severity)
