"""`/class`: a server's classes, their rosters and the server's time zone.

A class is tied to a channel (where it was created, unless another is named); its card
there carries a "Join this class" button for students. Teachers add and remove students,
and read the roster privately. Without the privileged member list, the roster is what
students and teachers said; members who have left the server are dropped from it when it
is read. Needs nothing from other extensions.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.exts import rendering
from bot.exts.common import DynamicView, display_name, server_language, tell
from bot.exts.permissions import teachers_only
from bot.i18n import N_, _, ngettext
from bot.storage.classes import ClassInfo, RosterEntry

if TYPE_CHECKING:
    from bot.app import QuizBot

OUTSIDE_SERVER = N_("Classes belong to a server: use this command in one.")
SERVER_DEFAULT = "server"  # the /class language choice that clears a class's language
# Each language named in itself: a teacher looks for their own language's name.
LANGUAGE_CHOICES = (
    ("English", "en"),
    ("Français", "fr"),
    ("Español", "es"),
    ("Deutsch", "de"),
    ("server default", SERVER_DEFAULT),
)
ROSTER_SHOWN = 60  # names in the private roster embed; the rest are counted


class JoinClass(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"class:join:(?P<class_id>\d{1,20})$"
):
    """The card's button: whoever clicks it joins the class named in its id."""

    def __init__(self, class_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=_("Join this class"),
                style=discord.ButtonStyle.primary,
                custom_id=f"class:join:{class_id}",
            )
        )
        self.class_id = class_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> JoinClass:
        return cls(int(match["class_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: QuizBot = interaction.client
        await bot.classes_cog.join(interaction, self.class_id)


def card_embed(info: ClassInfo, teacher: str) -> discord.Embed:
    return discord.Embed(
        title=_("Class {name}").format(name=info.name),
        description=_(
            "{teacher} set up this class. Students: press **Join this class** to be on its "
            "roster; homework for the class is posted in this channel."
        ).format(teacher=teacher),
        colour=rendering.BLUE,
    )


def roster_embed(info: ClassInfo, roster: list[RosterEntry], dropped: int) -> discord.Embed:
    lines = [
        f"{i}. {e.display_name} (<@{e.user_id}>)"
        if e.added_by is None
        # Translators: "added" means a teacher put this student on the roster.
        else _("{number}. {name} ({mention}) · added").format(
            number=i, name=e.display_name, mention=f"<@{e.user_id}>"
        )
        for i, e in enumerate(roster[:ROSTER_SHOWN], start=1)
    ]
    if len(roster) > ROSTER_SHOWN:
        more = len(roster) - ROSTER_SHOWN
        lines.append(
            ngettext("… and {count} more.", "… and {count} more.", more).format(
                count=i18n.format_number(more)
            )
        )
    text = "\n".join(lines) or _("Nobody yet: students press **Join this class** on its card.")
    if dropped:
        text += "\n\n" + ngettext(
            "{count} member(s) who left the server were taken off the roster.",
            "{count} member(s) who left the server were taken off the roster.",
            dropped,
        ).format(count=i18n.format_number(dropped))
    embed = discord.Embed(
        title=ngettext(
            "Class {name}: {count} student(s)", "Class {name}: {count} student(s)", len(roster)
        ).format(name=info.name, count=i18n.format_number(len(roster))),
        description=rendering.clip(text, rendering.LIMITS.embed_description),
        colour=rendering.BLUE,
    )
    embed.set_footer(
        text=_("Private to you. 'added': added by a teacher; others joined themselves.")
    )
    return embed


class ClassesCog(commands.Cog, name="Classes"):
    group = app_commands.Group(name="class", description="Classes: rosters and the time zone")

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @group.command(name="create", description="Create a class tied to a channel (teachers)")
    @app_commands.describe(
        name="The class's name, e.g. 7B History", channel="Where its card goes (default: here)"
    )
    @teachers_only(N_("Only teachers can create classes."), outside_server=OUTSIDE_SERVER)
    async def create(
        self,
        interaction: discord.Interaction[Any],
        name: app_commands.Range[str, 1, 100],
        channel: discord.TextChannel | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # a teacher is a teacher of a server
        channel_id = channel.id if channel is not None else interaction.channel_id
        if channel_id is None or not name.strip():
            await tell(interaction, _("Name the class, and use the command in its channel."))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        info = await self.bot.repo.classes.create(
            interaction.guild_id, name, channel_id, interaction.user.id
        )
        if info is None:
            await tell(
                interaction, _("There is a class named **{name}** here already.").format(name=name)
            )
            return
        with i18n.using(server_language(interaction)):  # the whole channel reads the card
            view = DynamicView()
            view.add_item(JoinClass(info.id))
            embed = card_embed(info, display_name(interaction.user))
        target = channel or interaction.channel
        try:
            if not isinstance(target, discord.abc.Messageable):
                raise discord.ClientException("not a channel messages can be sent to")
            card = await target.send(embed=embed, view=view)
        except (discord.HTTPException, discord.ClientException):
            await tell(
                interaction,
                _(
                    "Class **{name}** is created, but its card could not be posted in "
                    "{channel}: check that the bot may send messages there."
                ).format(name=info.name, channel=f"<#{channel_id}>"),
            )
            return
        await self.bot.repo.classes.set_card(info.id, card.id)
        await tell(
            interaction,
            _(
                "Class **{name}** is created in {channel}; its card invites students "
                "to join. `/class add` puts a student on the roster yourself."
            ).format(name=info.name, channel=f"<#{channel_id}>"),
        )

    @group.command(name="add", description="Put a student on a class's roster (teachers)")
    @app_commands.describe(user="The student", class_name="The class (default: this channel's)")
    @app_commands.rename(class_name="class")
    @teachers_only(N_("Only teachers can add students to a class."), outside_server=OUTSIDE_SERVER)
    async def add(
        self,
        interaction: discord.Interaction[Any],
        user: discord.User | discord.Member,
        class_name: str | None = None,
    ) -> None:
        info = await self._class_for(interaction, class_name)
        if info is None:
            return
        added = await self.bot.repo.classes.add_member(
            info.id, user.id, display_name(user), interaction.user.id
        )
        await tell(
            interaction,
            (
                _("{user} is now in **{name}**.")
                if added
                else _("{user} is in **{name}** already.")
            ).format(user=user.mention, name=info.name),
        )

    @group.command(name="remove", description="Take a student off a class's roster (teachers)")
    @app_commands.describe(user="The student", class_name="The class (default: this channel's)")
    @app_commands.rename(class_name="class")
    @teachers_only(
        N_("Only teachers can remove students from a class."), outside_server=OUTSIDE_SERVER
    )
    async def remove(
        self,
        interaction: discord.Interaction[Any],
        user: discord.User | discord.Member,
        class_name: str | None = None,
    ) -> None:
        info = await self._class_for(interaction, class_name)
        if info is None:
            return
        removed = await self.bot.repo.classes.remove_member(info.id, user.id)
        await tell(
            interaction,
            (
                _("{user} is no longer in **{name}**. Their answers and scores are kept.")
                if removed
                else _("{user} was not in **{name}**.")
            ).format(user=user.mention, name=info.name),
        )

    @group.command(name="roster", description="Who is in a class, privately (teachers)")
    @app_commands.describe(class_name="The class (default: this channel's)")
    @app_commands.rename(class_name="class")
    @teachers_only(N_("Only teachers can see a class's roster."), outside_server=OUTSIDE_SERVER)
    async def roster(
        self, interaction: discord.Interaction[Any], class_name: str | None = None
    ) -> None:
        info = await self._class_for(interaction, class_name)
        if info is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        roster = await self.bot.repo.classes.roster(info.id)
        gone = await self._left_the_server(interaction.guild, roster)
        for user_id in gone:
            await self.bot.repo.classes.remove_member(info.id, user_id)
        kept = [e for e in roster if e.user_id not in gone]
        await interaction.followup.send(embed=roster_embed(info, kept, len(gone)), ephemeral=True)

    @group.command(name="timezone", description="The server's time zone for due dates (teachers)")
    @app_commands.describe(name="An IANA time zone, e.g. Europe/Paris or America/New_York")
    @teachers_only(N_("Only teachers can set the time zone."), outside_server=OUTSIDE_SERVER)
    async def timezone(self, interaction: discord.Interaction[Any], name: str) -> None:
        assert interaction.guild_id is not None  # a teacher is a teacher of a server
        try:
            zone = ZoneInfo(name.strip())
        except (ZoneInfoNotFoundError, ValueError):
            await tell(
                interaction,
                _(
                    "`{name}` is not a time zone I know. Use an IANA name such as "
                    "`Europe/London`, `America/Chicago` or `Asia/Tokyo` (the list offers them "
                    "as you type)."
                ).format(name=name),
            )
            return
        await self.bot.repo.classes.set_timezone(interaction.guild_id, zone.key)
        await tell(
            interaction,
            _("Due dates in this server are now read in **{zone}**.").format(zone=zone.key),
        )

    @group.command(
        name="accommodate", description="Extra time for a student in timed rounds (teachers)"
    )
    @app_commands.describe(
        user="The student", extra_time="How much longer they get to answer, or clear"
    )
    @app_commands.choices(
        extra_time=[
            app_commands.Choice(name=name, value=value)
            for name, value in (
                ("1.25x", "1.25"),
                ("1.5x", "1.5"),
                ("2x", "2"),
                ("3x", "3"),
                ("clear", "clear"),
            )
        ]
    )
    @teachers_only(N_("Only teachers can give extra time."), outside_server=OUTSIDE_SERVER)
    async def accommodate(
        self,
        interaction: discord.Interaction[Any],
        user: discord.User | discord.Member,
        extra_time: app_commands.Choice[str],
    ) -> None:
        assert interaction.guild_id is not None  # a teacher is a teacher of a server
        factor = None if extra_time.value == "clear" else float(extra_time.value)
        await self.bot.repo.classes.set_extra_time(
            interaction.guild_id, user.id, factor, interaction.user.id
        )
        await tell(
            interaction,
            _("{user} no longer has extra time.").format(user=user.mention)
            if factor is None
            # Translators: {factor} is a multiple of the usual time, e.g. 1.5x.
            else _(
                "{user} now has **{factor}** the time to answer in this "
                "server's live rounds: their answer counts if it comes within it, and the round "
                "waits for them before revealing (unless you reveal). Other students never see "
                "this. It applies to rounds started from now on."
            ).format(user=user.mention, factor=extra_time.name),
        )

    @group.command(
        name="language", description="The language of a class's public messages (teachers)"
    )
    @app_commands.describe(
        language="Live rounds and homework cards of the class are written in it",
        class_name="The class (default: this channel's)",
    )
    @app_commands.rename(class_name="class")
    @app_commands.choices(
        language=[app_commands.Choice(name=name, value=value) for name, value in LANGUAGE_CHOICES]
    )
    @teachers_only(N_("Only teachers can set a class's language."), outside_server=OUTSIDE_SERVER)
    async def language(
        self,
        interaction: discord.Interaction[Any],
        language: app_commands.Choice[str],
        class_name: str | None = None,
    ) -> None:
        info = await self._class_for(interaction, class_name)
        if info is None:
            return
        chosen = None if language.value == SERVER_DEFAULT else i18n.language_for(language.value)
        await self.bot.repo.classes.set_language(info.id, chosen)
        await tell(
            interaction,
            _(
                "**{name}** follows the server's language again: live rounds in {channel} and "
                "its homework are written in the language of the server's Discord settings."
            ).format(name=info.name, channel=f"<#{info.channel_id}>")
            if chosen is None
            # Translators: {language} is the language's name, e.g. German.
            else _(
                "**{name}** now reads the bot in **{language}**: live rounds started in "
                "{channel}, its homework cards and reminders. Each student's private replies "
                "stay in their own Discord language."
            ).format(
                name=info.name, language=i18n.language_name(chosen), channel=f"<#{info.channel_id}>"
            ),
        )

    @timezone.autocomplete("name")
    async def _timezone_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.casefold().replace(" ", "_")
        names = sorted(z for z in _zones() if wanted in z.casefold())
        return [app_commands.Choice(name=z, value=z) for z in names[:25]]

    @add.autocomplete("class_name")
    @remove.autocomplete("class_name")
    @roster.autocomplete("class_name")
    @language.autocomplete("class_name")
    async def _class_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        classes = await self.bot.repo.classes.of_guild(interaction.guild_id)
        wanted = current.casefold()
        return [
            app_commands.Choice(name=c.name, value=c.name)
            for c in classes
            if wanted in c.name.casefold()
        ][:25]

    # -- the card's button ----------------------------------------------------------------

    async def join(self, interaction: discord.Interaction[Any], class_id: int) -> None:
        info = await self.bot.repo.classes.get(class_id)
        if info is None or info.guild_id != interaction.guild_id:
            await tell(interaction, _("This class no longer exists."))
            return
        joined = await self.bot.repo.classes.add_member(
            info.id, interaction.user.id, display_name(interaction.user), None
        )
        await tell(
            interaction,
            _("You joined **{name}**. Its homework is posted in {channel}.").format(
                name=info.name, channel=f"<#{info.channel_id}>"
            )
            if joined
            else _("You are in **{name}** already.").format(name=info.name),
        )

    # -- helpers -----------------------------------------------------------------------------

    async def _class_for(
        self, interaction: discord.Interaction[Any], name: str | None
    ) -> ClassInfo | None:
        """The class named, else the one of this channel, else the server's only one; or
        None, having told the teacher what to name."""
        assert interaction.guild_id is not None  # guarded: teachers of a server
        classes = await self.bot.repo.classes.of_guild(interaction.guild_id)
        if name is not None:
            found = await self.bot.repo.classes.named(interaction.guild_id, name)
            if found is None:
                await tell(
                    interaction,
                    _("There is no class **{name}** here (classes: {classes}).").format(
                        name=name, classes=", ".join(f"**{c.name}**" for c in classes)
                    )
                    if classes
                    else _("There is no class **{name}** here (classes: none yet).").format(
                        name=name
                    ),
                )
            return found
        here = [c for c in classes if c.channel_id == interaction.channel_id]
        if len(here) == 1:
            return here[0]
        if len(classes) == 1:
            return classes[0]
        await tell(
            interaction,
            _("Name the class with `class:` (classes: {classes}).").format(
                classes=", ".join(c.name for c in classes)
            )
            if classes
            else _("Name the class with `class:`. There is none yet: `/class create` makes one."),
        )
        return None

    @staticmethod
    async def _left_the_server(guild: discord.Guild | None, roster: list[RosterEntry]) -> set[int]:
        """Roster members Discord says are no longer in the server (asked one by one: the
        bot has no member list)."""
        if guild is None:
            return set()

        async def gone(user_id: int) -> bool:
            if guild.get_member(user_id) is not None:
                return False
            try:
                await guild.fetch_member(user_id)
            except discord.NotFound:
                return True
            except discord.HTTPException:
                return False  # unsure: keep them
            return False

        verdicts = await asyncio.gather(*(gone(e.user_id) for e in roster))
        return {e.user_id for e, left in zip(roster, verdicts, strict=True) if left}


_ZONES: list[str] = []


def _zones() -> list[str]:
    if not _ZONES:  # read once, on first use (not at import)
        _ZONES.extend(available_timezones())
    return _ZONES


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(ClassesCog(bot))
    bot.add_dynamic_items(JoinClass)
