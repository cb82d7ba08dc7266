"""/ui in a real browser: Debian's Chromium, driven headless by Playwright, against the real server.

`make test-e2e` installs Chromium (`apt-get install chromium` as root) and the `e2e` extra; Playwright never
downloads a browser. The server is `newsdesk serve` in a subprocess on a free loopback port over a tmp data
dir, on a pseudo-terminal (so its console is the one a person sees), with API keys set: the browser logs in
as a newsroom reader (or an admin) would, with HTTP credentials answering the server's challenge. It indexes
the sample corpus, then three dated articles from named outlets (tests/e2e/articles.jsonl).

Every UI test runs at desktop (1280x900) and phone (390x844) width and leaves screenshots in
test-artifacts/ui/. Every request a page makes is recorded and any off loopback is aborted; a test fails if
one was attempted.
"""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from eval.loopback import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
ARTICLES = Path(__file__).with_name("articles.jsonl")
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
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOOPBACK = ("127.0.0.1", "localhost")
READER_KEY = "e2e-reader-key"
ADMIN_KEY = "e2e-admin-key"
DECKHANDS = "How many deckhands did the Gozo ferry operator hire?"
LEADER = "Who is the union leader of the Gozo ferry workers?"
FOLLOW_UP = "Since when has he led it?"
UNANSWERABLE = "What colour is the Gozo ferry?"
RAIL = "When will construction of the Springfield light rail line start?"
EXAMPLE = "Who offered a jet to get Clinton to the endorsement dinner?"
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


@dataclass
class Server:
    base: str
    data_dir: Path
    console: list[str] = field(default_factory=list)  # what the terminal showed, chunk by chunk
    banner_connect: list[bool] = field(default_factory=list)  # could a client connect when the URL showed?

    def text(self) -> str:
        return "".join(self.console)


def watch_console(master: int, server: Server, port: int, log: Path) -> None:
    """Read the terminal; the moment the URL appears, try to connect to it."""
    with log.open("w") as copy:
        while True:
            try:
                chunk = os.read(master, 4096).decode("utf-8", "replace")
            except OSError:  # the server exited and the terminal closed
                return
            if not chunk:
                return
            if "Newsdesk on http://" in chunk and not server.banner_connect:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    server.banner_connect.append(True)
                except OSError:
                    server.banner_connect.append(False)
            server.console.append(chunk)
            copy.write(chunk)
            copy.flush()


def key(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {name}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    port = free_port()
    log = tmp_path_factory.getbasetemp() / "server-console.log"
    master, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "--data-dir", str(data_dir), "serve", "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "GRADIO_ANALYTICS_ENABLED": "False",
            "NEWSDESK_API_KEYS": READER_KEY,
            "NEWSDESK_ADMIN_KEYS": ADMIN_KEY,
            "NEWSDESK_LOG_FORMAT": "auto",
        },
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    running = Server(f"http://127.0.0.1:{port}", data_dir)
    watcher = threading.Thread(target=watch_console, args=(master, running, port, log), daemon=True)
    watcher.start()
    try:
        deadline = time.monotonic() + 240  # the first start indexes the sample corpus and loads the models
        while True:
            assert process.poll() is None, f"the server exited; see {log}"
            try:
                if httpx.get(f"{running.base}/healthz", timeout=2).json().get("documents") == 5:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            assert time.monotonic() < deadline, f"the server did not come up; see {log}"
            time.sleep(0.5)
        for line in ARTICLES.read_text().splitlines():
            added = httpx.post(
                f"{running.base}/v1/documents", json=json.loads(line), headers=key(ADMIN_KEY), timeout=120
            )
            assert added.status_code == 201, added.text
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        watcher.join(timeout=5)
        os.close(master)


@dataclass
class Browser:
    page: object
    context: object
    viewport: str

    def shot(self, name: str, page: object = None) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.viewport}-{name}.png"
        (page or self.page).screenshot(path=str(path), full_page=False)
        assert path.stat().st_size > 5_000


