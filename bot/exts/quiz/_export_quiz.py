"""`/quiz export-quiz`: a quiz of the server as a file for another tool (Moodle, Canvas,
Anki...), sent privately to the teacher with what the format could not carry."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import discord

from bot.exporters.common import Export
from bot.exporters.formats import export_quiz
from bot.exts import rendering
from bot.i18n import _, format_number, ngettext
from bot.quiz.loader import LoadedQuiz

# What fits in the message before the notes go into an attached file of their own.
INLINE_NOTES = 1500


async def send_exported_quiz(
    interaction: discord.Interaction[Any], loaded: LoadedQuiz, format_name: str
) -> None:
    """Build the file off the event loop (an Anki deck is a database) and send it."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    export = await asyncio.to_thread(export_quiz, loaded.quiz, format_name)
    await interaction.followup.send(**export_reply(loaded, export), ephemeral=True)


def export_reply(loaded: LoadedQuiz, export: Export) -> dict[str, Any]:
    files = [discord.File(io.BytesIO(export.data), filename=export.filename)]
    title = _("**{title}** as `{file}`.").format(title=loaded.quiz.title, file=export.filename)
    if not export.notes:
        text = title + " " + _("The format carries everything in the quiz.")
        return {"embed": rendering.notice(text), "files": files}
    heading = ngettext(
        "{count} thing the format could not carry:",
        "{count} things the format could not carry:",
        len(export.notes),
    ).format(count=format_number(len(export.notes)))
    lines = "\n".join(f"• {note}" for note in export.notes)
    if len(lines) <= INLINE_NOTES:
        return {"embed": rendering.notice(f"{title}\n{heading}\n{lines}"), "files": files}
    shown = lines[:INLINE_NOTES].rsplit("\n", 1)[0]
    attached = _("…the full list is attached.")
    files.append(discord.File(io.BytesIO(lines.encode()), filename=f"{export.filename}-notes.txt"))
    return {"embed": rendering.notice(f"{title}\n{heading}\n{shown}\n{attached}"), "files": files}
