"""The Gradio chat, mounted on the FastAPI app at /ui: answers with their numbered sources beneath."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr
from fastapi import FastAPI

from service.answering import Answer, Draft, Final
from service.engine import Newsdesk
from service.llm import LLMError

log = logging.getLogger("newsdesk.ui")
SOURCES_HEADING = "**Sources**"
EXAMPLES = [
    "When did Richard Trumka announce that the AFL-CIO would stay neutral?",
    "Who offered a jet to get Clinton to the endorsement dinner?",
    "How many emails did WikiLeaks release on Wednesday?",
]
# CommonMark shows any ASCII punctuation after a backslash as itself. Escaped here: wherever they stand, what
# opens an image, link, tag, entity, code span, emphasis or table cell, and GFM's autolinks (the colon of
# "http://", the dot of "www.", the "@" of an address); at a line's start, what makes a heading, quote, list
# item or rule. Other punctuation stays bare, so the text a reader copies is the text.
_INLINE_MARKUP = re.compile(r"[\\`*_~\[\]<>&|@]|(?i:(?<=www)\.|(?<=http):|(?<=https):|(?<=ftp):)")
_LINE_START_MARKUP = re.compile(r"^([ \t]*\d*)([.)#+=-])", re.MULTILINE)
_ESCAPED_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_text(text: str) -> str:
    """Markdown that shows ``text`` exactly as written, with no image, link or tag in it rendered.

    Titles, snippets and answers come from the articles; rendered as Markdown, an image named in one made the
    reader's browser fetch it from another host unasked.
    """
    return _LINE_START_MARKUP.sub(r"\1\\\2", _INLINE_MARKUP.sub(r"\\\g<0>", text))


def from_text(markdown: str) -> str:
    """The text ``as_text`` was given."""
    return _ESCAPED_PUNCTUATION.sub(r"\1", markdown)


def render_answer(answer: Answer) -> str:
    """Markdown: the answer, what was searched if it was rewritten, then each source with its snippet.

    Everything taken from the articles is escaped with ``as_text``; doc ids cannot hold a backtick.
    """
    parts = [as_text(answer.answer)]
    if not answer.grounded:
        return parts[0]
    lines = [SOURCES_HEADING]
    for citation in answer.citations:
        snippet = as_text(" ".join(citation.snippet.split()))
        lines.append(f"{citation.n}. **{as_text(citation.title)}** (`{citation.doc_id}`)\n   > {snippet}")
    parts.append("\n".join(lines))
    return "\n\n".join(parts)


def history_turns(history: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Gradio's message history as the engine's turns: the answers as written, without their source lists."""
    turns = []
    for message in history:
        content = message.get("content")
        if isinstance(content, list):  # Gradio may hand content over as a list of parts
            content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
        if not isinstance(content, str):
            continue
        role = message.get("role", "user")
        if role == "assistant":  # the user's own words were never escaped
            content = from_text(content.split(SOURCES_HEADING)[0].strip())
        turns.append({"role": role, "content": content})
    return turns


def build_chat(engine: Callable[[], Newsdesk]) -> gr.Blocks:
    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[str]:
        """The answer as it is written, then the verified answer with its sources in its place."""
        question = (message or "").strip()
        if not question:
            yield "Please type a question."
            return
        limit = engine().settings.max_question_chars
        if len(question) > limit:
            yield f"Please keep questions under {limit:,} characters."
            return
        draft = ""
        try:
            for event in engine().ask_stream(question, history=history_turns(history)):
                if isinstance(event, Draft):
                    draft += event.text
                    yield as_text(draft)
                elif isinstance(event, Final):
                    yield render_answer(event.answer)
        except LLMError as error:
            yield f"The language model is unavailable right now ({as_text(str(error))})."
        except Exception:  # the reader gets a plain sentence; what went wrong goes to the log only
            log.exception("the chat could not answer a question")
            yield "Sorry, Newsdesk could not answer that question. Please try again or rephrase it."

    return gr.ChatInterface(
        respond,
        title="Newsdesk",
        description="Ask about the articles. Every answer quotes and numbers its sources; "
        "when the articles do not say, Newsdesk says so.",
        examples=EXAMPLES,
        cache_examples=False,
        flagging_mode="never",
        api_name="ask",
        # No LaTeX: "$$" in an article is text, and KaTeX would render it after the escaping.
        chatbot=gr.Chatbot(height=520, label="Newsdesk", sanitize_html=True, latex_delimiters=[]),
    )


def mount_chat(app: FastAPI, path: str = "/ui") -> FastAPI:
    return gr.mount_gradio_app(app, build_chat(lambda: app.state.newsdesk), path=path)
