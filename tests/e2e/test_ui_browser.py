"""The chat UI in a real browser: Debian's Chromium, driven headless by Playwright, against the real server.

`make test-e2e` installs Chromium (`apt-get install chromium` as root) and the `e2e` extra; Playwright never
downloads a browser. The server is `newsdesk serve` in a subprocess on a free loopback port over a tmp data
dir, which indexes the sample corpus on start. Every request the page makes off loopback is aborted, so the
test needs no network. The screenshot lands in test-artifacts/ui-answer.png.
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    port = free_port()
    log = (tmp_path_factory.getbasetemp() / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "--data-dir", str(data_dir), "serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
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


@pytest.fixture
def page(tmp_path: Path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[e2e]' (make test-e2e)")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: `apt-get install chromium` as root (make test-e2e does it)")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a fresh profile every run
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        page = context.new_page()

        def loopback_only(route) -> None:
            host = urlparse(route.request.url).hostname
            route.continue_() if host in ("127.0.0.1", "localhost") else route.abort()

        page.route("**/*", loopback_only)
        try:
            yield page
        finally:
            context.close()


def test_asking_in_the_chat_shows_the_answer_with_numbered_sources(server: str, page) -> None:
    expected = httpx.post(f"{server}/v1/ask", json={"question": QUESTION}, timeout=120).json()
    assert expected["grounded"] and expected["citations"]

    page.goto(f"{server}/ui", wait_until="domcontentloaded")
    box = page.get_by_placeholder("Type a message...")
    box.wait_for(timeout=60_000)
    box.fill(QUESTION)
    box.press("Enter")

    reply = page.locator('[data-testid="bot"]').last
    sources = reply.locator("ol > li")
    sources.first.wait_for(timeout=120_000)

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
