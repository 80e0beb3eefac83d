"""`/quiz export-quiz` through the emulator: a teacher gets the file, a student is refused."""

from __future__ import annotations

import io
import zipfile

from tests.e2e.conftest import Classroom


async def test_a_teacher_gets_the_quiz_as_a_file_and_a_student_is_refused(
    classroom: Classroom,
) -> None:
    await classroom.start_bot()
    fake = classroom.fake

    refused = await fake.slash(
        classroom.students[0],
        classroom.channel,
        "quiz export-quiz",
        quiz="icc-gaza-2014",
        format="anki",
    )
    assert refused.response.ephemeral
    assert "Only teachers can export quizzes" in refused.message.text()
    assert not refused.message.attachments

    rec = await fake.slash(
        classroom.teacher, classroom.channel, "quiz export-quiz", quiz="icc-gaza-2014", format="qti"
    )
    assert rec.acked_after < 3
    reply = await rec.wait_for_original(lambda m: not m.loading)
    assert rec.response.ephemeral
    [package] = reply.attachments
    assert package.filename == "icc-gaza-2014.qti.zip"
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        assert "imsmanifest.xml" in archive.namelist()
    text = reply.text()
    assert "Israel, the ICC and the 2014 Gaza war" in text
    assert "the format could not carry" in text