def open_browser(tmp_path: Path, viewport: str, password: str) -> Iterator[Browser]:
    """A logged-in page; afterwards, no request it (or a tab it opened) made may have left loopback."""
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
            viewport=VIEWPORTS[viewport],
            # Sent only in answer to the server's 401 challenge, as a browser's login prompt would.
            http_credentials={"username": "newsroom", "password": password},
        )
        context.on("request", lambda request: requested.append(request.url))

        def loopback_only(route) -> None:
            host = urlparse(route.request.url).hostname
            route.continue_() if host in LOOPBACK else route.abort()

        context.route("**/*", loopback_only)
        try:
            yield Browser(context.new_page(), context, viewport)
        finally:
            context.close()
    offsite = [url for url in requested if urlparse(url).hostname not in LOOPBACK]
    assert not offsite, f"the page requested other hosts: {offsite}"


@pytest.fixture(params=list(VIEWPORTS))
def reader(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Browser]:
    yield from open_browser(tmp_path, request.param, READER_KEY)


@pytest.fixture(params=list(VIEWPORTS))
def admin(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Browser]:
    yield from open_browser(tmp_path, request.param, ADMIN_KEY)


def open_chat(browser: Browser, server: Server):
    response = browser.page.goto(f"{server.base}/ui/", wait_until="domcontentloaded")
    assert response is not None and response.status == 200, "the browser did not log in with the key"
    browser.page.locator("#nd-question textarea").wait_for(timeout=60_000)
    return browser.page


def ask(page, question: str):
    """Ask in the chat; the bot's reply once its final rendering (not the streamed draft) is shown."""
    replies = page.locator('[data-testid="bot"]')
    before = replies.count()
    box = page.locator("#nd-question textarea")
    box.fill(question)
    box.press("Enter")
    reply = replies.nth(before)
    reply.locator(".nd-reply").wait_for(timeout=120_000)
    page.get_by_role("button", name="Send").wait_for(timeout=30_000)  # back in place of Stop: done
    return reply


