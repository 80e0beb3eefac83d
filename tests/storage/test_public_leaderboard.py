"""The public leaderboard setting: off by default, per server, and kept with the others."""

from __future__ import annotations

from bot.storage.repository import Repository

GUILD = 4242
OTHER = 4343


async def test_off_until_a_server_turns_it_on(repo: Repository) -> None:
    assert await repo.public_leaderboard(GUILD) is False
    await repo.set_public_leaderboard(GUILD, True)
    assert await repo.public_leaderboard(GUILD) is True
    assert await repo.public_leaderboard(OTHER) is False  # another server is not affected
    await repo.set_public_leaderboard(GUILD, False)
    assert await repo.public_leaderboard(GUILD) is False


async def test_the_teacher_role_and_the_setting_keep_each_other(repo: Repository) -> None:
    await repo.set_teacher_role(GUILD, 77)
    assert await repo.public_leaderboard(GUILD) is False  # a settings row exists: still off
    await repo.set_public_leaderboard(GUILD, True)
    await repo.set_teacher_role(GUILD, 78)
    assert await repo.public_leaderboard(GUILD) is True
    assert await repo.teacher_role(GUILD) == 78
