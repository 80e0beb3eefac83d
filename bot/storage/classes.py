"""Classes and their rosters, and a server's time zone.

Without the privileged member list, the bot learns who is in a class from the students
(the card's "Join" button) and from the teacher (`/class add`). A student who asks for
their data to be deleted leaves every roster (`Repository.delete_user_data`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import ColumnElement

from bot.storage.dialect import insert_for
from bot.storage.guild_settings import read_setting, write_settings
from bot.storage.records import utcnow
from bot.storage.tables import Accommodation, ClassMember, GuildSettings, SchoolClass


@dataclass(frozen=True, slots=True)
class ClassInfo:
    id: int
    guild_id: int
    name: str
    channel_id: int
    card_message_id: int | None
    members: int
    language: str | None = None  # what its channel reads; None: the server's locale


@dataclass(frozen=True, slots=True)
class RosterEntry:
    user_id: int
    display_name: str
    joined_at: datetime
    added_by: int | None  # None: joined with the class card's button


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class Classes:
    """The classes of every server. Reached as `Repository.classes`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create(
        self, guild_id: int, name: str, channel_id: int, created_by: int
    ) -> ClassInfo | None:
        """A new class; None when the server has one of that name already."""
        name = " ".join(name.split())
        try:
            async with self.engine.begin() as conn:
                result = await conn.execute(
                    insert_for(conn.dialect)(SchoolClass)
                    .values(
                        guild_id=guild_id,
                        name=name,
                        name_key=name_key(name),
                        channel_id=channel_id,
                        created_by=created_by,
                        created_at=utcnow(),
                    )
                    .returning(SchoolClass.id)
                )
                class_id = result.scalar_one()
        except IntegrityError:
            return None
        return ClassInfo(class_id, guild_id, name, channel_id, None, 0)

    async def set_card(self, class_id: int, message_id: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(SchoolClass)
                .where(SchoolClass.id == class_id)
                .values(card_message_id=message_id)
            )

    async def set_language(self, class_id: int, language: str | None) -> None:
        """The class's language (a catalog code); None: back to the server's locale."""
        async with self.engine.begin() as conn:
            await conn.execute(
                update(SchoolClass).where(SchoolClass.id == class_id).values(language=language)
            )

    async def channel_language(self, guild_id: int, channel_id: int) -> str | None:
        """The language set for the classes of this channel; None when none is set, or
        its classes differ (one without a language follows the server's locale)."""
        async with self.engine.connect() as conn:
            languages = set(
                (
                    await conn.execute(
                        select(SchoolClass.language).where(
                            SchoolClass.guild_id == guild_id, SchoolClass.channel_id == channel_id
                        )
                    )
                ).scalars()
            )
        return languages.pop() if len(languages) == 1 else None

    async def get(self, class_id: int) -> ClassInfo | None:
        found = await self._select(SchoolClass.id == class_id)
        return found[0] if found else None

    async def named(self, guild_id: int, name: str) -> ClassInfo | None:
        found = await self._select(
            SchoolClass.guild_id == guild_id, SchoolClass.name_key == name_key(name)
        )
        return found[0] if found else None

    async def of_guild(self, guild_id: int) -> list[ClassInfo]:
        return await self._select(SchoolClass.guild_id == guild_id)

    async def _select(self, *where: ColumnElement[bool]) -> list[ClassInfo]:
        members = (
            select(func.count()).where(ClassMember.class_id == SchoolClass.id).scalar_subquery()
        )
        stmt = (
            select(
                SchoolClass.id,
                SchoolClass.guild_id,
                SchoolClass.name,
                SchoolClass.channel_id,
                SchoolClass.card_message_id,
                members,
                SchoolClass.language,
            )
            .where(*where)
            .order_by(SchoolClass.name_key)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [ClassInfo(*row) for row in rows]

    async def add_member(
        self, class_id: int, user_id: int, display_name: str, added_by: int | None
    ) -> bool:
        """Put a student on the roster; False when they are on it already."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                insert_for(conn.dialect)(ClassMember)
                .values(
                    class_id=class_id,
                    user_id=user_id,
                    display_name=display_name[:100],
                    added_by=added_by,
                    joined_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["class_id", "user_id"])
            )
            return bool(result.rowcount)

    async def remove_member(self, class_id: int, user_id: int) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(
                delete(ClassMember).where(
                    ClassMember.class_id == class_id, ClassMember.user_id == user_id
                )
            )
            return bool(result.rowcount)

    async def roster(self, class_id: int) -> list[RosterEntry]:
        stmt = (
            select(
                ClassMember.user_id,
                ClassMember.display_name,
                ClassMember.joined_at,
                ClassMember.added_by,
            )
            .where(ClassMember.class_id == class_id)
            .order_by(func.lower(ClassMember.display_name), ClassMember.user_id)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [RosterEntry(*row) for row in rows]

    async def set_extra_time(
        self, guild_id: int, user_id: int, factor: float | None, set_by: int
    ) -> None:
        """A student's extra time in this server's timed rounds; None clears it."""
        async with self.engine.begin() as conn:
            if factor is None:
                await conn.execute(
                    delete(Accommodation).where(
                        Accommodation.guild_id == guild_id, Accommodation.user_id == user_id
                    )
                )
                return
            values = {"extra_time": factor, "set_by": set_by, "updated_at": utcnow()}
            await conn.execute(
                insert_for(conn.dialect)(Accommodation)
                .values(guild_id=guild_id, user_id=user_id, **values)
                .on_conflict_do_update(index_elements=["guild_id", "user_id"], set_=values)
            )

    async def extra_times(self, guild_id: int) -> dict[int, float]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(Accommodation.user_id, Accommodation.extra_time).where(
                        Accommodation.guild_id == guild_id
                    )
                )
            ).all()
        return {user: float(factor) for user, factor in rows}

    async def timezone(self, guild_id: int) -> str | None:
        return await read_setting(self.engine, guild_id, GuildSettings.timezone)

    async def set_timezone(self, guild_id: int, timezone: str | None) -> None:
        await write_settings(self.engine, guild_id, timezone=timezone)
