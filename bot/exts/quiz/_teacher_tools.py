"""Teachers' tools: uploading a quiz, reloading the quiz files, watching them change."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.exts import rendering
from bot.i18n import _, format_number, ngettext
from bot.library import MAX_UPLOAD_BYTES, UploadResult
from bot.quiz.diagnostics import Diagnostic

log = logging.getLogger(__name__)
# What fits in a message before the full list goes into an attached file.
INLINE_DIAGNOSTICS = 1800


def diagnostics_reply(
    title: str, diagnostics: Sequence[Diagnostic], *, error: bool
) -> dict[str, Any]:
    """The diagnostics as compiler-style lines, in a code block, or attached when long."""
    lines = "\n".join(d.format() for d in diagnostics)
    reply: dict[str, Any] = {}
    if len(lines) <= INLINE_DIAGNOSTICS:
        text = f"{title}\n```\n{lines}\n```" if lines else title
        reply["embed"] = rendering.notice(text, error=error)
    else:
        shown = lines[:INLINE_DIAGNOSTICS].rsplit("\n", 1)[0]
        attached = _("…the full list ({count} lines) is attached.").format(
            count=format_number(len(diagnostics))
        )
        reply["embed"] = rendering.notice(f"{title}\n```\n{shown}\n```\n{attached}", error=error)
        reply["file"] = discord.File(io.BytesIO(lines.encode()), filename="quiz-problems.txt")
    return reply


async def read_attachment(attachment: discord.Attachment, *, source: bool) -> bytes | str:
    """The attachment (the quiz file, or with `source` its source text)'s bytes, or a
    message saying why not."""
    # One sentence per kind of file: a translator may need to agree words with it.
    if attachment.size > MAX_UPLOAD_BYTES:
        text = (
            _("The source `{file}` is {size} bytes; uploads may be at most 256 KiB.")
            if source
            else _("The quiz file `{file}` is {size} bytes; uploads may be at most 256 KiB.")
        )
        return text.format(file=attachment.filename, size=format_number(attachment.size))
    try:
        data = await attachment.read()
    except discord.HTTPException as exc:
        text = (
            _("The source could not be downloaded from Discord ({status}); please try again.")
            if source
            else _(
                "The quiz file could not be downloaded from Discord ({status}); please try again."
            )
        )
        return text.format(status=exc.status)
    if len(data) > MAX_UPLOAD_BYTES:
        text = (
            _("The source `{file}` is larger than 256 KiB.")
            if source
            else _("The quiz file `{file}` is larger than 256 KiB.")
        )
        return text.format(file=attachment.filename)
    return data


def upload_reply(result: UploadResult, filename: str) -> dict[str, Any]:
    if result.refusal is not None:  # a limit, or a check that took too long
        # Translators: {reason} comes from the library's checks (in English).
        text = _("❌ `{file}` was not added: {reason}.").format(
            file=filename, reason=result.refusal
        )
        return {"embed": rendering.notice(text, error=True)}
    if not result.ok:
        errors = [d for d in result.diagnostics if d.severity == "error"]
        title = _(
            "❌ `{file}` was not added: {count} problem(s). Fix them and upload it again."
        ).format(file=filename, count=len(errors))
        return diagnostics_reply(title, result.diagnostics, error=True)
    loaded = result.loaded
    assert loaded is not None
    count = len(loaded.quiz.questions)
    questions = ngettext("{count} question", "{count} questions", count).format(
        count=format_number(count)
    )
    # One sentence per case (added or replaced, with a source or without one).
    if result.replaced and loaded.quiz.source:
        title = _(
            "✅ Replaced with a new version: **{title}** (`{id}`, version `{version}`), "
            "{questions}, grounded in its source. Only this server sees it; "
            "play it with `/quiz start quiz:{id}`."
        )
    elif result.replaced:
        title = _(
            "✅ Replaced with a new version: **{title}** (`{id}`, version `{version}`), "
            "{questions}, no source: answers are not quoted. Only this server sees it; "
            "play it with `/quiz start quiz:{id}`."
        )
    elif loaded.quiz.source:
        title = _(
            "✅ Added: **{title}** (`{id}`, version `{version}`), {questions}, grounded in its "
            "source. Only this server sees it; play it with `/quiz start quiz:{id}`."
        )
    else:
        title = _(
            "✅ Added: **{title}** (`{id}`, version `{version}`), {questions}, no source: "
            "answers are not quoted. Only this server sees it; play it with "
            "`/quiz start quiz:{id}`."
        )
    title = title.format(
        title=loaded.quiz.title, id=loaded.id, version=loaded.version, questions=questions
    )
    if result.replaced:
        title += " " + _("Games already running keep the version they started with.")
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    return diagnostics_reply(title, warnings, error=False)
