from itertools import pairwise

from service.answering import Answer, Citation
from ui.chat import SOURCES_HEADING, build_chat, history_turns, render_answer


def test_rendered_answer_lists_numbered_sources():
    answer = Answer(
        answer="The NEA endorsed her in October 2015. [1]",
        grounded=True,
        citations=[
            Citation(1, "000_x", "Clinton allies <b>sought</b>", "The NEA endorsed her.", 10, 31, 0.99)
        ],
    )
    markdown = render_answer(answer)
    assert markdown.startswith("The NEA endorsed her in October 2015. [1]")
    assert SOURCES_HEADING in markdown
    assert "1. **Clinton allies &lt;b&gt;sought&lt;/b&gt;** (`000_x`)" in markdown
    assert "> The NEA endorsed her." in markdown


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
