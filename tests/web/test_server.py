"""The web application's frame: `quizbot web` as an operator runs it, the security headers
of every response, and the server-sent events that tell open pages a quiz file changed."""

from __future__ import annotations

import http.client
import json
import logging
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.web.server import CONTENT_SECURITY_POLICY
from tests.quizbot_process import environment
from tests.web.server_thread import WebServer, free_port

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _wait_for(url: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"quizbot web exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"nothing served at {url}")


def test_quizbot_web_serves_without_a_token_and_stops_on_sigterm(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port)],
        cwd=tmp_path,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/static/style.css", process)
        status, headers, _ = _get(f"http://127.0.0.1:{port}/static/style.css")
        assert status == 200 and headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{port}/" in output and "Traceback" not in output
    assert (tmp_path / "quizbot.db").exists()  # created and migrated on the first start


def test_quizbot_web_says_when_its_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot", "web", "--port", str(port)],
            cwd=tmp_path,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"quizbot web: cannot listen on 127.0.0.1:{port}:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("path", ["/static/style.css", "/no/such/page"])
def test_every_response_carries_the_security_headers(web_server: WebServer, path: str) -> None:
    status, headers, _ = _get(web_server.url + path)
    assert status in (200, 404)
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert (
        "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"


def _next_event(response: http.client.HTTPResponse, timeout: float) -> dict[str, object] | None:
    deadline = time.monotonic() + timeout
    kind = None
    while time.monotonic() < deadline:
        line = response.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: ") and kind == "reload":
            return json.loads(line.removeprefix("data: "))
    return None


def test_a_changed_quiz_file_is_announced_to_open_pages(
    web_server: WebServer, quiz_dir: Path
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", web_server.port, timeout=10)
    connection.request("GET", "/events")
    response = connection.getresponse()
    try:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        assert response.readline().startswith(b"retry:")
        deadline = time.monotonic() + 5
        while web_server.context.changes.listeners == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        web_server.reload()  # nothing changed: nothing is sent
        path = quiz_dir / "icc-gaza-2014.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        web_server.reload()
        event = _next_event(response, timeout=5)
    finally:
        connection.close()
    assert event is not None, "no reload event"
    origins = [f.result.origin for f in web_server.context.catalog.files() if f.path == path]
    assert event["changed"] == origins and origins[0].endswith("icc-gaza-2014.yaml")
    assert event["quizzes"] == ["icc-gaza-2014"]


def test_a_page_that_goes_away_ends_its_stream_without_an_error(
    web_server: WebServer, quiz_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", web_server.port, timeout=10)
    connection.request("GET", "/events")
    response = connection.getresponse()
    response.readline()
    deadline = time.monotonic() + 5
    while web_server.context.changes.listeners == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    connection.close()  # the page was left
    with caplog.at_level(logging.ERROR):
        for n in range(3):  # the first write may still be taken by the closing socket
            path = quiz_dir / "icc-gaza-2014.yaml"
            path.write_text(path.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")
            web_server.reload()
            time.sleep(0.2)
        deadline = time.monotonic() + 5
        while web_server.context.changes.listeners and time.monotonic() < deadline:
            time.sleep(0.05)
    assert web_server.context.changes.listeners == 0
    assert "Error handling request" not in caplog.text, caplog.text


def test_a_changed_source_text_is_announced_for_the_quiz_that_quotes_it(
    web_server: WebServer, quiz_dir: Path
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", web_server.port, timeout=10)
    connection.request("GET", "/events")
    response = connection.getresponse()
    try:
        response.readline()
        deadline = time.monotonic() + 5
        while web_server.context.changes.listeners == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        source = quiz_dir / "sources" / "icc-gaza-2014.txt"
        # A quoted sentence edited away: the quiz breaks, and its open pages must show it.
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("Israel is holding discussions", "Israel holds talks", 1))
        web_server.reload()
        event = _next_event(response, timeout=5)
    finally:
        connection.close()
    assert event is not None, "no reload event"
    quiz_file = quiz_dir / "icc-gaza-2014.yaml"
    origins = [f.result.origin for f in web_server.context.catalog.files() if f.path == quiz_file]
    assert event["changed"] == origins
    assert event["quizzes"] == ["icc-gaza-2014"]  # kept at its last good version
