"""Classes and rosters through the emulator, as a teacher and students would use them:
no member list (no privileged intent), so the roster is what students and the teacher
say, and the bot notices who has left when the roster is read."""

from __future__ import annotations

from tests.e2e.conftest import Classroom, said


async def test_a_teacher_makes_a_class_and_students_join_it(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    ana, ben, cleo, dev = classroom.students[:4]

    created = await fake.slash(teacher, channel, "class create", name="7B History")
    assert created.response.ephemeral
    assert (
        "Class **7B History** is created"
        in (await created.wait_for_original(lambda m: not m.loading)).text()
    )
    card = await fake.wait_for_message(channel, lambda m: "Class 7B History" in m.text())
    assert not card.ephemeral and "Join this class" in str(card.buttons)
    again = await fake.slash(teacher, channel, "class create", name="7b history")
    assert "already" in (await again.wait_for_original(lambda m: not m.loading)).text()

    # Students join with the card's button (twice is once); the teacher adds one more.
    join_id = card.buttons[0]["custom_id"]
    first = await fake.click(ana, card, join_id)
    assert first.response.ephemeral and "You joined **7B History**" in first.message.text()
    twice = await fake.click(ana, card, join_id)
    assert "already" in twice.message.text()
    await fake.click(ben, card, join_id)
    added = await fake.slash(teacher, channel, "class add", user=cleo.user)
    assert f"<@{cleo.user.id}> is now in **7B History**" in added.message.text()

    roster = await fake.slash(teacher, channel, "class roster")
    shown = await roster.wait_for_original(lambda m: not m.loading)
    assert roster.response.ephemeral and "3 student(s)" in shown.text()
    for student in (ana, ben, cleo):
        assert f"<@{student.user.id}>" in shown.text()
    assert f"<@{dev.user.id}>" not in shown.text()

    # Students are refused every teacher command, privately, and nothing changes.
    for command, options in (
        ("class create", {"name": "Mine"}),
        ("class add", {"user": dev.user}),
        ("class remove", {"user": ana.user}),
        ("class roster", {}),
        ("class timezone", {"name": "Europe/Paris"}),
    ):
        refused = await fake.slash(dev, channel, command, **options)
        assert refused.response.ephemeral and "Only teachers" in refused.message.text(), command
    classes = await bot.repo.classes.of_guild(classroom.guild.id)
    assert [(c.name, c.members) for c in classes] == [("7B History", 3)]
    assert await bot.repo.classes.timezone(classroom.guild.id) is None

    # A teacher takes one off; one leaves the server; one deletes their data.
    removed = await fake.slash(teacher, channel, "class remove", user=ben.user)
    assert "no longer in **7B History**" in removed.message.text()
    classroom.guild.remove_member(cleo)
    delete = await fake.slash(ana, channel, "privacy delete-my-data")
    await fake.click(ana, delete.message, f"privacy:delete:{ana.user.id}")
    await fake.world.notifier.wait_for(
        lambda: True if "class rosters: 1" in said(fake.interactions[-1]) else None,
        timeout=10,
        describe=lambda: said(fake.interactions[-1]),
    )
    roster = await fake.slash(teacher, channel, "class roster", _options={"class": "7B History"})
    shown = await roster.wait_for_original(lambda m: not m.loading)
    assert "0 student(s)" in shown.text()
    assert "1 member(s) who left the server were taken off the roster" in shown.text()
    assert await bot.repo.classes.roster(classes[0].id) == []


async def test_which_class_a_command_means_and_the_time_zone(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    other = classroom.guild.add_channel("class-8a")
    student = classroom.students[0]

    nothing = await fake.slash(teacher, channel, "class roster")
    assert "`/class create` makes one" in nothing.message.text()
    await fake.slash(teacher, channel, "class create", name="7B")
    await fake.wait_for_message(channel, lambda m: "Class 7B" in m.text())
    await fake.slash(teacher, channel, "class create", name="8A", channel=other)
    card = await fake.wait_for_message(other, lambda m: "Class 8A" in m.text())
    assert card.channel is other

    # In a class's channel, it is that class; elsewhere the class must be named.
    here = await fake.slash(teacher, channel, "class add", user=student.user)
    assert "now in **7B**" in here.message.text()
    lobby = classroom.guild.add_channel("lobby")
    unclear = await fake.slash(teacher, lobby, "class add", user=student.user)
    assert "Name the class" in unclear.message.text() and "7B" in unclear.message.text()
    named = await fake.slash(
        teacher, lobby, "class add", user=student.user, _options={"class": "8a"}
    )
    assert "now in **8A**" in named.message.text()
    unknown = await fake.slash(teacher, lobby, "class roster", _options={"class": "9C"})
    assert "no class **9C**" in unknown.message.text()

    bad = await fake.slash(teacher, channel, "class timezone", name="Mars/Olympus")
    assert "not a time zone I know" in bad.message.text()
    choices = await fake.autocomplete(
        teacher, channel, "class timezone", focused="name", value="paris"
    )
    assert "Europe/Paris" in [c["value"] for c in choices]
    good = await fake.slash(teacher, channel, "class timezone", name="Europe/Paris")
    assert "**Europe/Paris**" in good.message.text()
