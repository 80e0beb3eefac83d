"""The preview over HTTP: the pages, who may read them, CSRF, and Play through the engine."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.quiz.catalog import Catalog
from bot.quiz.models import ChoiceQuestion, NumberQuestion, ShortAnswerQuestion
from bot.quiz.presentation import LETTERS, ShownQuestion, question_text
from bot.web import play as plays
from bot.web.application import make_app
from bot.web.discord_html import markdown
from bot.web.server import CONTEXT, WebContext

QUIZ = "icc-gaza-2014"
QUIZ_FILE = "icc-gaza-2014.yaml"


def _context(quiz_dir: Path, *, public: bool = False) -> WebContext:
    settings = Settings(
        _env_file=None,  # pyright: ignore[reportCallIssue]
        quiz_dir=quiz_dir,
        web_preview_public=public,
    )
    catalog = Catalog(quiz_dir)
    catalog.reload()
    return WebContext(settings, catalog)


@pytest.fixture
async def client(quiz_dir: Path) -> AsyncIterator[TestClient[object, object]]:
    async with TestClient(TestServer(make_app(_context(quiz_dir)))) as c:
        yield c


def ctx_of(client: TestClient) -> WebContext:
    app = client.app
    assert app is not None
    return app[CONTEXT]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found is not None, "the page has no form"
    return found[1]


def controls(html: str) -> list[str]:
    return re.findall(r'name="custom_id" value="([^"]+)"', html)


async def test_home_lists_each_file_with_its_quiz_and_state(client: TestClient) -> None:
    response = await client.get("/")
    html = await response.text()
    assert response.status == 200
    row = html[html.index(f"<code>{QUIZ_FILE}</code>") :]
    assert f'<a href="/quizzes/{QUIZ}">' in html
    assert "Israel, the ICC and the 2014 Gaza war" in row
    assert '<td class="num">34</td>' in row
    assert '<span class="ok">valid</span>' in row
    assert 'data-live="all"' in html


async def test_every_question_is_drawn_with_the_bots_texts(client: TestClient) -> None:
    catalog = ctx_of(client).catalog
    quiz = catalog.quizzes[QUIZ].quiz
    html = await (await client.get(f"/quizzes/{QUIZ}")).text()
    sections = html.split('<section class="question"')[1:]
    assert len(sections) == len(quiz.questions) == 34
    for question, section in zip(quiz.questions, sections, strict=True):
        shown = ShownQuestion.in_file_order(question)
        assert markdown(question_text(shown)) in section, question.id
        letters = re.findall(r'type="button" disabled>([A-J])</button>', section)
        if isinstance(question, ChoiceQuestion) and question.select_all:
            assert re.search(r"<select[^>]+multiple", section), question.id
            labels = re.findall(r'<option value="\d+">([A-J])\. ', section)
            assert labels == list(LETTERS[: len(question.choices)])
        elif shown.options():
            assert letters == [name for name, _ in shown.options()], question.id
        else:
            assert 'maxlength="200"' in section and "Type your answer" in section, question.id
            label = "Your number" if isinstance(question, NumberQuestion) else "Your answer"
            assert f">{label}</label>" in section
        if isinstance(question, ShortAnswerQuestion):
            assert all(f"<q>{a}</q>" in section for a in question.answers)
    assert f'data-live-file="{catalog.files()[0].result.origin}"' in html
    assert f'data-live-quiz="{QUIZ}"' in html


async def test_a_broken_file_shows_its_error_at_its_line(
    client: TestClient, quiz_dir: Path
) -> None:
    path = quiz_dir / QUIZ_FILE
    lines = path.read_text().splitlines()
    at = lines.index("title: Israel, the ICC and the 2014 Gaza war")
    lines[at] = "  title: badly indented"
    path.write_text("\n".join(lines) + "\n")
    ctx_of(client).catalog.reload()

    home = await (await client.get("/")).text()
    assert re.search(rf"<code>[^<]*{QUIZ_FILE}:{at + 1}:\d+</code>", home), home
    assert "players still get the last good version" in home

    page = await (await client.get(f"/quizzes/{QUIZ}")).text()
    assert '<section class="question"' not in page  # not the last good version
    marked = re.findall(r'<span class="line error" data-line="(\d+)">', page)
    assert str(at + 1) in marked
    assert "  title: badly indented" in page


async def test_a_file_that_was_never_valid_has_a_page_by_its_path(
    client: TestClient, quiz_dir: Path
) -> None:
    (quiz_dir / "draft.yaml").write_text("id: draft\ntitle: [unclosed\n")
    ctx_of(client).catalog.reload()
    home = await (await client.get("/")).text()
    assert '<a href="/files/draft.yaml">' in home
    page = await client.get("/files/draft.yaml")
    html = await page.text()
    assert page.status == 200
    assert "No quiz is served from this file" in html
    assert 'class="line error"' in html
    # A valid file's path leads to its quiz.
    valid = await client.get(f"/files/{QUIZ_FILE}", allow_redirects=False)
    assert (valid.status, valid.headers["Location"]) == (303, f"/quizzes/{QUIZ}")


async def test_an_unknown_quiz_is_a_helpful_404(client: TestClient) -> None:
    response = await client.get("/quizzes/icc-gaza-2015")
    text = await response.text()
    assert response.status == 404
    assert "There is no quiz `icc-gaza-2015`" in text
    assert QUIZ in text  # the id it was probably meant to be
    assert "at /" in text


async def test_play_refused_without_its_csrf_token(client: TestClient) -> None:
    ctx: WebContext = ctx_of(client)
    await client.get(f"/quizzes/{QUIZ}")  # the browser has its cookie
    missing = await client.post(f"/quizzes/{QUIZ}/play", data={})
    wrong = await client.post(f"/quizzes/{QUIZ}/play", data={"csrf": "0" * 64})
    assert (missing.status, wrong.status) == (403, 403)
    assert ctx.plays == {}


async def test_answers_refused_without_their_csrf_token(client: TestClient) -> None:
    html = await (await client.get(f"/quizzes/{QUIZ}")).text()
    started = await client.post(f"/quizzes/{QUIZ}/play", data={"csrf": csrf_of(html)})
    page = await started.text()
    [first, *_] = controls(page)
    refused = await client.post(started.url.path, data={"csrf": "0" * 64, "custom_id": first})
    assert refused.status == 403
    again = await (await client.get(started.url.path)).text()
    assert controls(again) == controls(page)  # still the same question, unanswered


async def test_the_preview_is_for_this_machine_unless_made_public(quiz_dir: Path) -> None:
    proxied = {"X-Forwarded-For": "203.0.113.9"}
    async with TestClient(TestServer(make_app(_context(quiz_dir)))) as private:
        for path in ("/", f"/quizzes/{QUIZ}", f"/files/{QUIZ_FILE}", "/events"):
            response = await private.get(path, headers=proxied)
            assert response.status == 403, path
            assert "WEB_PREVIEW_PUBLIC=true" in await response.text()
        assert (await private.get("/")).status == 200
    async with TestClient(TestServer(make_app(_context(quiz_dir, public=True)))) as public:
        assert (await public.get(f"/quizzes/{QUIZ}", headers=proxied)).status == 200


async def test_playing_a_whole_game_through_the_engine(client: TestClient) -> None:
    """Every question answered right, the file's order kept: the summary counts them all."""
    ctx: WebContext = ctx_of(client)
    quiz = ctx.catalog.quizzes[QUIZ].quiz
    token = csrf_of(await (await client.get(f"/quizzes/{QUIZ}")).text())
    response = await client.post(f"/quizzes/{QUIZ}/play", data={"csrf": token, "order": "file"})
    url = response.url.path
    wanted = quiz.settings.questions_per_game
    assert wanted is not None
    for question in quiz.questions[:wanted]:
        data = {"csrf": token, **_right_answer(question, controls(await response.text()))}
        response = await client.post(url, data=data)
        html = await response.text()
        assert "✅ Correct!" in html, question.id
        assert "embed bar-green" in html
        for quote in question.quotes:
            assert str(markdown(quote)) in html
        response = await client.post(url, data={"csrf": token, "custom_id": controls(html)[0]})
    summary = await response.text()
    points = sum(q.points for q in quiz.questions[:wanted])
    assert f"This game: <strong>{points} points</strong>, {wanted} of {wanted} right." in summary
    assert "Play again" in summary