def api(server: Server, method: str, path: str, **kwargs) -> dict:
    response = httpx.request(method, f"{server.base}{path}", headers=key(READER_KEY), timeout=120, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


def test_an_answer_with_its_cards_article_view_and_feedback(server: Server, reader: Browser) -> None:
    """Items 1, 2, 3 and 7: source cards, the article view, the direct answer, feedback with a note."""
    expected = api(server, "POST", "/v1/ask", json={"question": DECKHANDS})
    assert expected["grounded"] and expected["direct_answer"], expected
    page = open_chat(reader, server)
    # The layout: the chat fills the window above a labelled Send button, the examples sit in the empty chat.
    height = VIEWPORTS[reader.viewport]["height"]
    question_box = page.locator("#nd-question").bounding_box()
    assert question_box["y"] + question_box["height"] <= height
    assert page.locator("#nd-chat").bounding_box()["height"] >= height - 420
    assert page.get_by_role("button", name="Send").is_visible()
    example = page.get_by_text(EXAMPLE)
    assert example.is_visible() and example.bounding_box()["y"] < question_box["y"]
    reply = ask(page, DECKHANDS)
    reader.shot("answer")

    # 3. The direct answer, in bold, above the quoted sentences.
    direct = reply.locator(".nd-direct strong")
    assert direct.inner_text() == expected["direct_answer"]["text"]
    assert direct.bounding_box()["y"] < reply.locator(".nd-answer").bounding_box()["y"]

    # 1. One card per article with all its citation numbers, outlet, date, byline, original link.
    articles = list(dict.fromkeys(c["doc_id"] for c in expected["citations"]))
    cards = reply.locator("li.nd-card")
    assert cards.count() == len(articles)
    ferry = cards.nth(articles.index("ferry-strike-2017"))
    numbers = [c["n"] for c in expected["citations"] if c["doc_id"] == "ferry-strike-2017"]
    assert [int(n) for n in ferry.locator(".nd-card-head .nd-n").all_inner_texts()] == numbers
    meta = ferry.locator(".nd-meta").inner_text()
    assert "Island Courier" in meta and "10 Feb 2017" in meta and "By Maria Borg" in meta
    assert (
        ferry.locator("a.nd-original").get_attribute("href")
        == "https://courier.example/2017/02/10/ferry-strike-ends"
    )
    # ... and each [n] links to its card, which scrolls into view.
    marker = reply.locator("a.nd-ref").last
    marker.click()
    target = page.evaluate("location.hash")
    assert target == f"#{ferry.get_attribute('id')}" and in_view(page, ferry)

    # 2. The card opens the cleaned article with every cited span marked, the first scrolled into view.
    document = api(server, "GET", "/v1/documents/ferry-strike-2017")
    with page.expect_popup() as opened:
        ferry.locator("a.nd-title").click()
    article = opened.value
    article.wait_for_load_state()
    assert urlparse(article.url).path == "/ui/articles/ferry-strike-2017"
    cited = sorted(
        (c["start"], c["end"]) for c in expected["citations"] if c["doc_id"] == "ferry-strike-2017"
    )
    marked = " ".join(article.locator("mark").all_inner_texts())
    for start, end in cited:
        assert " ".join(document["text"][start:end].split()) in " ".join(marked.split())
    assert article.locator("mark strong").inner_text() == expected["direct_answer"]["text"]
    assert in_view(article, article.locator("#cited-1"))
    reader.shot("article", article)
    article.close()

    # The copy button gives the reply as text, sources included, not its HTML.
    reader.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    row = reply.locator("xpath=ancestor::div[contains(@class, 'message-row')][1]")
    row.get_by_label("Copy message").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        copied.startswith(expected["direct_answer"]["text"])
        and "Island Courier" in copied
        and "<" not in copied
    )

    # 7. Thumbs down with a note; exported, it is a test question whose answer is the note.
    row.get_by_label("Dislike").click()
    note = page.locator("#nd-note textarea")
    note.wait_for(timeout=30_000)
    note.fill("nine")
    page.locator("#nd-note-save").click()
    page.get_by_text("Note saved with your feedback").wait_for(timeout=30_000)
    reader.shot("feedback")
    exported = subprocess.run(
        [sys.executable, "-m", "newsdesk", "--data-dir", str(server.data_dir), "feedback", "export"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    items = [json.loads(line) for line in exported.stdout.splitlines()]
    assert {"question": DECKHANDS, "answers": ["nine"], "doc_ids": ["ferry-strike-2017"]}.items() <= items[
        -1
    ].items()


def test_a_follow_up_says_what_it_searched_and_a_refusal_offers_the_closest_articles(
    server: Server, reader: Browser
) -> None:
    """Items 5 and 4."""
    page = open_chat(reader, server)
    first = ask(page, LEADER)
    assert first.locator(".nd-searched").count() == 0  # asked as written: nothing to say
    follow_up = ask(page, FOLLOW_UP)
    history = [
        {"role": "user", "content": LEADER},
        {"role": "assistant", "content": api(server, "POST", "/v1/ask", json={"question": LEADER})["answer"]},
    ]
    rewritten = api(server, "POST", "/v1/ask", json={"question": FOLLOW_UP, "history": history})["query"]
    assert rewritten != FOLLOW_UP
    assert follow_up.locator(".nd-searched q").inner_text() == rewritten
    reader.shot("follow-up")

    refusal = ask(page, UNANSWERABLE)
    assert refusal.locator(".nd-refusal .nd-refusal-head").inner_text() == "Not in the articles"
    assert refusal.locator(".nd-grounded, .nd-direct, a.nd-ref").count() == 0
    closest = api(server, "POST", "/v1/search", json={"query": UNANSWERABLE, "top_k": 20})["results"]
    nearest = list(dict.fromkeys(hit["doc_id"] for hit in closest))[:3]
    assert refusal.locator("li.nd-closest code.nd-id").all_inner_texts() == nearest
    refusal.locator(".nd-refusal-head").scroll_into_view_if_needed()
    reader.shot("refusal")


def choose_outlet(page, dropdown: str, name: str) -> None:
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=re.compile(re.escape(name))).click()


def field(page, elem_id: str):
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def test_the_documents_panel_lists_searches_and_filters_and_so_does_the_chat(
    server: Server, reader: Browser
) -> None:
    """Item 6, as a reader: the panel, its filters, the chat's filters; no add or delete for a reader key."""
    page = open_chat(reader, server)
    page.get_by_role("tab", name="Documents").click()
    summary = page.locator("#nd-doc-summary")
    total = api(server, "GET", "/v1/documents")["total"]
    page.get_by_text(f"of {total}").wait_for(timeout=30_000)
    assert page.locator("#nd-doc-list li.nd-doc").count() == total
    assert not page.locator("#nd-admin").is_visible()

    choose_outlet(page, "#nd-doc-outlet", "Springfield Herald")
    field(page, "nd-doc-from").fill("2017-02-01")
    page.locator("#nd-doc-search").click()
    page.get_by_text("Articles 1–1 of 1").wait_for(timeout=30_000)
    row = page.locator("#nd-doc-list li.nd-doc")
    assert row.locator("code").inner_text() == "library-reopens-2017"
    assert "Springfield Herald" in row.inner_text() and "6 Mar 2017" in row.inner_text()
    reader.shot("documents")

    field(page, "nd-doc-from").fill("")
    choose_outlet(page, "#nd-doc-outlet", "All outlets")
    field(page, "nd-doc-query").fill("deckhands")
    page.locator("#nd-doc-search").click()
    page.get_by_text("1 article has the words").wait_for(timeout=30_000)
    assert summary.inner_text().startswith("1 article")
    assert page.locator("#nd-doc-list code").all_inner_texts() == ["ferry-strike-2017"]

    # The chat, limited to another outlet, refuses and says why; limited to the right one, it answers.
    page.get_by_role("tab", name="Ask").click()
    page.get_by_text("Filter the articles").click()
    choose_outlet(page, "#nd-outlet", "Island Courier")
    refused = ask(page, RAIL)
    assert refused.locator(".nd-refusal").count() == 1
    assert "Only articles from Island Courier." in refused.locator(".nd-filters").inner_text()
    choose_outlet(page, "#nd-outlet", "Springfield Herald")
    field(page, "nd-from").fill("2017-01-01")
    field(page, "nd-to").fill("2017-01-31")
    answered = ask(page, RAIL)
    assert answered.locator("li.nd-card code.nd-id").all_inner_texts() == ["rail-budget-2017"]
    assert "published 2017-01-01 to 2017-01-31" in answered.locator(".nd-filters").inner_text()
    reader.shot("filtered")


def test_an_admin_adds_and_deletes_an_article(server: Server, admin: Browser, tmp_path: Path) -> None:
    """Item 6, as an admin: the add and delete box, the article in the index, then gone from it."""
    doc_id = f"harbour-{admin.viewport}"
    story = tmp_path / f"{doc_id}.txt"
    story.write_text(
        "Harbour reopens after storm\n\nThe harbour reopened on Monday after the storm of 2 March."
    )
    page = open_chat(admin, server)
    page.get_by_role("tab", name="Documents").click()
    admin_box = page.locator("#nd-admin")
    admin_box.wait_for(timeout=30_000)
    page.locator("#nd-upload input[type=file]").set_input_files(str(story))
    field(page, "nd-upload-source").fill("harbour.example")
    page.locator("#nd-add").click()
    page.get_by_text(f"{doc_id} added: Harbour reopens after storm").wait_for(timeout=60_000)
    assert api(server, "GET", f"/v1/documents/{doc_id}")["source"] == "harbour.example"
    page.get_by_text("Harbour reopens after storm").first.wait_for(timeout=30_000)  # listed
    admin.shot("admin")

    field(page, "nd-delete-id").fill(doc_id)
    page.locator("#nd-delete").click()
    page.get_by_text(f"{doc_id} deleted from every index.").wait_for(timeout=60_000)
    gone = httpx.get(f"{server.base}/v1/documents/{doc_id}", headers=key(READER_KEY), timeout=30)
    assert gone.status_code == 404


def test_the_api_docs_work_offline_and_the_chat_links_them(server: Server, reader: Browser) -> None:
    """Item 8: Swagger UI and ReDoc from this server, response examples, /docs instead of Gradio's API."""
    page = open_chat(reader, server)
    assert page.get_by_text("Use via API").count() == 0
    docs_link = page.get_by_role("link", name="API docs")
    assert docs_link.get_attribute("href") == "/docs"

    page.goto(f"{server.base}/docs")
    ask_route = page.locator("#operations-questions-ask_v1_ask_post")
    ask_route.wait_for(timeout=60_000)
    ask_route.locator(".opblock-summary").click()
    page.get_by_text('"direct_answer"').first.wait_for(timeout=30_000)  # the response example
    reader.shot("swagger")
    page.goto(f"{server.base}/redoc")
    page.get_by_role("heading", name=re.compile("Newsdesk")).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)  # time for anything ReDoc would fetch to be requested: the fixture checks
    reader.shot("redoc")


