"""Reports and exports as Discord messages: an embed with a chart, CSV attachments."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import UTC, datetime

import discord

from bot.exts import rendering
from bot.quiz.loader import LoadedQuiz
from bot.reports.analysis import analyse_quiz
from bot.reports.chart import facility_chart
from bot.reports.export import answers_csv, students_csv
from bot.reports.text import EmbedText, report_embed
from bot.storage.records import AnswerRecord

CHART = "report.png"


async def report_message(
    answers: Sequence[AnswerRecord], loaded: LoadedQuiz, *, where: str
) -> tuple[discord.Embed, discord.File]:
    # Off the event loop: the analysis goes over every answer of the quiz (a large class
    # has tens of thousands), and drawing takes a few hundred milliseconds.
    text, png = await asyncio.to_thread(_analyse, answers, loaded, where)
    embed = discord.Embed(title=text.title, description=text.description, colour=rendering.GOLD)
    for name, value in text.fields:
        embed.add_field(name=name, value=value, inline=False)
    embed.set_image(url=f"attachment://{CHART}")
    return embed, discord.File(io.BytesIO(png), filename=CHART)


def _analyse(
    answers: Sequence[AnswerRecord], loaded: LoadedQuiz, where: str
) -> tuple[EmbedText, bytes]:
    report = analyse_quiz(answers, loaded.quiz)
    return report_embed(report, where), facility_chart(report, loaded.quiz)


def export_files(answers: Sequence[AnswerRecord], guild_id: int) -> list[discord.File]:
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    stem = f"quizbot-export-{guild_id}-{stamp}"
    return [
        discord.File(io.BytesIO(answers_csv(answers)), filename=f"{stem}.csv"),
        discord.File(io.BytesIO(students_csv(answers)), filename=f"{stem}-students.csv"),
    ]
