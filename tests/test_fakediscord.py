"""The Discord emulator proven with the real discord.py client and a tiny bot defined here."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import struct
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.fakediscord import (
    Channel,
    DriverTimeout,
    FakeDiscord,
    FakeDiscordError,
    Guild,
    Member,
    Role,
    Upload,
    summarize_latencies,
)
from tests.fakediscord.discordpy import fetch_gateway_url, pointed_at


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = _png(3, 2)
CSV = b"student,score\nsam,3\nalex,5\n"


# -- the tiny bot --------------------------------------------------------------------------


class JoinButton(discord.ui.DynamicItem[discord.ui.Button], template=r"join:(?P<quiz>[a-z0-9-]+)"):
    def __init__(self, quiz: str) -> None:
        super().__init__(discord.ui.Button(label="Join", custom_id=f"join:{quiz}"))
        self.quiz = quiz

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> JoinButton:
        return cls(match["quiz"])

    async def callback(self, interaction: discord.Interaction) -> None:
        label = interaction.client.label
        await interaction.response.send_message(f"{label}: joined {self.quiz}", ephemeral=True)


class StatsView(discord.ui.View):
    """A persistent view: registered with add_view() by every bot instance."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Stats", custom_id="persistent:stats")
    async def stats(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        label = interaction.client.label
        await interaction.response.send_message(f"{label}: stats", ephemeral=True)


class YesNo(discord.ui.View):
    """Every /ping sends one with the same custom ids; each must get its own clicks."""

    def __init__(self, asker: str) -> None:
        super().__init__(timeout=60)
        self.asker = asker

    @discord.ui.button(label="Yes", custom_id="yes", style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        content = f"{interaction.user.display_name} chose yes on {self.asker}'s question"
        await interaction.response.edit_message(content=content, view=None)

    @discord.ui.button(label="No", custom_id="no", disabled=True)
    async def no(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="no", view=None)


class Picker(discord.ui.View):
    @discord.ui.select(
        custom_id="pick",
        max_values=2,
        options=[discord.SelectOption(label=x.upper(), value=x) for x in "abc"],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.edit_message(
            content=f"picked {','.join(select.values)}", view=None
        )


class Feedback(discord.ui.Modal, title="Feedback"):
    comment: discord.ui.TextInput[Feedback] = discord.ui.TextInput(
        label="Comment", custom_id="comment"
    )
    rating: discord.ui.TextInput[Feedback] = discord.ui.TextInput(
        label="Rating", custom_id="rating", required=False, max_length=2
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"thanks: {self.comment.value} ({self.rating.value or '-'})", ephemeral=True
        )


class AnswerView(discord.ui.View):
    """The question of the burst test; every click is answered ephemerally."""

    def __init__(self, errors: list[BaseException]) -> None:
        super().__init__(timeout=None)
        self.errors = errors
        self.answers: dict[int, str] = {}

    @discord.ui.button(label="A", custom_id="answer:a")
    async def a(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.answers[interaction.user.id] = "a"
        await interaction.response.send_message("answer recorded", ephemeral=True)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: Any) -> None:
        self.errors.append(error)


class TinyBot(discord.Client):
    def __init__(self, label: str, guild_id: int) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.label = label
        self.guild_id = guild_id
        self.tree = app_commands.CommandTree(self)
        self.errors: list[BaseException] = []
        self.synced: dict[str, list[app_commands.AppCommand]] = {}
        self.seen: list[str] = []
        self.answer_view: AnswerView | None = None
        # /hold says it started, then waits for release (a slow handler: the 3 s deadline).
        self.holding = asyncio.Event()
        self.release = asyncio.Event()
        self.interactions: list[discord.Interaction] = []
        self._add_commands()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.interactions.append(interaction)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(JoinButton)
        self.add_view(StatsView())
        self.synced["guild"] = await self.tree.sync(guild=discord.Object(self.guild_id))
        self.synced["global"] = await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every re-IDENTIFY; nothing to pace here."""

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.seen.append(message.content)
        if message.guild is None:
            await message.channel.send(f"you said: {message.content}")
        elif self.user is not None and self.user.mentioned_in(message):
            text = message.content.replace(self.user.mention, "").strip()
            await message.reply(f"hello {message.author.display_name}: {text}")

    def _add_commands(self) -> None:
        tree = self.tree

        @tree.command(name="ping", description="Ask yes or no", guild=discord.Object(self.guild_id))
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                "pong?", view=YesNo(interaction.user.display_name), ephemeral=True
            )

        @tree.command(name="hold", description="Answer late", guild=discord.Object(self.guild_id))
        async def hold(interaction: discord.Interaction) -> None:
            self.holding.set()
            await self.release.wait()
            try:
                await interaction.response.send_message("held")
            except discord.HTTPException as exc:
                self.errors.append(exc)

        quiz = app_commands.Group(name="quiz", description="Quizzes")

        @quiz.command(name="start", description="Start a quiz")
        async def start(
            interaction: discord.Interaction, quiz: str, mode: Literal["solo", "class"] = "solo"
        ) -> None:
            view = StatsView()
            view.add_item(JoinButton(quiz))
            await interaction.response.send_message(
                f"{self.label}: starting {quiz} ({mode})", view=view
            )

        @start.autocomplete("quiz")
        async def quiz_names(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            names = ["icc-gaza-2014", "icc-basics", "photosynthesis"]
            return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

        @quiz.command(name="slow", description="A slow answer")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.05)
            await interaction.followup.send("step 1")
            step2 = await interaction.followup.send("step 2", wait=True)
            await interaction.edit_original_response(content="final")
            await step2.edit(content="step 2 (edited)")
            original = await interaction.original_response()
            temporary = await interaction.followup.send(
                f"original says {original.content}", wait=True
            )
            await temporary.delete()

        @quiz.command(name="question", description="Ask the class")
        async def question(interaction: discord.Interaction) -> None:
            self.answer_view = AnswerView(self.errors)
            await interaction.response.send_message("Q1: pick A", view=self.answer_view)

        tree.add_command(quiz)

        @tree.command(name="feedback", description="Leave feedback")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Feedback())

        @tree.command(name="pick", description="Pick letters")
        async def pick(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pick some", view=Picker())

        @tree.command(name="remind", description="DM me a reminder")
        async def remind(interaction: discord.Interaction) -> None:
            try:
                await interaction.user.send("reminder: quiz at 10")
            except discord.Forbidden:
                await interaction.response.send_message("cannot DM you", ephemeral=True)
            else:
                await interaction.response.send_message("sent", ephemeral=True)

        @tree.command(name="report", description="Send a chart and a CSV")
        @app_commands.default_permissions(manage_guild=True)
        async def report(interaction: discord.Interaction) -> None:
            files = [
                discord.File(io.BytesIO(PNG), "chart.png"),
                discord.File(io.BytesIO(CSV), "scores.csv"),
            ]
            await interaction.response.send_message("report", files=files)
            await interaction.channel.send("again", file=discord.File(io.BytesIO(CSV), "copy.csv"))  # type: ignore[union-attr]

        @tree.command(name="inspect", description="Look at a role and a file")
        async def inspect(
            interaction: discord.Interaction, role: discord.Role, file: discord.Attachment
        ) -> None:
            data = await file.read()
            digest = hashlib.sha256(data).hexdigest()[:12]
            await interaction.response.send_message(
                f"{role.name} {file.filename} {len(data)} {digest}"
            )


# -- fixtures ------------------------------------------------------------------------------


@dataclass
class School:
    guild: Guild
    general: Channel
    teacher: Member
    student: Member
    year9: Role


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as emulator:
        yield emulator
        assert emulator.internal_errors == []


@pytest.fixture
def school(fake: FakeDiscord) -> School:
    guild = fake.add_guild("Maths Dept")
    general = guild.add_channel("general")
    guild.add_channel("quiz-room")
    year9 = guild.add_role("Year 9")
    teacher = guild.add_member("Ms Teacher", manage_guild=True)
    student = guild.add_member("Sam Student", roles=[year9])
    return School(guild, general, teacher, student, year9)


@asynccontextmanager
async def running_bot(
    fake: FakeDiscord, school: School, label: str = "bot-1"
) -> AsyncIterator[TinyBot]:
    """Log a TinyBot in to the emulator the way the project will, and close it after."""
    gateway = await fetch_gateway_url(fake.base_url, fake.token)
    with pointed_at(fake.base_url, gateway):
        bot = TinyBot(label, school.guild.id)
        task = asyncio.create_task(bot.start(fake.token))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 10)
            yield bot
        finally:
            await bot.close()
            await asyncio.wait_for(task, 10)


# -- tests ---------------------------------------------------------------------------------


async def test_login_ready_and_guild_create(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school) as bot:
        assert bot.user is not None and bot.user.id == fake.bot_user.id
        assert bot.application_id == fake.application.id
        guild = bot.get_guild(school.guild.id)
        assert guild is not None and guild.name == "Maths Dept"
        assert [c.name for c in guild.text_channels] == ["general", "quiz-room"]
        assert {r.name for r in guild.roles} == {"@everyone", "Quizbot", "Teachers", "Year 9"}
        assert guild.member_count == 4  # owner, bot, teacher, student
        assert guild.me is not None and guild.me.guild_permissions.send_messages
        assert guild.default_role.permissions.use_application_commands
        session = fake.sessions[-1]
        assert session.intents == discord.Intents.default().value
        assert session.shard == (0, 1)
        # discord.py's identify carried no privileged intent, so no full member list.
        assert guild.get_member(school.student.id) is None

        # The world changing while the bot is connected reaches it as events.
        created = asyncio.create_task(bot.wait_for("guild_channel_create", timeout=5))
        await asyncio.sleep(0)
        school.guild.add_channel("new-room")
        assert (await created).name == "new-room"
        joined = asyncio.create_task(bot.wait_for("guild_join", timeout=5))
        await asyncio.sleep(0)
        science = fake.add_guild("Science Dept")
        assert (await joined).id == science.id


async def test_bad_token_and_privileged_intents_are_refused(
    fake: FakeDiscord, school: School
) -> None:
    with pointed_at(fake.base_url, fake.gateway_url):
        bot = TinyBot("bad", school.guild.id)
        with pytest.raises(discord.LoginFailure):
            await bot.login("not-the-token")
        await bot.close()
        assert fake.requests[-1].status == 401

        # The app has no privileged intent enabled: asking for one closes with 4014.
        greedy = discord.Client(intents=discord.Intents.all())
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await asyncio.wait_for(greedy.start(fake.token), 10)
        await greedy.close()
        assert fake.gateway.close_codes[-1] == 4014 and fake.sessions == []


async def test_command_sync_guild_and_global_group(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school) as bot:
        assert fake.commands.names(school.guild.id) == ["ping", "hold"]
        assert fake.commands.names(None) == [
            "quiz",
            "feedback",
            "pick",
            "remind",
            "report",
            "inspect",
        ]
        report = next(c for c in fake.commands.global_commands if c["name"] == "report")
        assert report["default_member_permissions"] == str(
            discord.Permissions(manage_guild=True).value
        )
        quiz = next(c for c in fake.commands.global_commands if c["name"] == "quiz")
        subcommands = {o["name"]: o for o in quiz["options"]}
        assert set(subcommands) == {"start", "slow", "question"}
        assert subcommands["start"]["options"][0]["autocomplete"] is True
        # discord.py got ids back for what it synced.
        assert {c.name: c.id for c in bot.synced["global"]}["quiz"] == int(quiz["id"])
        assert bot.synced["guild"][0].guild_id == school.guild.id
        fetched = await bot.tree.fetch_commands()
        assert {c.name for c in fetched} == set(fake.commands.names(None))
    # A restarted bot syncs again: same names keep their ids.
    async with running_bot(fake, school, "bot-2"):
        again = next(c for c in fake.commands.global_commands if c["name"] == "quiz")
        assert again["id"] == quiz["id"] and again["version"] != quiz["version"]


async def test_slash_subcommand_with_options(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school):
        rec = await fake.slash(
            school.teacher, school.general, "quiz start", quiz="icc-gaza-2014", mode="class"
        )
        assert rec.response is not None and rec.response.type == 4
        assert (
            rec.message is not None
            and rec.message.content == "bot-1: starting icc-gaza-2014 (class)"
        )
        assert not rec.message.ephemeral
        assert rec.acked_after is not None and 0 < rec.acked_after < 1
        assert rec.message in school.general.messages
        with pytest.raises(FakeDiscordError, match="one of"):
            await fake.slash(school.teacher, school.general, "quiz start", quiz="x", mode="team")
        with pytest.raises(FakeDiscordError, match="required option 'quiz'"):
            await fake.slash(school.teacher, school.general, "quiz start")


async def test_ephemeral_view_click_reaches_callback(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school):
        teachers = await fake.slash(school.teacher, school.general, "ping")
        rec = await fake.slash(school.student, school.general, "ping")
        message = rec.message
        assert message is not None and message.ephemeral and rec.response is not None
        assert rec.response.ephemeral
        assert [b["custom_id"] for b in message.buttons] == ["yes", "no"]
        with pytest.raises(FakeDiscordError, match="disabled"):
            await fake.click(school.student, message, "no")
        with pytest.raises(FakeDiscordError, match="cannot see the ephemeral"):
            await fake.click(school.teacher, message, "yes")
        # Both views use the same custom ids: each click reaches its own view only if
        # discord.py keyed the view by the response_message_id the callback returned.
        assert teachers.message is not None
        await fake.click(school.teacher, teachers.message, "yes")
        assert teachers.message.content == "Ms Teacher chose yes on Ms Teacher's question"
        click = await fake.click(school.student, message, "yes")
        assert click.response is not None and click.response.type == 7
        assert message.content == "Sam Student chose yes on Sam Student's question"
        assert message.components == [] and message.edits == 1
        with pytest.raises(FakeDiscordError, match="no component 'yes'"):
            await fake.click(school.student, message, "yes")


async def test_persistent_and_dynamic_buttons_survive_restart(
    fake: FakeDiscord, school: School
) -> None:
    async with running_bot(fake, school, "bot-1"):
        rec = await fake.slash(school.teacher, school.general, "quiz start", quiz="icc-basics")
        message = rec.message
        assert message is not None
        first = await fake.click(school.student, message, "join:icc-basics")
        assert first.message is not None and first.message.content == "bot-1: joined icc-basics"
    # discord.py's close() puts 4000 on the wire first, so the session stays resumable,
    # but while the bot is offline a click is only buffered and never answered.
    assert not fake.sessions[-1].live and not fake.sessions[-1].invalidated
    with pytest.raises(DriverTimeout, match="never written to a bot connection"):
        await fake.click(school.student, message, "join:icc-basics", timeout=0.3)
    async with running_bot(fake, school, "bot-2"):
        assert len(fake.sessions) == 2
        joined = await fake.click(school.student, message, "join:icc-basics")
        assert joined.message is not None and joined.message.content == "bot-2: joined icc-basics"
        stats = await fake.click(school.student, message, "persistent:stats")
        assert stats.message is not None and stats.message.content == "bot-2: stats"


async def test_deferred_followups_and_original_edit(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school):
        rec = await fake.slash(school.teacher, school.general, "quiz slow")
        assert rec.response is not None and rec.response.type == 5
        final = await rec.wait_for_original(lambda m: m.content == "final")
        # As on Discord, the first follow-up after a defer replaced the "thinking" message.
        assert [v["content"] for v in final.versions] == ["", "step 1", "final"]
        assert final.versions[0]["flags"] & 128  # LOADING while deferred
        step2 = await rec.wait_for_followup(index=0)
        await step2.wait_until(lambda m: m.content == "step 2 (edited)")
        assert step2.payload()["interaction_metadata"]["original_response_message_id"] == str(
            final.id
        )
        temporary = await rec.wait_for_followup(index=1)
        await temporary.wait_until(lambda m: m.deleted)
        assert temporary.content == "original says final"
        kinds = [(e.kind, e.message.id) for e in fake.message_log]
        assert kinds.count(("edit", step2.id)) == 1 and ("delete", temporary.id) in kinds


async def test_modal_opened_and_submitted(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school):
        opener = await fake.slash(school.student, school.general, "feedback")
        assert opener.modal is not None and opener.modal["title"] == "Feedback"
        with pytest.raises(FakeDiscordError, match="'comment' is required"):
            await fake.submit_modal(school.student, opener, {"rating": "5"})
        with pytest.raises(FakeDiscordError, match="no input"):
            await fake.submit_modal(school.student, opener, {"comment": "x", "stars": "5"})
        submitted = await fake.submit_modal(
            school.student, opener, {"comment": "great quiz", "rating": "9"}
        )
        assert (
            submitted.message is not None and submitted.message.content == "thanks: great quiz (9)"
        )
        assert submitted.message.ephemeral


async def test_autocomplete_choices(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school):
        choices = await fake.autocomplete(
            school.teacher, school.general, "quiz start", focused="quiz", value="icc"
        )
        assert [c["value"] for c in choices] == ["icc-gaza-2014", "icc-basics"]
        assert (
            await fake.autocomplete(
                school.teacher, school.general, "quiz start", focused="quiz", value="zz"
            )
            == []
        )


async def test_select_menu(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school):
        rec = await fake.slash(school.student, school.general, "pick")
        assert rec.message is not None
        with pytest.raises(FakeDiscordError, match="no option 'z'"):
            await fake.select(school.student, rec.message, "pick", ["z"])
        with pytest.raises(FakeDiscordError, match=r"takes 1\.\.2 values"):
            await fake.select(school.student, rec.message, "pick", ["a", "b", "c"])
        chosen = await fake.select(school.student, rec.message, "pick", ["c", "a"])
        assert chosen.response is not None and chosen.response.type == 7
        assert rec.message.content == "picked c,a"


async def test_dm_conversation_and_mention(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school) as bot:
        sent = await fake.dm(school.student, "quiz me")
        reply = await sent.wait_for_reply()
        assert reply.content == "you said: quiz me" and reply.channel.is_dm
        again = await fake.dm(school.student, "another")
        assert (await again.wait_for_reply()).content == "you said: another"

        mention = await fake.mention(school.student, school.general, "start icc-gaza-2014")
        answer = await school.general.next_message()
        assert answer.content == "hello Sam Student: start icc-gaza-2014"
        assert answer.message_reference is not None
        assert answer.message_reference["message_id"] == str(mention.id)
        same = await fake.wait_for_message(
            school.general.id, lambda m: m.content.startswith("hello")
        )
        assert same is answer
        # Without the message content intent a plain message reaches the bot empty.
        await fake.say(school.student, school.general, "no mention here")
        with pytest.raises(FakeDiscordError, match="No new bot message"):
            await school.general.next_message(timeout=0.3)
        assert bot.seen[-1] == ""

        # The bot opens a DM itself (POST /users/@me/channels).
        await fake.slash(school.teacher, school.general, "remind")
        dm = fake.dm_channel(school.teacher)
        assert (await dm.next_message()).content == "reminder: quiz at 10"
        school.student.user.accepts_dms = False
        refused = await fake.slash(school.student, school.general, "remind")
        assert refused.message is not None and refused.message.content == "cannot DM you"

        # Slash commands work in DMs too: the interaction carries a user, not a member.
        in_dm = await fake.slash(
            school.student, fake.dm_channel(school.student), "quiz start", quiz="icc-basics"
        )
        assert in_dm.member is None and in_dm.payload["context"] == 1 and "user" in in_dm.payload
        assert in_dm.message is not None and in_dm.message.channel.is_dm


async def test_attachments_sent_and_received(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school):
        with pytest.raises(FakeDiscordError, match="cannot see /report"):
            await fake.slash(school.student, school.general, "report")
        rec = await fake.slash(school.teacher, school.general, "report")
        assert rec.message is not None
        chart, scores = rec.message.attachments
        assert (chart.filename, chart.data, chart.content_type) == ("chart.png", PNG, "image/png")
        assert chart.image_size() == (3, 2)
        assert scores.data == CSV and scores.text.startswith("student,score")
        copy = await school.general.next_message(predicate=lambda m: m.content == "again")
        assert copy.attachments[0].data == CSV

        upload = Upload("answers.csv", CSV * 100)
        inspected = await fake.slash(
            school.teacher, school.general, "inspect", role=school.year9, file=upload
        )
        assert inspected.message is not None
        digest = hashlib.sha256(CSV * 100).hexdigest()[:12]
        assert inspected.message.content == f"Year 9 answers.csv {len(CSV) * 100} {digest}"


async def test_unknown_route_is_404_and_recorded(fake: FakeDiscord, school: School) -> None:
    async with running_bot(fake, school) as bot:
        channel = bot.get_channel(school.general.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.NotFound) as caught:
            await channel.create_webhook(name="hook")
        assert caught.value.text == "404: Not Found"
        assert fake.unknown_routes == [("POST", f"/channels/{school.general.id}/webhooks")]
        fetched = await bot.fetch_channel(school.general.id)
        assert isinstance(fetched, discord.TextChannel) and fetched.name == "general"
        with pytest.raises(discord.NotFound):
            await bot.fetch_channel(12345)
        assert len(fake.unknown_routes) == 1  # a known route answering 404 is not a gap


async def test_gateway_heartbeat_resume_and_invalid_session(
    fake: FakeDiscord, school: School
) -> None:
    async with running_bot(fake, school) as bot:
        session = fake.sessions[-1]
        assert session.connection is not None and session.connection.heartbeats >= 1
        resumed = asyncio.create_task(bot.wait_for("resumed", timeout=5))
        await asyncio.sleep(0)
        assert fake.request_reconnect() == 1
        await resumed
        assert session.resumes == 1 and session.live and len(fake.sessions) == 1
        rec = await fake.slash(school.teacher, school.general, "quiz start", quiz="icc-basics")
        assert rec.message is not None

        # A dropped connection (not a clean close) is resumed too.
        resumed = asyncio.create_task(bot.wait_for("resumed", timeout=5))
        await asyncio.sleep(0)
        await fake.drop_connections(4000)
        await resumed
        assert session.resumes == 2 and len(fake.sessions) == 1

        # A session that cannot be resumed: op 9, then discord.py identifies afresh.
        fake.request_reconnect(resumable=False)
        second = await fake.wait_for_session(count=2)
        await fake.world.notifier.wait_for(
            lambda: True if second.live else None, timeout=5, describe=lambda: "no new session"
        )
        assert session.invalidated and not session.live
        rec = await fake.slash(school.teacher, school.general, "quiz start", quiz="icc-basics")
        assert rec.message is not None


async def test_burst_of_200_simultaneous_clicks(fake: FakeDiscord, school: School) -> None:
    students = [school.guild.add_member(f"Student {n}") for n in range(200)]
    async with running_bot(fake, school) as bot:
        with pytest.raises(FakeDiscordError, match="cannot see /report"):
            await fake.slash(students[0], school.general, "report")
        rec = await fake.slash(school.teacher, school.general, "quiz question")
        assert rec.message is not None
        records = await fake.click_many([(s, rec.message, "answer:a") for s in students])
        assert len(records) == 200
        assert all(r.response is not None and r.response.type == 4 for r in records)
        assert all(r.message is not None and r.message.ephemeral for r in records)
        assert bot.answer_view is not None and len(bot.answer_view.answers) == 200
        assert bot.errors == []
        assert fake.failed_requests() == []
        stats = summarize_latencies(records)
        assert stats["count"] == 200 and stats["max"] < 3.0


class QuickShardedClient(discord.AutoShardedClient):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s between shards' IDENTIFYs; nothing to pace here."""


async def test_sharded_client_gets_each_guild_on_its_shard() -> None:
    async with FakeDiscord(shard_count=2) as fake:
        guilds = [fake.add_guild(f"School {n}") for n in range(4)]
        places = [
            (g.add_channel("general"), g.add_member("Teacher", manage_guild=True)) for g in guilds
        ]
        assert {g.shard_id(2) for g in guilds} == {0, 1}  # time-based ids spread guilds
        with pointed_at(fake.base_url, await fetch_gateway_url(fake.base_url, fake.token)):
            client = QuickShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
            tree = app_commands.CommandTree(client)

            @tree.command(name="where", description="Which shard am I on?")
            async def where(interaction: discord.Interaction) -> None:
                assert interaction.guild is not None
                await interaction.response.send_message(f"shard {interaction.guild.shard_id}")

            async def setup_hook() -> None:
                await tree.sync()

            client.setup_hook = setup_hook  # type: ignore[method-assign]
            task = asyncio.create_task(client.start(fake.token))
            try:
                await asyncio.wait_for(client.wait_until_ready(), 10)
                assert sorted(s.shard for s in fake.sessions) == [(0, 2), (1, 2)]
                for guild, (channel, teacher) in zip(guilds, places, strict=True):
                    rec = await fake.slash(teacher, channel, "where")
                    assert rec.message is not None
                    assert rec.message.content == f"shard {guild.shard_id(2)}"
            finally:
                await client.close()
                await asyncio.wait_for(task, 10)
        assert fake.internal_errors == []


# -- rate limits and expiring interaction tokens --------------------------------------------


async def test_a_channel_allows_five_edits_per_five_seconds_with_discords_headers(
    fake: FakeDiscord, school: School
) -> None:
    """Hand-made requests (no discord.py): the headers, the 429 and what it is kept per."""
    auth = {"Authorization": f"Bot {fake.token}"}
    other = school.guild.add_channel("other-room")
    async with aiohttp.ClientSession(headers=auth) as http:
        created = await http.post(
            f"{fake.base_url}/channels/{school.general.id}/messages", json={"content": "v0"}
        )
        assert created.status == 200
        message_id = (await created.json())["id"]
        edit = f"{fake.base_url}/channels/{school.general.id}/messages/{message_id}"
        answers = [await http.patch(edit, json={"content": f"v{n}"}) for n in range(1, 7)]
        assert [a.status for a in answers] == [200] * 5 + [429]
        first, refused = answers[0].headers, answers[5].headers
        assert first["X-RateLimit-Limit"] == "5" and first["X-RateLimit-Remaining"] == "4"
        assert 4.9 < float(first["X-RateLimit-Reset-After"]) <= 5.0
        assert abs(float(first["X-RateLimit-Reset"]) - time.time() - 5) < 0.5
        assert [a.headers["X-RateLimit-Remaining"] for a in answers[:5]] == list("43210")
        body = await answers[5].json()
        assert body["global"] is False and 0 < body["retry_after"] <= 5.0
        assert refused["Retry-After"] == "5" and refused["X-RateLimit-Scope"] == "user"
        assert refused["Via"]  # discord.py takes a 429 without it for a Cloudflare ban
        # One bucket hash for the route, whatever the channel; creating is another bucket.
        assert refused["X-RateLimit-Bucket"] == first["X-RateLimit-Bucket"]
        assert created.headers["X-RateLimit-Bucket"] != first["X-RateLimit-Bucket"]
        # Kept per channel: another channel's messages are not held up.
        elsewhere = await http.post(
            f"{fake.base_url}/channels/{other.id}/messages", json={"content": "hi"}
        )
        again = await http.patch(
            f"{fake.base_url}/channels/{other.id}/messages/{(await elsewhere.json())['id']}",
            json={"content": "edited"},
        )
        assert again.status == 200 and again.headers["X-RateLimit-Remaining"] == "4"
        # The refused edit did nothing; the emulator recorded it.
        assert fake.messages[int(message_id)].content == "v5"
        [hit] = fake.rate_limited
        assert (hit.bucket, hit.scope, hit.retries) == ("message-edit", "user", 0)
        assert hit.key == f"message-edit:{school.general.id}"

        # The clock moves on (no sleeping): the window is full again.
        fake.clock.advance(5)
        assert (await http.patch(edit, json={"content": "v7"})).status == 200
        # A test may change a limit, or switch them all off.
        fake.rate_limits.set("message-edit", limit=1, per=60)
        fake.clock.advance(5)
        assert [(await http.patch(edit, json={"content": "x"})).status for _ in "ab"] == [200, 429]
        fake.rate_limits.enabled = False
        assert (await http.patch(edit, json={"content": "free"})).status == 200


async def test_the_global_limit_counts_bot_requests_but_not_interaction_callbacks(
    fake: FakeDiscord, school: School
) -> None:
    # Discord's limit is 50 a second; 10 keeps "within one second" certain on a slow machine.
    fake.rate_limits.global_limit = 10
    channels = [school.guild.add_channel(f"room-{n}") for n in range(3)]
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http:
        statuses = [
            (await http.get(f"{fake.base_url}/channels/{c.id}")).status
            for c in channels
            for _ in range(4)
        ]
        # 12 requests, 4 per channel (within each channel's own 5): the 11th is refused.
        assert statuses == [200] * 10 + [429] * 2
        refused = await http.get(f"{fake.base_url}/users/@me")
        assert refused.status == 429 and "X-RateLimit-Bucket" not in refused.headers
        assert refused.headers["X-RateLimit-Global"] == "true"
        assert refused.headers["X-RateLimit-Scope"] == "global"
        assert (await refused.json())["global"] is True
    assert {h.scope for h in fake.rate_limited} == {"global"}

    fake.rate_limits.global_limit = 50
    async with running_bot(fake, school) as bot:
        # Interaction callbacks are exempt: with no global budget at all, a click still
        # gets its answer at once.
        fake.rate_limits.global_limit = 0
        rec = await fake.slash(school.student, school.general, "ping")
        assert rec.response is not None and rec.acked_after is not None and rec.acked_after < 1
        # discord.py waits a global 429 out (its global lock), then the request goes through.
        fake.rate_limits.global_limit = 1
        fake.rate_limits.reset()
        before = len(fake.rate_limited)
        targets = [bot.get_channel(c.id) for c in channels[:2]]
        await asyncio.gather(*(t.send(f"to {t.name}") for t in targets))  # type: ignore[union-attr]
        hits = fake.rate_limited[before:]
        assert hits and all(h.is_global and h.retries < 2 for h in hits)
        assert [c.messages[-1].content for c in channels[:2]] == ["to room-0", "to room-1"]


async def test_a_callback_after_three_seconds_is_refused_with_unknown_interaction(
    fake: FakeDiscord, school: School
) -> None:
    async with running_bot(fake, school) as bot:
        pending = asyncio.create_task(fake.slash(school.teacher, school.general, "hold"))
        await asyncio.wait_for(bot.holding.wait(), 5)
        # The emulator's clock moves, not the test: 3.5 s "pass" before the bot answers.
        fake.clock.advance(3.5)
        bot.release.set()
        with pytest.raises(FakeDiscordError, match="came too late"):
            await pending
        [error] = bot.errors
        assert isinstance(error, discord.NotFound) and error.code == 10062
        assert error.text == "Unknown interaction"
        [refusal] = fake.refused_late
        assert (refusal.kind, refusal.status, refusal.code) == ("callback", 404, 10062)
        assert 3.5 <= refusal.age < 4.5 and refusal.interaction.description == "/hold"
        assert refusal.interaction.response is None
        assert not [m for m in school.general.messages if m.content == "held"]


async def test_a_followup_after_fifteen_minutes_is_refused_with_invalid_webhook_token(
    fake: FakeDiscord, school: School
) -> None:
    async with running_bot(fake, school) as bot:
        rec = await fake.slash(school.teacher, school.general, "quiz start", quiz="icc-basics")
        [interaction] = bot.interactions
        fake.clock.advance(14 * 60)
        kept = await interaction.followup.send("still in time", wait=True)
        assert rec.followups[0].id == kept.id
        fake.clock.advance(61)
        with pytest.raises(discord.HTTPException) as late:
            await interaction.followup.send("too late")
        assert (late.value.status, late.value.code) == (401, 50027)
        assert late.value.text == "Invalid Webhook Token"
        with pytest.raises(discord.HTTPException):
            await interaction.edit_original_response(content="too late")
        assert [(r.kind, r.method, r.status, r.code) for r in fake.refused_late] == [
            ("webhook", "POST", 401, 50027),
            ("webhook", "PATCH", 401, 50027),
        ]
        assert all(r.age > 15 * 60 for r in fake.refused_late)
        assert rec.message is not None and rec.message.content.startswith("bot-1: starting")
        assert len(rec.followups) == 1


async def test_a_burst_of_twelve_edits_is_spread_over_time_and_none_is_lost(
    fake: FakeDiscord, school: School
) -> None:
    # Discord's window is 5 s; 1 s keeps the test short with the same rules.
    fake.rate_limits.set("message-edit", limit=5, per=1.0)
    async with running_bot(fake, school) as bot:
        channel = bot.get_channel(school.general.id)
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("v0")
        # Another process of the same bot (a second shard, say) has just used the
        # channel's edits up: discord.py cannot know, gets a 429 and must honour it.
        async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http:
            url = f"{fake.base_url}/channels/{school.general.id}/messages/{message.id}"
            for n in range(5):
                assert (await http.patch(url, json={"content": f"other {n}"})).status == 200
        start = time.monotonic()
        await asyncio.gather(*(message.edit(content=f"v{n}") for n in range(1, 13)))
        elapsed = time.monotonic() - start
    stored = fake.messages[message.id]
    contents = [v["content"] for v in stored.versions]
    assert sorted(contents[6:], key=lambda c: int(c[1:])) == [f"v{n}" for n in range(1, 13)]
    # One 429 (the used-up window), retried once; then discord.py paced itself by the
    # headers: 12 edits at 5 per second need at least two more windows.
    assert len(fake.rate_limited) == 1 and fake.rate_limited[0].retries == 0
    assert 2.0 <= elapsed < 6.0
    accepted = [
        r.at
        for r in fake.requests
        if r.method == "PATCH" and r.status == 200 and r.body["content"].startswith("v")
    ]
    assert len(accepted) == 12
    assert all(
        later - earlier >= 0.9 for earlier, later in zip(accepted, accepted[5:], strict=False)
    )