def test_markup_in_articles_shows_as_text_and_fetches_nothing(server: Server, reader: Browser) -> None:
    added = httpx.post(
        f"{server.base}/v1/documents", json=TRACKER_ARTICLE, headers=key(ADMIN_KEY), timeout=120
    )
    assert added.status_code in (200, 201), added.text

    page = open_chat(reader, server)
    reply = ask(page, "Why did the harbour pilots of Valletta go on strike?")
    assert reply.locator("code.nd-id").first.inner_text() == TRACKER_ARTICLE["id"]
    text = " ".join(reply.inner_text().split())
    assert TRACKER_ARTICLE["title"] in text
    assert '[the union](http://tracker.example/link) said <img src="http://tracker.example/raw.png">' in text
    assert "http://tracker.example/bare, www.tracker.example and desk@tracker.example." in text
    assert reply.locator("img, iframe, video, audio, source, object, embed").count() == 0
    for link in reply.locator("a").all():  # only the links Newsdesk made: to a card, or the article view
        assert link.get_attribute("href").startswith(("#nd-", "articles/tracker-1"))
    page.wait_for_timeout(1000)  # time for any image the reply holds to be requested: the fixture checks


def test_the_console_is_quiet(server: Server) -> None:
    """Item 9, over everything the tests above did: plain lines, no static files, the URL once it works."""
    console = server.text()
    lines = [line.strip() for line in re.split(r"[\r\n]+", console) if line.strip()]
    assert [line for line in lines if line.startswith("Newsdesk on http://")] == [
        f"Newsdesk on {server.base}  (chat: /ui, API docs: /docs, data: {server.data_dir}, workers: 1)"
    ]
    assert server.banner_connect == [True], "the URL was printed before the server accepted connections"
    assert not [line for line in lines if line.startswith("{")], "JSON lines on a terminal"
    assert "color_message" not in console and "Uvicorn running on" not in console
    for noise in ("/ui/assets/", "/ui/gradio_api/", "/static-offline-docs/", "/ui/theme.css"):
        assert noise not in console, f"an access line for {noise}"
    assert "GET /ui/ 200" in console and "POST /v1/ask 200" in console  # the lines that matter stay
