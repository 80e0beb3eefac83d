"""`/quiz dashboard` and `/quiz web-leaderboard` through the emulator, and the web pages their
links open: the bot's own context served on a real port, in the bot's loop, as WEB_PORT does."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
from pydantic import SecretStr
from yarl import URL

from bot.app import QuizBot
from bot.storage.records import AnswerRecord, StoredSession
from bot.web import access
from bot.web.application import make_app
from bot.web.server import WebContext, start_site
from tests.e2e.conftest import Classroom, said
from tests.quiz.conftest import BASE
from tests.web.server_thread import free_port

SECRET = "s3cret-for-the-tests-only"
LINK = re.compile(r"\((http://127\.0\.0\.1:\d+/open\?token=[^)\s]+)\)")


def with_web(room: Classroom) -> None:
    """WEB_SECRET set, and WEB_PORT a free port (no WEB_BASE_URL: links use this machine)."""
    room.settings = room.settings.model_copy(
        update={"web_secret": SecretStr(SECRET), "web_port": free_port()}
    )


@contextlib.asynccontextmanager
async def web_pages(bot: QuizBot) -> AsyncIterator[str]:
    ctx = WebContext(bot.settings, bot.catalog, bot.library, bot.repo)
    assert bot.settings.web_port is not None
    runner = await start_site(make_app(ctx), "127.0.0.1", bot.settings.web_port)
    try:
        yield f"http://127.0.0.1:{bot.settings.web_port}"
    finally:
        await runner.cleanup()


async def seed_answer(bot: QuizBot, guild_id: int, user_id: int, name: str) -> None:
    """One right answer of a finished live round, as the bot stores it."""
    session_id = f"{guild_id:032x}"[-32:]
    now = datetime.now(UTC)
    await bot.repo.save_session(
        StoredSession(
            session_id,
            guild_id,
            1,
            None,
            "icc-gaza-2014",
            "v",
            "live",
            1,
            1,
            ("icc-engages",),
            30,
            "finished",
            0,
            None,
            None,
            now,
        )
    )
    await bot.repo.record_answer(
        AnswerRecord(
            session_id,
            guild_id,
            user_id,
            name,
            "icc-gaza-2014",
            "v",
            "who-disclosed-talks",
            0,
            "live",
            "A",
            (0,),
            True,
            1000,
            0,
            900,
            now,
        )
    )
    await bot.repo.settle()


async def link_from(room: Classroom, teacher: object, channel: object) -> str:
    rec = await room.fake.slash(teacher, channel, "quiz dashboard")  # type: ignore[arg-type]
    assert rec.response.ephemeral and rec.acked_after < 3
    text = said(rec)
    found = LINK.search(text)
    assert found, text
    return found[1]


async def open_link(link: str) -> aiohttp.ClientSession:
    """A browser: the link opened, its cookie kept (unsafe: the jar keeps cookies of IPs)."""
    browser = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with browser.get(link) as landing:
        assert landing.status == 200
        assert "Continue to your server's pages" in await landing.text()
    return browser


async def test_a_teachers_link_opens_that_servers_pages_and_nothing_of_another(
    classroom: Classroom,
) -> None:
    with_web(classroom)
    fake = classroom.fake
    hillside = fake.add_guild("Hillside Academy")
    hill_room = hillside.add_channel("year-9")
    hill_teacher = hillside.add_member("Mr Hill", manage_guild=True)
    bot = await classroom.start_bot()
    riverside = classroom.guild.id
    await seed_answer(bot, riverside, classroom.students[0].user.id, "Riverside Ada")
    await seed_answer(bot, hillside.id, 9_000_001, "Hillside Bea")
    hidden = BASE.replace("demo-quiz", "hillside-only").replace("title: Demo", "title: Secret")
    uploaded = await bot.library.upload(
        hillside.id, "h.yaml", hidden.encode(), uploaded_by=hill_teacher.user.id
    )
    assert uploaded.ok
    hillside_things = ["Hillside", "Hillside Bea", "hillside-only", str(hillside.id)]

    async with web_pages(bot) as base:
        link = await link_from(classroom, classroom.teacher, classroom.channel)
        assert link.startswith(base)
        rec_text = said(await fake.slash(classroom.teacher, classroom.channel, "quiz dashboard"))
        assert "15 minutes" in rec_text and "only for this server" in rec_text
        assert "Don't share it" in rec_text and "only works on the bot's own machine" in rec_text

        browser = await open_link(link)
        async with browser:
            for page in ("", "leaderboard"):
                async with browser.get(f"{base}/servers/{riverside}/{page}") as response:
                    body = await response.text()
                    assert response.status == 200, (page, body)
                    for thing in hillside_things:
                        assert thing not in body, (page, thing)
            async with browser.get(f"{base}/servers/{riverside}/leaderboard") as response:
                assert "Riverside Ada" in await response.text()
            # The cookie is sent under Riverside's path only; sent by hand elsewhere, under
            # either name, Hillside's pages refuse it and say nothing of Hillside.
            cookies = browser.cookie_jar.filter_cookies(URL(f"{base}/servers/{riverside}/"))
            cookie = cookies[access.cookie_name(riverside)]
            for name in (access.cookie_name(riverside), access.cookie_name(hillside.id)):
                for page in ("", "leaderboard"):
                    async with browser.get(
                        f"{base}/servers/{hillside.id}/{page}",
                        headers={"Cookie": f"{name}={cookie.value}"},
                    ) as response:
                        body = await response.text()
                        assert response.status == 403, (name, page)
                        assert not [t for t in hillside_things if t in body], body

        # Hillside's teacher gets Hillside, and not Riverside.
        async with await open_link(await link_from(classroom, hill_teacher, hill_room)) as other:
            async with other.get(f"{base}/servers/{hillside.id}/leaderboard") as response:
                assert response.status == 200 and "Hillside Bea" in await response.text()
            async with other.get(f"{base}/servers/{riverside}/") as response:
                assert response.status == 403


async def test_a_student_gets_no_dashboard_link(classroom: Classroom) -> None:
    with_web(classroom)
    await classroom.start_bot()
    rec = await classroom.fake.slash(classroom.students[0], classroom.channel, "quiz dashboard")
    assert rec.response.ephemeral
    assert "Only teachers can open the dashboard." in said(rec)
    assert "/open?token=" not in said(rec)


async def test_without_web_secret_the_teacher_is_told_what_the_operator_must_set(
    classroom: Classroom,
) -> None:
    await classroom.start_bot()
    assert classroom.settings.web_secret is None
    rec = await classroom.fake.slash(classroom.teacher, classroom.channel, "quiz dashboard")
    assert rec.response.ephemeral and rec.acked_after < 3
    text = said(rec)
    assert "operator must set **WEB_SECRET**" in text and "WEB_BASE_URL" in text
    assert "/open?token=" not in text


async def test_the_public_leaderboard_is_off_until_the_server_turns_it_on(
    classroom: Classroom,
) -> None:
    with_web(classroom)
    fake, teacher = classroom.fake, classroom.teacher
    bot = await classroom.start_bot()
    guild = classroom.guild.id
    await seed_answer(bot, guild, classroom.students[0].user.id, "Riverside Ada")
    public = f"/public/{guild}/leaderboard"
    async with web_pages(bot) as base, aiohttp.ClientSession() as browser:
        async with browser.get(base + public) as response:
            assert response.status == 404 and "Riverside Ada" not in await response.text()

        refused = await fake.slash(
            classroom.students[0], classroom.channel, "quiz web-leaderboard", state="on"
        )
        assert "Only members with the Manage Server permission" in said(refused)
        assert not await bot.repo.public_leaderboard(guild)

        rec = await fake.slash(teacher, classroom.channel, "quiz web-leaderboard", state="on")
        assert rec.response.ephemeral
        assert f"{base}{public}" in said(rec) and "display names and ranks" in said(rec)
        async with browser.get(base + public) as response:
            assert response.status == 200 and "Riverside Ada" in await response.text()

        rec = await fake.slash(teacher, classroom.channel, "quiz web-leaderboard", state="off")
        assert "public leaderboard page is off" in said(rec)
        async with browser.get(base + public) as response:
            assert response.status == 404


async def test_with_a_public_address_the_link_is_also_a_button(classroom: Classroom) -> None:
    with_web(classroom)
    classroom.settings = classroom.settings.model_copy(
        update={"web_base_url": "https://quiz.example.org"}
    )
    await classroom.start_bot()
    rec = await classroom.fake.slash(classroom.teacher, classroom.channel, "quiz dashboard")
    assert rec.message is not None
    [button] = [c for row in rec.message.components for c in row["components"]]
    assert button["style"] == 5 and button["label"] == "Open the dashboard"
    assert button["url"].startswith("https://quiz.example.org/open?token=")
    assert f"({button['url']})" in said(rec)
    assert "only works on the bot's own machine" not in said(rec)
    opened = access.read_token(
        SECRET, access.LINK_SALT, button["url"].split("token=")[1], access.LINK_SECONDS
    )
    assert opened is not None
    assert (opened.guild_id, opened.teacher_id) == (classroom.guild.id, classroom.teacher.user.id)