def _right_answer(question: object, ids: list[str]) -> dict[str, str]:
    """The form a right answer posts, in the file's order (position == index)."""
    if isinstance(question, ChoiceQuestion) and question.select_all:
        values = [str(i) for i in sorted(question.correct_indexes)]
        return {"custom_id": ids[0], "values": values}  # type: ignore[dict-item]
    if isinstance(question, ChoiceQuestion):
        [right] = question.correct_indexes
        return {"custom_id": ids[right]}
    if isinstance(question, ShortAnswerQuestion):
        return {"custom_id": ids[0], "answer": question.answers[0]}
    if isinstance(question, NumberQuestion):
        return {"custom_id": ids[0], "answer": f"{question.answer:g}"}
    return {"custom_id": ids[0 if question.answer else 1]}  # type: ignore[attr-defined]


async def test_a_wrong_answer_an_unreadable_one_and_an_old_screen(client: TestClient) -> None:
    token = csrf_of(await (await client.get(f"/quizzes/{QUIZ}")).text())
    started = await client.post(
        f"/quizzes/{QUIZ}/play", data={"csrf": token, "question": "num-war-days"}
    )
    url = started.url.path
    [box] = controls(await started.text())
    unreadable = await (
        await client.post(url, data={"csrf": token, "custom_id": box, "answer": "soon"})
    ).text()
    assert "Type a number, like 42 or 2.5. Try again." in unreadable
    assert controls(unreadable) == [box]  # the question is still open
    wrong = await (
        await client.post(url, data={"csrf": token, "custom_id": box, "answer": "49"})
    ).text()
    assert "❌ Not quite" in wrong and "embed bar-red" in wrong
    assert "The answer: <strong>50</strong>" in wrong
    assert "You answered: 49" in wrong
    again = await (
        await client.post(url, data={"csrf": token, "custom_id": box, "answer": "50"})
    ).text()
    assert "That screen was out of date" in again
    assert "❌ Not quite" in again  # the first answer stands


async def test_preview_games_are_bounded(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plays, "MAX_PLAYS", 3)
    ctx: WebContext = ctx_of(client)
    token = csrf_of(await (await client.get(f"/quizzes/{QUIZ}")).text())
    urls = []
    for _ in range(5):
        response = await client.post(f"/quizzes/{QUIZ}/play", data={"csrf": token})
        urls.append(response.url.path)
    assert len(ctx.plays) == 3
    assert (await client.get(urls[0])).status == 404
    assert (await client.get(urls[-1])).status == 200
