"""`quizbot import red|gift|moodle-xml|aiken FILE [-o OUT]`: convert, validate, write, report."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import click

from bot.i18n import _, ngettext
from bot.importers.aiken import convert_aiken
from bot.importers.common import Conversion, ImportFailure, Note
from bot.importers.emit import dump_quiz, schema_hint
from bot.importers.gift import convert_gift
from bot.importers.moodle_xml import convert_moodle_xml
from bot.importers.red import convert_red
from bot.quiz.loader import load_quiz

CONVERTERS: dict[str, Callable[[bytes, str], Conversion]] = {
    "red": convert_red,
    "gift": convert_gift,
    "moodle-xml": convert_moodle_xml,
    "aiken": convert_aiken,
}
QUIZ_SUFFIXES = (".yaml", ".yml")


def run_import(kind: str, file: Path, output: Path | None) -> None:
    """Convert `file` and write the quiz beside it (as `<quiz id>.yaml`) or to `output`.

    Nothing is written unless every quiz produced validates, and no existing file is
    overwritten. Exit status 1, with a message, when the input cannot be converted.
    """
    convert = CONVERTERS.get(kind)
    if convert is None:
        _fail(
            _("unknown kind `{kind}`; expected one of {kinds}").format(
                kind=kind, kinds=", ".join(CONVERTERS)
            )
        )
    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(_("cannot read {path}: {reason}").format(path=file, reason=exc.strerror or exc))
    try:
        # The quiz id and title come from the name the quiz is written under.
        conversion = convert(data, (output or file).stem)
    except ImportFailure as exc:
        _fail(f"{file}: {exc}")
    quizzes = conversion.quizzes()
    if not quizzes:
        _echo_notes(conversion.notes)
        if conversion.skipped:
            message = _("{path}: no question could be imported ({count} skipped)")
        else:
            message = _("{path}: no question could be imported (none found)")
        _fail(message.format(path=file, count=conversion.skipped))
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
            _fail(_("{path} already exists; not overwritten").format(path=target))
        except OSError as exc:
            _fail(
                _("cannot write {path}: {reason}").format(path=target, reason=exc.strerror or exc)
            )
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
                _(
                    "{path} is the file being imported; name the quiz file with -o, "
                    "e.g. -o quizzes/{name}"
                ).format(path=target, name=target.name)
            )
        _fail(
            _("{path} already exists; remove it or choose another name with -o").format(path=target)
        )
    if not target.parent.is_dir():
        _fail(_("the folder {folder} does not exist").format(folder=target.parent))


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
        _fail(
            _("the converted quiz does not validate (a bug in the importer); nothing was written")
        )


def _summary(conversion: Conversion, counts: list[int], targets: list[Path]) -> None:
    skipped = conversion.skipped
    if len(targets) == 1:
        click.echo(
            ngettext(
                "wrote {path}: {count} question; {skipped} skipped",
                "wrote {path}: {count} questions; {skipped} skipped",
                counts[0],
            ).format(path=targets[0], count=counts[0], skipped=skipped)
        )
    else:
        parts = len(targets)
        for number, (target, count) in enumerate(zip(targets, counts, strict=True), start=1):
            click.echo(
                ngettext(
                    "wrote {path}: {count} question (part {number} of {parts})",
                    "wrote {path}: {count} questions (part {number} of {parts})",
                    count,
                ).format(path=target, count=count, number=number, parts=parts)
            )
        click.echo(
            ngettext(
                "{count} question in {parts} quizzes (at most 500 in one); {skipped} skipped",
                "{count} questions in {parts} quizzes (at most 500 in one); {skipped} skipped",
                conversion.kept,
            ).format(count=conversion.kept, parts=parts, skipped=skipped)
        )
    for target in targets:
        if target.suffix not in QUIZ_SUFFIXES:
            click.secho(
                _("note: {path} does not end in .yaml or .yml: the bot loads only those").format(
                    path=target
                ),
                fg="yellow",
            )
    _echo_notes(conversion.notes)


def _echo_notes(notes: list[Note]) -> None:
    for note in notes:
        click.secho(f"  {note.format()}", fg="yellow" if note.skipped else None)


def _fail(message: str) -> NoReturn:
    click.secho(f"quizbot import: {message}", fg="red", err=True)
    sys.exit(1)
