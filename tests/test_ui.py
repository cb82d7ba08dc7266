import html
import re
from itertools import pairwise

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from service.answering import Answer, Citation
from ui.chat import SOURCES_HEADING, as_text, build_chat, from_text, history_turns, render_answer

# Article text that would make a reader's browser fetch from another host if it were rendered as Markdown or
# HTML: an image, a link, raw HTML, an autolink, a bare URL; plus markup that should show as written.
HOSTILE = (
    "Pilots ![pixel](http://tracker.example/p.png) said [so](http://tracker.example/l) "
    '<img src="http://tracker.example/raw.png"> <http://tracker.example/auto> HTTPS://tracker.example/bare '
    "www.tracker.example desk@tracker.example &lt; `code` **bold** _it_ ~~gone~~ $$x$$ | a | b | \\ end."
)


def visible_text(markdown: str) -> tuple[str, str]:
    """The HTML a CommonMark renderer makes of ``markdown`` (raw HTML allowed), and the text a reader sees."""
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)
    return rendered, html.unescape(re.sub(r"<[^>]+>", "", rendered))


def test_rendered_answer_lists_numbered_sources():
    answer = Answer(
        answer="The NEA endorsed her in October 2015. [1]",
        grounded=True,
        citations=[
            Citation(1, "000_x", "Clinton allies <b>sought</b>", "The NEA endorsed her.", 10, 31, 0.99)
        ],
    )
    rendered, text = visible_text(render_answer(answer))
    assert text.startswith("The NEA endorsed her in October 2015. [1]")
    assert "<strong>Sources</strong>" in rendered
    assert (
        "<ol>\n<li><strong>Clinton allies &lt;b&gt;sought&lt;/b&gt;</strong> (<code>000_x</code>)" in rendered
    )
    assert "<blockquote>\n<p>The NEA endorsed her.</p>" in rendered


def test_refusals_render_without_sources():
    assert SOURCES_HEADING not in render_answer(Answer("The articles do not contain it.", False, []))


def test_history_drops_rendered_sources():
    history = [
        {"role": "user", "content": "Who is Trumka?"},
        {"role": "assistant", "content": f"The AFL-CIO president. [1]\n\n{SOURCES_HEADING}\n1. **T** (`d`)"},
    ]
    assert history_turns(history)[1] == {"role": "assistant", "content": "The AFL-CIO president. [1]"}


def test_chat_streams_then_shows_the_answer_with_sources(sample_engine):
    demo = build_chat(lambda: sample_engine)
    replies = list(demo.fn("Who offered a jet to get Clinton to the endorsement dinner?", []))
    assert len(replies) > 3  # it streams: the answer grows word by word before the final rendering
    assert all(len(a) <= len(b) for a, b in pairwise(replies[:-1]))
    reply = replies[-1]
    assert "Buffenbarger" in reply and SOURCES_HEADING in reply and "002_56959c77431901b6" in reply
    assert list(demo.fn("   ", [])) == ["Please type a question."]


def test_article_text_renders_as_text_never_as_markup():
    answer = Answer(
        answer=f"{HOSTILE} [1]",
        grounded=True,
        citations=[Citation(1, "tracker-1", f"Title {HOSTILE}", HOSTILE, 0, len(HOSTILE), 0.9)],
    )
    rendered, text = visible_text(render_answer(answer))
    assert "<img" not in rendered and "<a " not in rendered and "<code>" in rendered  # only the doc id's
    assert text.count(HOSTILE) == 3  # answer, title, snippet: every character as written
    assert "http://" not in render_answer(answer)  # so GFM's bare-URL autolinks cannot link it either


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]) | st.just("\n"))


@given(TEXT)
@example("# A heading\n- an item\n+ another\n1. first\n2) second\n> quoted\n***\n---\nunderlined\n===")
@example("[x]: http://tracker.example/p.png\n![x] ![y][x] <b>b</b> &amp; &#60; \\* a\\")
def test_any_text_shows_as_written(written):
    """Whatever an article holds, the reader sees those characters in paragraphs, and no other element."""
    # Markdown folds the whitespace at a line's ends (and 4 leading spaces would make a code block).
    lines = [" ".join(line.split()) for line in written.split("\n")]
    written = "\n".join(line for line in lines if line)
    rendered, text = visible_text(as_text(written))
    assert text.strip() == written
    assert re.sub(r"</?p>", "", rendered).count("<") == 0
    assert from_text(as_text(written)) == written


def test_history_gives_the_engine_the_answer_as_written():
    answer = Answer(answer=f"{HOSTILE} [1]", grounded=True, citations=[Citation(1, "d", "T", "s", 0, 1, 0.9)])
    history = [
        {"role": "user", "content": "[who](x)?"},
        {"role": "assistant", "content": render_answer(answer)},
    ]
    assert history_turns(history) == [
        {"role": "user", "content": "[who](x)?"},
        {"role": "assistant", "content": f"{HOSTILE} [1]"},
    ]
