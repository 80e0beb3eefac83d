"""Classes and rosters, on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.storage.repository import Repository

GUILD, OTHER_GUILD, CHANNEL, TEACHER = 10, 20, 30, 1


async def test_a_class_is_named_once_per_server_whatever_the_case(repo: Repository) -> None:
    created = await repo.classes.create(GUILD, "  7B   History ", CHANNEL, TEACHER)
    assert created is not None and created.name == "7B History" and created.members == 0
    assert await repo.classes.create(GUILD, "7b history", CHANNEL, TEACHER) is None
    assert await repo.classes.create(OTHER_GUILD, "7B History", CHANNEL, TEACHER) is not None
    assert await repo.classes.named(GUILD, "7B  HISTORY") == created
    assert [c.name for c in await repo.classes.of_guild(GUILD)] == ["7B History"]
    await repo.classes.set_card(created.id, 99)
    found = await repo.classes.get(created.id)
    assert found is not None and found.card_message_id == 99


async def test_a_roster_counts_each_student_once_and_forgets_deleted_ones(
    repo: Repository,
) -> None:
    seven_b = await repo.classes.create(GUILD, "7B", CHANNEL, TEACHER)
    eight_a = await repo.classes.create(GUILD, "8A", CHANNEL + 1, TEACHER)
    assert seven_b is not None and eight_a is not None
    assert await repo.classes.add_member(seven_b.id, 5, "Zoe", None)
    assert not await repo.classes.add_member(seven_b.id, 5, "Zoe again", TEACHER)
    assert await repo.classes.add_member(seven_b.id, 6, "adam", TEACHER)
    assert await repo.classes.add_member(eight_a.id, 5, "Zoe", None)
    roster = await repo.classes.roster(seven_b.id)
    assert [(e.display_name, e.added_by) for e in roster] == [("adam", TEACHER), ("Zoe", None)]
    assert (await repo.classes.get(seven_b.id)).members == 2  # type: ignore[union-attr]

    assert await repo.classes.remove_member(seven_b.id, 6)
    assert not await repo.classes.remove_member(seven_b.id, 6)
    counts = await repo.delete_user_data(5)
    assert counts["class rosters"] == 2
    assert await repo.classes.roster(seven_b.id) == []
    assert await repo.classes.roster(eight_a.id) == []


async def test_a_servers_time_zone_is_kept_beside_its_teacher_role(repo: Repository) -> None:
    assert await repo.classes.timezone(GUILD) is None
    await repo.set_teacher_role(GUILD, 77)
    await repo.classes.set_timezone(GUILD, "Europe/Paris")
    assert await repo.classes.timezone(GUILD) == "Europe/Paris"
    assert await repo.teacher_role(GUILD) == 77
    await repo.set_teacher_role(GUILD, None)
    assert await repo.classes.timezone(GUILD) == "Europe/Paris"


async def test_a_class_keeps_its_language_until_it_is_cleared(repo: Repository) -> None:
    seven_b = await repo.classes.create(GUILD, "7B", CHANNEL, TEACHER)
    eight_a = await repo.classes.create(GUILD, "8A", CHANNEL + 1, TEACHER)
    assert seven_b is not None and eight_a is not None and seven_b.language is None
    assert await repo.classes.channel_language(GUILD, CHANNEL) is None

    await repo.classes.set_language(seven_b.id, "de")
    found = await repo.classes.get(seven_b.id)
    assert found is not None and found.language == "de"
    assert (await repo.classes.named(GUILD, "7b")).language == "de"  # type: ignore[union-attr]
    assert await repo.classes.channel_language(GUILD, CHANNEL) == "de"
    assert await repo.classes.channel_language(GUILD, CHANNEL + 1) is None
    assert await repo.classes.channel_language(OTHER_GUILD, CHANNEL) is None

    # Two classes in one channel: a language only when they agree.
    shared = await repo.classes.create(GUILD, "7C", CHANNEL, TEACHER)
    assert shared is not None
    assert await repo.classes.channel_language(GUILD, CHANNEL) is None
    await repo.classes.set_language(shared.id, "de")
    assert await repo.classes.channel_language(GUILD, CHANNEL) == "de"
    await repo.classes.set_language(shared.id, "fr")
    assert await repo.classes.channel_language(GUILD, CHANNEL) is None

    await repo.classes.set_language(seven_b.id, None)
    assert (await repo.classes.get(seven_b.id)).language is None  # type: ignore[union-attr]
    assert (await repo.classes.get(shared.id)).language == "fr"  # type: ignore[union-attr]
