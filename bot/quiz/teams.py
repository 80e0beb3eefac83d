"""Teams in a live round: who is placed where, and how teams rank.

A team's score is the mean of its members' points, so that a bigger team does not win by
being bigger. A student who answers before picking a team joins the smallest one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from bot.i18n import N_

MIN_TEAMS, MAX_TEAMS = 2, 6
# Translated where shown; each name keeps its colour's emoji, which tells the teams apart.
TEAM_NAMES = (
    # Translators: a team's name; keep the emoji.
    N_("🔴 Red"),
    N_("🔵 Blue"),
    N_("🟢 Green"),
    N_("🟡 Yellow"),
    N_("🟣 Purple"),
    N_("🟠 Orange"),
)


@dataclass(frozen=True, slots=True)
class TeamStanding:
    rank: int  # 1 is best; equal means share a rank
    team: int  # 0-based
    mean: float  # the members' mean points
    members: int

    @property
    def name(self) -> str:
        """The team's name in English (translated where shown)."""
        return TEAM_NAMES[self.team]


def smallest_team(members: Mapping[int, int], count: int) -> int:
    """The team with the fewest members (the first of those, on a tie)."""
    sizes = Counter(members.values())
    return min(range(count), key=lambda team: (sizes[team], team))


def team_standings(
    members: Mapping[int, int], totals: Mapping[int, int], count: int
) -> list[TeamStanding]:
    """Teams with at least one member, best mean first; a member with no points counts 0."""
    scores: dict[int, list[int]] = {}
    for user, team in members.items():
        if 0 <= team < count:
            scores.setdefault(team, []).append(totals.get(user, 0))
    means = sorted(
        (
            (round(sum(points) / len(points), 1), team, len(points))
            for team, points in scores.items()
        ),
        key=lambda item: (-item[0], item[1]),
    )
    standings: list[TeamStanding] = []
    for position, (mean, team, size) in enumerate(means, start=1):
        rank = standings[-1].rank if standings and standings[-1].mean == mean else position
        standings.append(TeamStanding(rank, team, mean, size))
    return standings


def winners(standings: list[TeamStanding]) -> list[TeamStanding]:
    return [s for s in standings if s.rank == 1]
