"""Teams of live rounds: how many a round has, and who joined which (kept, so that a
round resumed after a restart keeps its teams)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.dialect import insert_for
from bot.storage.tables import TeamMember, TeamRound


class Teams:
    """Reached as `Repository.teams`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def start(self, session_id: str, teams: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                insert_for(conn.dialect)(TeamRound)
                .values(session_id=session_id, teams=teams)
                .on_conflict_do_nothing(index_elements=["session_id"])
            )

    async def count(self, session_id: str) -> int | None:
        """How many teams the round has; None: not a team round."""
        async with self.engine.connect() as conn:
            return (
                await conn.execute(
                    select(TeamRound.teams).where(TeamRound.session_id == session_id)
                )
            ).scalar()

    async def join(self, session_id: str, user_id: int, team: int) -> int:
        """Put a student in a team unless they are in one already; the team they are in."""
        async with self.engine.begin() as conn:
            await conn.execute(
                insert_for(conn.dialect)(TeamMember)
                .values(session_id=session_id, user_id=user_id, team=team)
                .on_conflict_do_nothing(index_elements=["session_id", "user_id"])
            )
            return (
                await conn.execute(
                    select(TeamMember.team).where(
                        TeamMember.session_id == session_id, TeamMember.user_id == user_id
                    )
                )
            ).scalar_one()

    async def members(self, session_id: str) -> dict[int, int]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(TeamMember.user_id, TeamMember.team).where(
                        TeamMember.session_id == session_id
                    )
                )
            ).all()
        return {int(user): int(team) for user, team in rows}
