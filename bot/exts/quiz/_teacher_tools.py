"""Teachers' tools: uploading a quiz, reloading the quiz files, watching them change."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.exts import rendering
from bot.library import MAX_UPLOAD_BYTES, UploadResult
from bot.quiz.diagnostics import Diagnostic

if TYPE_CHECKING:
    pass

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
        reply["embed"] = rendering.notice(
            f"{title}\n```\n{shown}\n```\n…the full list ({len(diagnostics)} lines) is attached.",
            error=error,
        )
        reply["file"] = discord.File(io.BytesIO(lines.encode()), filename="quiz-problems.txt")
    return reply


async def read_attachment(attachment: discord.Attachment, what: str) -> bytes | str:
    """The attachment's bytes, or a message saying why not."""
    if attachment.size > MAX_UPLOAD_BYTES:
        return f"The {what} `{attachment.filename}` is {attachment.size:,} bytes; uploads may be at most 256 KiB."
    try:
        data = await attachment.read()
    except discord.HTTPException as exc:
        return f"The {what} could not be downloaded from Discord ({exc.status}); please try again."
    if len(data) > MAX_UPLOAD_BYTES:
        return f"The {what} `{attachment.filename}` is larger than 256 KiB."
    return data


def upload_reply(result: UploadResult, filename: str) -> dict[str, Any]:
    if result.refusal is not None:  # a limit, or a check that took too long
        return {
            "embed": rendering.notice(
                f"❌ `{filename}` was not added: {result.refusal}.", error=True
            )
        }
    if not result.ok:
        errors = [d for d in result.diagnostics if d.severity == "error"]
        title = f"❌ `{filename}` was not added: {len(errors)} problem(s). Fix them and upload it again."
        return diagnostics_reply(title, result.diagnostics, error=True)
    loaded = result.loaded
    assert loaded is not None
    verb = "Replaced with a new version" if result.replaced else "Added"
    grounded = (
        "grounded in its source" if loaded.quiz.source else "no source: answers are not quoted"
    )
    title = (
        f"✅ {verb}: **{loaded.quiz.title}** (`{loaded.id}`, version `{loaded.version}`), "
        f"{len(loaded.quiz.questions)} question{'s' if len(loaded.quiz.questions) != 1 else ''}, {grounded}. "
        "Only this server sees it; "
        f"play it with `/quiz start quiz:{loaded.id}`."
    )
    if result.replaced:
        title += " Games already running keep the version they started with."
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    return diagnostics_reply(title, warnings, error=False)
