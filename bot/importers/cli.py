"""`quizbot import red|gift FILE [-o OUT]`: convert, validate, write, report."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import click

from bot.importers.common import Conversion, ImportFailure, Note
from bot.importers.emit import dump_quiz, schema_hint
from bot.importers.gift import convert_gift
from bot.importers.red import convert_red
from bot.quiz.loader import load_quiz

CONVERTERS: dict[str, Callable[[bytes, str], Conversion]] = {
    "red": convert_red,
    "gift": convert_gift,
}
QUIZ_SUFFIXES = (".yaml", ".yml")


def run_import(kind: str, file: Path, output: Path | None) -> None:
    """Convert `file` and write the quiz beside it (as `<quiz id>.yaml`) or to `output`.

    Nothing is written unless every quiz produced validates, and no existing file is
    overwritten. Exit status 1, with a message, when the input cannot be converted.
    """
    convert = CONVERTERS.get(kind)
    if convert is None:
        _fail(f"unknown kind `{kind}`; expected one of {', '.join(CONVERTERS)}")
    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror or exc}")
    try:
        # The quiz id and title come from the name the quiz is written under.
        conversion = convert(data, (output or file).stem)
    except ImportFailure as exc:
        _fail(f"{file}: {exc}")
    quizzes = conversion.quizzes()
    if not quizzes:
        _echo_notes(conversion.notes)
        found = f"{conversion.skipped} skipped" if conversion.skipped else "none found"
        _fail(f"{file}: no question could be imported ({found})")
    targets = _targets(file, output, [quiz["id"] for quiz in quizzes])
    for target in targets:
        _check_target(target, file)
    texts = [dump_quiz(q, schema_hint(t)) for q, t in zip(quizzes, targets, strict=True)]
    _validate(texts, targets)
    for text, target in zip(texts, targets, strict=True):
        try:
            with target.open("x", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except FileExistsError:
            _fail(f"{target} already exists; not overwritten")
        except OSError as exc:
            _fail(f"cannot write {target}: {exc.strerror or exc}")
    _summary(conversion, [len(quiz["questions"]) for quiz in quizzes], targets)


def _targets(file: Path, output: Path | None, quiz_ids: list[str]) -> list[Path]:
    if output is None:
        return [file.parent / f"{quiz_id}.yaml" for quiz_id in quiz_ids]
    if len(quiz_ids) == 1:
        return [output]
    suffix = output.suffix or ".yaml"
    return [output.with_name(f"{output.stem}-{n}{suffix}") for n in range(1, len(quiz_ids) + 1)]


def _check_target(target: Path, file: Path) -> None:
    if target.exists():
        if target.resolve() == file.resolve():
            _fail(
                f"{target} is the file being imported; name the quiz file with -o, "
                f"e.g. -o quizzes/{target.name}"
            )
        _fail(f"{target} already exists; remove it or choose another name with -o")
    if not target.parent.is_dir():
        _fail(f"the folder {target.parent} does not exist")


def _validate(texts: list[str], targets: list[Path]) -> None:
    """What `quizbot validate` would say, before anything is written."""
    failed = False
    for text, target in zip(texts, targets, strict=True):
        result = load_quiz(text.encode("utf-8"), str(target))
        if result.quiz is None:
            failed = True
            for d in result.diagnostics:
                click.secho(d.format(), fg="red" if d.severity == "error" else "yellow", err=True)
    if failed:
        _fail("the converted quiz does not validate (a bug in the importer); nothing was written")


def _summary(conversion: Conversion, counts: list[int], targets: list[Path]) -> None:
    skipped = f"{conversion.skipped} skipped"
    if len(targets) == 1:
        click.echo(f"wrote {targets[0]}: {_questions(counts[0])}; {skipped}")
    else:
        for number, (target, count) in enumerate(zip(targets, counts, strict=True), start=1):
            click.echo(f"wrote {target}: {_questions(count)} (part {number} of {len(targets)})")
        click.echo(
            f"{_questions(conversion.kept)} in {len(targets)} quizzes (at most 500 in one); "
            f"{skipped}"
        )
    for target in targets:
        if target.suffix not in QUIZ_SUFFIXES:
            click.secho(
                f"note: {target} does not end in .yaml or .yml: the bot loads only those",
                fg="yellow",
            )
    _echo_notes(conversion.notes)


def _echo_notes(notes: list[Note]) -> None:
    for note in notes:
        click.secho(f"  {note.format()}", fg="yellow" if note.skipped else None)


def _questions(count: int) -> str:
    return f"{count} question" + ("" if count == 1 else "s")


def _fail(message: str) -> NoReturn:
    click.secho(f"quizbot import: {message}", fg="red", err=True)
    sys.exit(1)
