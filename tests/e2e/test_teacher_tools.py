"""Uploads and reloads through the emulator, as teachers (and students) would try them."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bot.library import MAX_UPLOADS_PER_SERVER, UploadLimits
from tests.e2e.conftest import Classroom, right_response
from tests.fakediscord import Upload
from tests.quiz.conftest import BASE

SOURCE_FILE_QUIZ = (
    BASE[: BASE.index("  text: |")]
    + "  file: sources/demo.txt\n"
    + BASE[BASE.index("questions:") :]
)
DEMO_SOURCE = (
    b"The ICC prosecutor said Israel has agreed to engage with her office.\n\n"
    b"Health officials said more than 2,100 Palestinians died.\n"
)


async def test_upload_a_good_quiz_and_play_it(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, teacher = classroom.fake, classroom.teacher
    rec = await fake.slash(
        teacher, classroom.channel, "quiz upload", file=Upload("demo.yaml", BASE.encode())
    )
    assert rec.response.ephemeral and rec.acked_after < 3
    reply = await rec.wait_for_original(lambda m: not m.loading)
    assert "✅ Added: **Demo** (`demo-quiz`" in reply.text() and "1 question," in reply.text()
    listed = await fake.slash(classroom.students[0], classroom.channel, "quiz list")
    assert "`demo-quiz`" in listed.message.text() and "`icc-gaza-2014`" in listed.message.text()
    start = await fake.slash(
        classroom.students[0], classroom.channel, "quiz start", quiz="demo-quiz"
    )
    assert "Question 1 of 1" in start.message.text()

    # With the source as a second attachment, when the quiz names a source file.
    rec = await fake.slash(
        teacher,
        classroom.channel,
        "quiz upload",
        file=Upload("demo2.yaml", SOURCE_FILE_QUIZ.replace("demo-quiz", "demo-two").encode()),
        source=Upload("demo.txt", DEMO_SOURCE),
    )
    assert "✅ Added" in (await rec.wait_for_original(lambda m: not m.loading)).text()


async def test_broken_and_oversized_uploads_are_refused_with_the_reasons(
    classroom: Classroom,
) -> None:
    await classroom.start_bot()
    fake, teacher = classroom.fake, classroom.teacher
    broken = BASE.replace("prompt: Who", "promt: Who")
    rec = await fake.slash(
        teacher, classroom.channel, "quiz upload", file=Upload("broken.yaml", broken.encode())
    )
    text = (await rec.wait_for_original(lambda m: not m.loading)).text()
    assert "❌ `broken.yaml` was not added" in text
    assert (
        "broken.yaml:11:5: error: questions[0]: unknown key `promt`; did you mean `prompt`?" in text
    )
    big = BASE.encode() + b"#" * (256 * 1024)
    rec = await fake.slash(teacher, classroom.channel, "quiz upload", file=Upload("big.yaml", big))
    assert "at most 256 KiB" in (await rec.wait_for_original(lambda m: not m.loading)).text()
    taken = BASE.replace("id: demo-quiz", "id: icc-gaza-2014")
    rec = await fake.slash(
        teacher, classroom.channel, "quiz upload", file=Upload("mine.yaml", taken.encode())
    )
    assert (
        "is the id of a quiz every server has"
        in (await rec.wait_for_original(lambda m: not m.loading)).text()
    )
    needs_source = SOURCE_FILE_QUIZ
    rec = await fake.slash(
        teacher, classroom.channel, "quiz upload", file=Upload("s.yaml", needs_source.encode())
    )
    assert (
        "attach it as the `source`" in (await rec.wait_for_original(lambda m: not m.loading)).text()
    )
    assert await classroom.bot.repo.uploads(classroom.guild.id) == []


async def test_a_student_cannot_upload(classroom: Classroom) -> None:
    await classroom.start_bot()
    rec = await classroom.fake.slash(
        classroom.students[0],
        classroom.channel,
        "quiz upload",
        file=Upload("demo.yaml", BASE.encode()),
    )
    assert rec.response.ephemeral and "Only teachers can upload" in rec.message.text()
    assert await classroom.bot.repo.uploads() == []


async def upload(room: Classroom, member, channel, filename: str, text: str) -> str:
    """Upload as a teacher would, and wait for the bot's verdict."""
    rec = await room.fake.slash(
        member, channel, "quiz upload", file=Upload(filename, text.encode())
    )
    return (await rec.wait_for_original(lambda m: not m.loading)).text()


