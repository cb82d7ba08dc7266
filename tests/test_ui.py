"""The chat's replies: source cards, refusals, follow-ups; article text shown as text, never as markup."""

import html
import re
from datetime import date
from html.parser import HTMLParser
from itertools import pairwise

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from service.answer.types import Answer, Citation
from service.judge.direct_answer import DirectAnswer
from ui.chat import Chat, as_text, from_text, history_turns
from ui.render import (
    CLOSEST_HEADING,
    REFUSAL_HEADING,
    Closest,
    Source,
    answer_text_of,
    render_answer,
    render_refusal,
    turn_of,
)

# Article text that would make a reader's browser fetch from another host if it were rendered as Markdown or
# HTML: an image, a link, raw HTML, an autolink, a bare URL; plus markup that should show as written.
HOSTILE = (
    "Pilots ![pixel](http://tracker.example/p.png) said [so](http://tracker.example/l) "
    '<img src="http://tracker.example/raw.png"> <http://tracker.example/auto> HTTPS://tracker.example/bare '
    "www.tracker.example desk@tracker.example &lt; `code` **bold** _it_ ~~gone~~ $$x$$ | a | b | \\ end."
)
FERRY = Source(
    doc_id="ferry-1",
    title="Gozo ferry crews end strike",
    outlet="Island Courier",
    published=date(2017, 2, 10),
    byline="Maria Borg",
    url="https://courier.example/ferry",
)
FIRST = "Ferry crews ended their strike on Friday after the operator agreed to hire nine more deckhands."
SECOND = "The strike had begun on February 6, 2017."


