"""A server's settings row (guild_settings): one value read, some values written.

The row is made on the first write; a server that never wrote one reads None.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import InstrumentedAttribute

from bot.storage.dialect import insert_for
from bot.storage.records import utcnow
from bot.storage.tables import GuildSettings


async def read_setting(
    engine: AsyncEngine, guild_id: int, column: InstrumentedAttribute[Any]
) -> Any:
    """One setting of a server (None when its row or the value is missing)."""
    async with engine.connect() as conn:
        return (
            await conn.execute(select(column).where(GuildSettings.guild_id == guild_id))
        ).scalar()


async def write_settings(engine: AsyncEngine, guild_id: int, **values: Any) -> None:
    """Set these columns of a server's row, making the row if it has none."""
    now = utcnow()
    async with engine.begin() as conn:
        stmt = insert_for(conn.dialect)(GuildSettings).values(
            guild_id=guild_id, updated_at=now, **values
        )
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["guild_id"], set_={**values, "updated_at": now}
            )
        )
