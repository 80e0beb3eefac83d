"""Team placement and standings: the mean of the members' points decides, not team size."""

from __future__ import annotations

from bot.quiz.teams import smallest_team, team_standings, winners


def test_a_newcomer_joins_the_smallest_team_the_first_on_a_tie() -> None:
    assert smallest_team({}, 3) == 0
    assert smallest_team({1: 0, 2: 0, 3: 1}, 3) == 2
    assert smallest_team({1: 0, 2: 1, 3: 2}, 3) == 0


def test_the_mean_decides_so_a_big_team_does_not_win_by_size() -> None:
    members = {1: 0, 2: 0, 3: 0, 4: 1}  # three in Red, one in Blue
    totals = {1: 10, 2: 10, 3: 0, 4: 15}  # Red has 20 points in all, Blue 15
    standings = team_standings(members, totals, 2)
    assert [(s.name, s.rank, s.mean, s.members) for s in standings] == [
        ("🔵 Blue", 1, 15.0, 1),
        ("🔴 Red", 2, 6.7, 3),
    ]
    assert [w.name for w in winners(standings)] == ["🔵 Blue"]


def test_equal_means_share_a_rank_and_empty_teams_are_left_out() -> None:
    standings = team_standings({1: 0, 2: 2}, {1: 10, 2: 10}, 3)
    assert [(s.team, s.rank) for s in standings] == [(0, 1), (2, 1)]
    assert len(winners(standings)) == 2