class Elements(HTMLParser):
    """Every element of an HTML fragment with its attributes, and the text a reader sees."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(fragment)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def of(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def ferry_answer(**fields) -> Answer:
    citations = [
        Citation(1, "ferry-1", FERRY.title, FIRST, 10, 10 + len(FIRST), 0.99),
        Citation(2, "rail-1", "Council approves rail budget", "The council voted 7 to 2.", 0, 25, 0.9),
        Citation(3, "ferry-1", FERRY.title, SECOND, 120, 120 + len(SECOND), 0.95),
    ]
    base = {
        "answer": f"{FIRST} [1] The council voted 7 to 2. [2] {SECOND} [3]",
        "grounded": True,
        "citations": citations,
        "query": "How many deckhands did the ferry operator hire?",
        "direct_answer": DirectAnswer("nine", "ferry-1", 81, 85),
    }
    return Answer(**{**base, **fields})


def test_one_card_per_article_holds_all_its_cited_spans_and_each_marker_links_to_it():
    answer = ferry_answer()
    reply = render_answer(
        answer, {"ferry-1": FERRY}, "abc123", "How many deckhands did the ferry operator hire?"
    )
    parsed = Elements(reply)
    cards = [attrs["id"] for attrs in parsed.of("li")]
    assert cards == ["nd-abc123-1", "nd-abc123-2"]  # ferry (cited twice), then rail
    markers = {a["title"]: a["href"] for a in parsed.of("a") if a.get("class") == "nd-ref"}
    assert re.findall(r'href="(#[^"]+)" title="[^"]*">\[(\d)\]', reply) == [
        ("#nd-abc123-1", "1"),
        ("#nd-abc123-2", "2"),
        ("#nd-abc123-1", "3"),
    ]
    assert markers[FERRY.title] == "#nd-abc123-1"
    # The ferry card opens the article with both spans (and the direct answer) marked.
    ferry_card = reply.split('id="nd-abc123-1"')[1].split("</li>")[0]
    assert "articles/ferry-1?cite=10-105&amp;cite=120-161&amp;answer=81-85#cited-1" in ferry_card
    assert ferry_card.count('class="nd-n"') == 2


def test_a_card_shows_outlet_date_byline_and_the_original_link_when_known():
    reply = render_answer(ferry_answer(), {"ferry-1": FERRY}, "t1", "How many deckhands?")
    ferry_card, rail_card = reply.split('<li class="nd-card"')[1:]
    assert "Island Courier" in ferry_card and '<time datetime="2017-02-10">10 Feb 2017</time>' in ferry_card
    assert "By Maria Borg" in ferry_card and 'href="https://courier.example/ferry"' in ferry_card
    # An article the catalog knows nothing more about shows its title and id, and no empty meta line.
    assert "nd-meta" not in rail_card and "rail-1" in rail_card


def test_a_snippet_the_answer_already_quotes_is_not_shown_twice():
    reply = render_answer(ferry_answer(), {"ferry-1": FERRY}, "t1", "How many deckhands?")
    assert reply.count(FIRST) == 1 and reply.count(SECOND) == 1
    paraphrased = ferry_answer(answer="The operator took on nine deckhands. [1]")
    assert render_answer(paraphrased, {}, "t2", "How many?").count(FIRST) == 1  # the source's own words


def test_the_direct_answer_leads_in_bold():
    reply = render_answer(ferry_answer(), {}, "t1", "How many deckhands did the ferry operator hire?")
    assert reply.index('<p class="nd-direct"><strong>nine</strong></p>') < reply.index('class="nd-answer"')
    assert "nd-direct" not in render_answer(ferry_answer(direct_answer=None), {}, "t1", "Why?")


def test_searched_for_shows_only_when_the_question_was_rewritten():
    asked = "How many deckhands did the ferry operator hire?"
    assert "Searched for" not in render_answer(ferry_answer(), {}, "t1", asked.lower() + "  ")
    rewritten = render_answer(ferry_answer(), {}, "t1", "And how many did it hire?")
    assert f"Searched for: <q>{asked}</q>" in rewritten


def test_a_refusal_has_its_own_look_and_lists_the_closest_articles():
    refusal = Answer("The articles do not contain an answer to this question.", False, [], query="Q?")
    near = Closest(FERRY, 0, 200, f"{FERRY.title}\n\n{FIRST} {SECOND}")
    reply = render_refusal(refusal, [near], "t9", "Q?", "Only articles from Island Courier.")
    parsed = Elements(reply)
    assert 'class="nd-reply nd-refusal"' in reply and REFUSAL_HEADING in reply and CLOSEST_HEADING in reply
    assert [a["href"] for a in parsed.of("a") if a.get("class") == "nd-title"] == [
        "articles/ferry-1?cite=0-200#cited-1"
    ]
    assert f"{FIRST} {SECOND}" in reply  # the passage, without the headline it opens with
    assert "Only articles from Island Courier." in reply
    assert "nd-sources" not in render_refusal(refusal, [], "t9", "Q?")


def test_article_text_renders_as_text_and_links_only_where_newsdesk_put_them():
    hostile = Source(
        "tracker-1", f"Title {HOSTILE}", outlet=HOSTILE, byline=HOSTILE, url="javascript:alert(1)"
    )
    answer = Answer(
        answer=f"{HOSTILE} [1]",
        grounded=True,
        citations=[Citation(1, "tracker-1", f"Title {HOSTILE}", f"Before. {HOSTILE}", 0, 9, 0.9)],
        query=HOSTILE,
        direct_answer=DirectAnswer(HOSTILE, "tracker-1", 0, 9),
    )
    for reply in (
        render_answer(answer, {"tracker-1": hostile}, "t1", "Q?"),
        render_refusal(answer, [Closest(hostile, 0, 9, HOSTILE)], "t1", "Q?"),
    ):
        parsed = Elements(reply)
        assert {tag for tag, _ in parsed.tags} <= {
            "div", "p", "strong", "q", "a", "ol", "li", "span", "time", "blockquote", "code"
        }  # fmt: skip
        assert not parsed.of("img")
        hrefs = [attrs["href"] for attrs in parsed.of("a")]
        assert hrefs and all(href.startswith(("#nd-t1-", "articles/tracker-1")) for href in hrefs)
        assert HOSTILE in "".join(parsed.text)  # every character as written
        assert "\n" not in reply  # one HTML block: Markdown never gets to read the article text


def test_history_gives_the_engine_each_answer_as_written():
    reply = render_answer(ferry_answer(answer=f"{HOSTILE} [1]"), {}, "t1", "Q?")
    history = [
        {"role": "user", "content": "[who](x)?"},
        {"role": "assistant", "content": [{"type": "text", "text": reply}]},
        {"role": "user", "content": "And then?"},
        {"role": "assistant", "content": as_text("Please keep questions *short*.")},
    ]
    assert history_turns(history) == [
        {"role": "user", "content": "[who](x)?"},
        {"role": "assistant", "content": f"{HOSTILE} [1]"},
        {"role": "user", "content": "And then?"},
        {"role": "assistant", "content": "Please keep questions *short*."},
    ]
    assert answer_text_of("plain") == "plain" and turn_of([{"text": reply}]) == "t1"


def test_the_chat_streams_then_shows_the_answer_with_its_cards(sample_engine):
    chat = Chat(lambda: sample_engine)
    replies = list(
        chat.respond("Who offered a jet to get Clinton to the endorsement dinner?", [], "", "", "")
    )
    assert len(replies) > 3  # it streams: the answer grows word by word before the final rendering
    assert all(len(a) <= len(b) for a, b in pairwise(replies[:-1]))
    final = replies[-1]
    assert final.startswith('<div class="nd-reply nd-grounded"') and "Buffenbarger" in final
    assert 'id="nd-' in final and "002_56959c77431901b6" in final
    assert chat.turns.get(turn_of(final)).question.startswith("Who offered a jet")
    assert list(chat.respond("   ", [], "", "", "")) == ["Please type a question."]


def test_the_chat_filters_by_outlet_and_date_and_says_so(sample_engine):
    chat = Chat(lambda: sample_engine)
    question = "Who offered a jet to get Clinton to the endorsement dinner?"
    # The sample articles have no dates: limited to 2017, none may answer, and the refusal says why.
    [final] = list(chat.respond(question, [], "", "2017-01-01", ""))[-1:]
    assert "nd-refusal" in final and "Only articles published on or after 2017-01-01." in final
    assert list(chat.respond(question, [], "", "2017-13-01", "")) == [
        as_text("Published from: '2017-13-01' is not a date like 2017-02-07.")
    ]


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]) | st.just("\n"))


def visible_text(markdown: str) -> tuple[str, str]:
    """The HTML a CommonMark renderer makes of ``markdown`` (raw HTML allowed), and the text a reader sees."""
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)
    return rendered, html.unescape(re.sub(r"<[^>]+>", "", rendered))


@given(TEXT)
@example("# A heading\n- an item\n+ another\n1. first\n2) second\n> quoted\n***\n---\nunderlined\n===")
@example("[x]: http://tracker.example/p.png\n![x] ![y][x] <b>b</b> &amp; &#60; \\* a\\")
def test_a_streamed_draft_shows_any_text_as_written(written):
    """Whatever an article holds, the draft shows those characters in paragraphs, and no other element."""
    # Markdown folds the whitespace at a line's ends (and 4 leading spaces would make a code block).
    lines = [" ".join(line.split()) for line in written.split("\n")]
    written = "\n".join(line for line in lines if line)
    rendered, text = visible_text(as_text(written))
    assert text.strip() == written
    assert re.sub(r"</?p>", "", rendered).count("<") == 0
    assert from_text(as_text(written)) == written