async def test_uploads_belong_to_their_server(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake = classroom.fake
    other = fake.add_guild("Hillside School")
    other_channel = other.add_channel("year-9")
    other_teacher = other.add_member("Mr Mensah", manage_guild=True)
    assert "✅ Added" in await upload(
        classroom, classroom.teacher, classroom.channel, "demo.yaml", BASE
    )

    # The other server neither sees nor plays it...
    listed = await fake.slash(other_teacher, other_channel, "quiz list")
    assert "demo-quiz" not in listed.message.text()
    refused = await fake.slash(other_teacher, other_channel, "quiz start", quiz="demo-quiz")
    assert "There is no quiz `demo-quiz` here" in refused.message.text()
    choices = await fake.autocomplete(
        other_teacher, other_channel, "quiz start", focused="quiz", value="demo"
    )
    assert "demo-quiz" not in [c["value"] for c in choices]
    # ...and its own quiz with the same id replaces nothing of the first server's.
    theirs = BASE.replace("title: Demo\n", "title: Hillside demo\n")
    assert "✅ Added" in await upload(classroom, other_teacher, other_channel, "demo.yaml", theirs)
    mine = await fake.slash(classroom.students[0], classroom.channel, "quiz list")
    assert (
        "**Demo** (`demo-quiz`, English)" in mine.message.text()
        and "Hillside" not in mine.message.text()
    )
    theirs_listed = await fake.slash(other_teacher, other_channel, "quiz list")
    assert "**Hillside demo** (`demo-quiz`, English)" in theirs_listed.message.text()


async def test_reupload_keeps_running_games_on_their_version(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    fake, teacher, student = classroom.fake, classroom.teacher, classroom.students[0]
    assert "✅ Added" in await upload(classroom, teacher, classroom.channel, "demo.yaml", BASE)
    start = await fake.slash(student, classroom.channel, "quiz start", quiz="demo-quiz")
    game = await classroom.game_of(start.message)
    first_version = game.loaded.version
    edited = BASE.replace("Who said it?", "Who said it, according to the text?")
    assert "Replaced with a new version" in await upload(
        classroom, teacher, classroom.channel, "demo.yaml", edited
    )
    assert bot.library.get(classroom.guild.id, "demo-quiz").version != first_version
    _, value = right_response(game)
    await fake.click(student, start.message, value)  # the game keeps the question it showed
    done = await start.message.wait_until(lambda m: m.embeds and "Correct" in m.embeds[0]["title"])
    assert game.loaded.version == first_version and "Correct" in done.text()
    versions = await bot.repo.uploads(classroom.guild.id, active_only=False)
    assert [(u.version == first_version, u.active) for u in versions] == [
        (True, False),
        (False, True),
    ]


async def test_reload_and_watching_the_quiz_directory(classroom: Classroom, tmp_path: Path) -> None:
    import shutil

    quizzes = tmp_path / "quizzes"
    shutil.copytree(Path(__file__).resolve().parents[2] / "quizzes", quizzes)
    classroom.settings.quiz_dir = quizzes
    bot = await classroom.start_bot()
    fake, teacher, student = classroom.fake, classroom.teacher, classroom.students[0]
    start = await fake.slash(
        student, classroom.channel, "quiz start", quiz="icc-gaza-2014", count=2
    )
    game = await classroom.game_of(start.message)
    running_version = game.loaded.version

    # A teacher breaks the file: the last good version keeps serving, and the reload says why.
    path = quizzes / "icc-gaza-2014.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("prompt:", "promt:", 1), encoding="utf-8")
    refused = await fake.slash(student, classroom.channel, "quiz reload")
    assert "Only teachers can reload" in refused.message.text()
    rec = await fake.slash(teacher, classroom.channel, "quiz reload")
    text = (await rec.wait_for_original(lambda m: not m.loading)).text()
    assert "Broken edits keep their last good version: `icc-gaza-2014`" in text
    assert "unknown key `promt`; did you mean `prompt`?" in text
    assert bot.library.get(classroom.guild.id, "icc-gaza-2014").version == running_version

    # A good edit is picked up by the watcher on its own; the running game keeps its version.
    path.write_text(
        good.replace("title: Israel, the ICC", "title: Israel and the ICC", 1), encoding="utf-8"
    )
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    for _ in range(300):
        served = bot.library.get(classroom.guild.id, "icc-gaza-2014")
        if served.version != running_version:
            break
        await asyncio.sleep(0.05)
    assert served.quiz.title.startswith("Israel and the ICC")
    assert game.loaded.version == running_version
    kind, value = right_response(game)
    if kind == "click":
        await fake.click(student, start.message, value)
        await start.message.wait_until(lambda m: m.embeds and "Correct" in m.embeds[0]["title"])


async def test_the_upload_limit(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    bot.library.limits = UploadLimits(per_teacher_per_hour=100, per_server_per_hour=100)
    for i in range(MAX_UPLOADS_PER_SERVER):
        result = await bot.library.upload(
            classroom.guild.id,
            f"q{i}.yaml",
            BASE.replace("demo-quiz", f"quiz-{i}").encode(),
            uploaded_by=1,
        )
        assert result.ok
    rec = await classroom.fake.slash(
        classroom.teacher,
        classroom.channel,
        "quiz upload",
        file=Upload("one-more.yaml", BASE.encode()),
    )
    assert "the most it may keep" in (await rec.wait_for_original(lambda m: not m.loading)).text()
    again = await bot.library.upload(
        classroom.guild.id,
        "q0.yaml",
        BASE.replace("demo-quiz", "quiz-0").replace("Demo\n", "Again\n").encode(),
        uploaded_by=1,
    )
    assert again.ok and again.replaced  # replacing one of them is fine


async def test_a_version_a_game_uses_outlives_pruning_and_the_game_resumes(
    classroom: Classroom,
) -> None:
    bot = await classroom.start_bot()
    fake, teacher, student = classroom.fake, classroom.teacher, classroom.students[0]
    assert "✅ Added" in await upload(classroom, teacher, classroom.channel, "demo.yaml", BASE)
    start = await fake.slash(student, classroom.channel, "quiz start", quiz="demo-quiz")
    played = (await classroom.game_of(start.message)).loaded.version
    for i in range(6):  # more edits than the versions kept
        edited = BASE.replace("title: Demo\n", f"title: Demo, edit {i}\n")
        assert "Replaced" in await upload(
            classroom, teacher, classroom.channel, "demo.yaml", edited
        )
    kept = await bot.repo.uploads(classroom.guild.id, active_only=False)
    titles = [u.content.decode().split("\n")[1] for u in kept]
    assert titles == ["title: Demo", *(f"title: Demo, edit {i}" for i in range(2, 6))]
    assert kept[0].version == played and not kept[0].active

    # After a restart the game goes on with the version it started with.
    await classroom.stop_bot()
    bot = await classroom.start_bot()
    assert bot.library.get(classroom.guild.id, "demo-quiz").quiz.title == "Demo, edit 5"
    game = await classroom.game_of(start.message)
    assert game.loaded.version == played and game.loaded.quiz.title == "Demo"
    _, value = right_response(game)
    await fake.click(student, start.message, value)
    await start.message.wait_until(lambda m: m.embeds and "Correct" in m.embeds[0]["title"])


async def test_the_upload_limits_tell_the_teacher_when_to_try_again(
    classroom: Classroom,
) -> None:
    bot = await classroom.start_bot()
    teacher, channel = classroom.teacher, classroom.channel
    bot.library.limits = UploadLimits(per_teacher_per_hour=2, per_server_per_hour=3)
    assert "✅ Added" in await upload(classroom, teacher, channel, "demo.yaml", BASE)
    broken = BASE.replace("prompt: Who", "promt: Who")
    assert "was not added" in await upload(classroom, teacher, channel, "b.yaml", broken)
    text = await upload(classroom, teacher, channel, "demo.yaml", BASE)
    assert text.startswith(
        "❌ `demo.yaml` was not added: you have uploaded 2 files in the last hour, the most "
        "one teacher may (files that were refused count too). You can upload again in 60 "
        "minutes, at <t:"
    ), text

    colleague = classroom.guild.add_member("Mr Adeyemi", manage_guild=True)
    assert "✅" in await upload(classroom, colleague, channel, "demo.yaml", BASE)
    text = await upload(classroom, colleague, channel, "demo.yaml", BASE)
    assert text.startswith(
        "❌ `demo.yaml` was not added: this server's teachers have uploaded 3 files in the "
        "last hour, the most one server may. You can upload again in 60 minutes, at <t:"
    ), text

    bot.library.limits = UploadLimits(server_bytes=1000)
    bigger = BASE.replace("demo-quiz", "demo-two") + "#" * 1000 + "\n"
    text = await upload(classroom, colleague, channel, "two.yaml", bigger)
    assert (
        text.startswith(
            "❌ `two.yaml` was not added: this server's uploaded quizzes would then take "
        )
        and "a server may keep" in text
        and "`/quiz remove`" in text
    ), text


async def seed_class_answers(room: Classroom) -> int:
    """Five students answer the first three questions of the ICC quiz, some right, some wrong."""
    from datetime import UTC, datetime

    from bot.storage.records import AnswerRecord, StoredSession

    repo, quiz = room.bot.repo, room.bot.library.get(room.guild.id, "icc-gaza-2014")
    questions = quiz.quiz.questions[:3]
    when = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    await repo.save_session(
        StoredSession(
            "e" * 32,
            room.guild.id,
            room.channel.id,
            None,
            quiz.id,
            quiz.version,
            "live",
            1,
            room.teacher.user.id,
            tuple(q.id for q in questions),
            30,
            "finished",
            2,
            None,
            None,
            when,
        )
    )
    count = 0
    for s, student in enumerate(room.students[:5]):
        for q_index, q in enumerate(questions):
            right = (s + q_index) % 3 != 0
            await repo.record_answer(
                AnswerRecord(
                    "e" * 32,
                    room.guild.id,
                    student.user.id,
                    student.user.global_name,
                    quiz.id,
                    quiz.version,
                    q.id,
                    q_index,
                    "live",
                    "=SUM(A1)" if not right else "B",
                    (1,) if not right else (0,),
                    right,
                    10 if right else 0,
                    0,
                    1500 + 100 * s,
                    when,
                )
            )
            count += 1
    await repo.settle()
    return count


async def test_report_and_export_for_teachers_only(classroom: Classroom) -> None:
    import csv
    import io

    await classroom.start_bot()
    fake = classroom.fake
    answered = await seed_class_answers(classroom)

    refused = await fake.slash(
        classroom.students[0], classroom.channel, "quiz report", quiz="icc-gaza-2014"
    )
    assert "Only teachers can see reports" in refused.message.text()
    refused = await fake.slash(classroom.students[0], classroom.channel, "quiz export")
    assert "Only teachers can export" in refused.message.text()

    rec = await fake.slash(
        classroom.teacher, classroom.channel, "quiz report", quiz="icc-gaza-2014"
    )
    assert rec.acked_after < 3
    report = await rec.wait_for_original(lambda m: not m.loading)
    text = report.text()
    assert "Report: Israel, the ICC and the 2014 Gaza war" in text
    assert "5 students" in text
    [chart] = report.attachments
    assert chart.filename == "report.png" and chart.data.startswith(b"\x89PNG")
    width, height = chart.image_size()
    assert width > 400 and height > 200

    rec = await fake.slash(classroom.teacher, classroom.channel, "quiz export")
    export = await rec.wait_for_original(lambda m: not m.loading)
    files = {a.filename.rsplit("-", 1)[-1]: a for a in export.attachments}
    answers_file = next(a for a in export.attachments if not a.filename.endswith("-students.csv"))
    students_file = next(a for a in export.attachments if a.filename.endswith("-students.csv"))
    assert files and answers_file.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    rows = list(csv.DictReader(io.StringIO(answers_file.data.decode("utf-8-sig"))))
    assert len(rows) == answered
    assert {r["display_name"] for r in rows} == {s.user.global_name for s in classroom.students[:5]}
    assert all(not r["answer"].startswith("=") for r in rows)  # injection escaped
    assert any(r["answer"] == "'=SUM(A1)" for r in rows)
    summary = list(csv.DictReader(io.StringIO(students_file.data.decode("utf-8-sig"))))
    assert len(summary) == 5


async def test_remove_an_upload_and_clear_the_teacher_role(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    fake, teacher, student = classroom.fake, classroom.teacher, classroom.students[0]
    assert "✅ Added" in await upload(classroom, teacher, classroom.channel, "demo.yaml", BASE)
    start = await fake.slash(student, classroom.channel, "quiz start", quiz="demo-quiz")
    game = await classroom.game_of(start.message)
    refused = await fake.slash(student, classroom.channel, "quiz remove", quiz="demo-quiz")
    assert "Only teachers can remove" in refused.message.text()
    shared = await fake.slash(teacher, classroom.channel, "quiz remove", quiz="icc-gaza-2014")
    assert "is not a quiz this server uploaded" in shared.message.text()
    removed = await fake.slash(teacher, classroom.channel, "quiz remove", quiz="demo-quiz")
    assert "Removed `demo-quiz`" in removed.message.text()
    listed = await fake.slash(student, classroom.channel, "quiz list")
    assert "demo-quiz" not in listed.message.text()
    _, value = right_response(game)  # the running game finishes with it
    await fake.click(student, start.message, value)
    await start.message.wait_until(lambda m: m.embeds and "Correct" in m.embeds[0]["title"])
    assert await bot.repo.uploads(classroom.guild.id) == []

    helpers = classroom.guild.add_role("Helpers")
    await fake.slash(teacher, classroom.channel, "quiz teacher-role", role=helpers)
    assert await bot.repo.teacher_role(classroom.guild.id) == helpers.id
    cleared = await fake.slash(teacher, classroom.channel, "quiz teacher-role")
    assert "No role counts as teacher any more" in cleared.message.text()
    assert await bot.repo.teacher_role(classroom.guild.id) is None


async def test_the_bot_takes_its_upload_limits_from_the_settings(classroom: Classroom) -> None:
    classroom.settings = classroom.settings.model_copy(
        update={
            "uploads_per_teacher_per_hour": 2,
            "uploads_per_server_per_hour": 7,
            "upload_storage_mb": 3.5,
            "upload_versions_kept": 1,
            "upload_check_seconds": 9.0,
        }
    )
    bot = await classroom.start_bot()
    limits = bot.library.limits
    assert (limits.per_teacher_per_hour, limits.per_server_per_hour) == (2, 7)
    assert limits.versions_kept == 1 and limits.check_seconds == 9.0
    assert limits.server_bytes == 3_500_000
