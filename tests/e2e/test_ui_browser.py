"""The chat UI in a real browser: Debian's Chromium, driven headless by Playwright, against the real server.

`make test-e2e` installs Chromium (`apt-get install chromium` as root) and the `e2e` extra; Playwright never
downloads a browser. The server is `newsdesk serve` in a subprocess on a free loopback port over a tmp data
dir, which indexes the sample corpus on start. API keys are set, so the browser logs in as a newsroom reader
would: HTTP credentials answering the server's challenge. Every request the page makes is recorded and any
off loopback is aborted; a test fails if one was attempted. The screenshot lands in
test-artifacts/ui-answer.png.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from eval.loopback import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "Who offered a jet to get Clinton to the endorsement dinner?"
LOOPBACK = ("127.0.0.1", "localhost")
READER_KEY = "e2e-reader-key"
ADMIN_KEY = "e2e-admin-key"
# An article whose title and text name images, links and raw HTML on another host: shown as text, not fetched.
TRACKER_ARTICLE = {
    "id": "tracker-1",
    "title": "Harbour pilots <img src=http://tracker.example/title.png> ![t](http://tracker.example/title2.png)",
    "text": "The harbour pilots of Valletta went on strike on Tuesday over night shifts, "
    "[the union](http://tracker.example/link) said "
    '<img src="http://tracker.example/raw.png"> in a statement at http://tracker.example/bare, '
    "www.tracker.example and desk@tracker.example. The strike ended when the port authority "
    "agreed to hire nine more pilots ![pixel](http://tracker.example/p.png) on Friday.",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    port = free_port()
    log = (tmp_path_factory.getbasetemp() / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "--data-dir", str(data_dir), "serve", "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "GRADIO_ANALYTICS_ENABLED": "False",
            "NEWSDESK_API_KEYS": READER_KEY,
            "NEWSDESK_ADMIN_KEYS": ADMIN_KEY,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # the first start indexes the sample corpus and loads the models
        while True:
            assert process.poll() is None, f"the server exited; see {log.name}"
            try:
                if httpx.get(f"{base}/healthz", timeout=2).json().get("documents") == 5:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            assert time.monotonic() < deadline, f"the server did not come up; see {log.name}"
            time.sleep(0.5)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def key(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {name}"}


@pytest.fixture
def page(tmp_path: Path):
    """A logged-in reader's page; after the test, no request it made may have left loopback."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[e2e]' (make test-e2e)")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: `apt-get install chromium` as root (make test-e2e does it)")
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a fresh profile every run
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            # Sent only in answer to the server's 401 challenge, as a browser's login prompt would.
            http_credentials={"username": "newsroom", "password": READER_KEY},
        )
        context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()

        def loopback_only(route) -> None:
            host = urlparse(route.request.url).hostname
            route.continue_() if host in LOOPBACK else route.abort()

        page.route("**/*", loopback_only)
        try:
            yield page
        finally:
            context.close()
    offsite = [url for url in requested if urlparse(url).hostname not in LOOPBACK]
    assert not offsite, f"the page requested other hosts: {offsite}"


def ask_in_the_chat(page, server: str, question: str):
    """Log in, open the chat, ask; the bot's reply once its numbered sources are shown."""
    response = page.goto(f"{server}/ui", wait_until="domcontentloaded")
    assert response is not None and response.status == 200, "the browser did not log in with the key"
    box = page.get_by_placeholder("Type a message...")
    box.wait_for(timeout=60_000)
    box.fill(question)
    box.press("Enter")
    reply = page.locator('[data-testid="bot"]').last
    reply.locator("ol > li").first.wait_for(timeout=120_000)
    return reply


def test_asking_in_the_chat_shows_the_answer_with_numbered_sources(server: str, page) -> None:
    expected = httpx.post(
        f"{server}/v1/ask", json={"question": QUESTION}, headers=key(READER_KEY), timeout=120
    ).json()
    assert expected["grounded"] and expected["citations"]

    reply = ask_in_the_chat(page, server, QUESTION)
    sources = reply.locator("ol > li")

    answer = reply.locator("p").first.inner_text()
    assert "Buffenbarger" in answer and "[1]" in answer
    assert reply.get_by_text("Sources", exact=True).is_visible()
    assert sources.count() == len(expected["citations"])
    for item, citation in zip(sources.all(), expected["citations"], strict=True):
        assert item.locator("strong").first.inner_text() == citation["title"]
        assert item.locator("code").inner_text() == citation["doc_id"]
        snippet = item.locator("blockquote").inner_text()
        assert " ".join(snippet.split()) == " ".join(citation["snippet"].split())
    # Numbered: the list is ordered, and the answer's [n] markers name its items.
    assert sources.first.evaluate("li => li.parentElement.tagName") == "OL"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)
    assert (ARTIFACTS / "ui-answer.png").stat().st_size > 10_000


def test_markup_in_articles_shows_as_text_and_fetches_nothing(server: str, page) -> None:
    added = httpx.post(f"{server}/v1/documents", json=TRACKER_ARTICLE, headers=key(ADMIN_KEY), timeout=120)
    assert added.status_code in (200, 201), added.text

    reply = ask_in_the_chat(page, server, "Why did the harbour pilots of Valletta go on strike?")
    assert reply.locator("ol > li code").first.inner_text() == TRACKER_ARTICLE["id"]
    text = " ".join(reply.inner_text().split())
    assert TRACKER_ARTICLE["title"] in text
    assert '[the union](http://tracker.example/link) said <img src="http://tracker.example/raw.png">' in text
    assert "http://tracker.example/bare, www.tracker.example and desk@tracker.example." in text
    assert reply.locator("a, img, iframe, video, audio, source, object, embed").count() == 0
    page.wait_for_timeout(1000)  # time for any image the reply holds to be requested: the fixture checks
