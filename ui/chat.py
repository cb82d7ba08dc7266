"""The Gradio chat, mounted on the FastAPI app at /ui: answers with their numbered sources beneath."""

from __future__ import annotations

import html
import logging
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


def render_answer(answer: Answer) -> str:
    """Markdown: the answer, what was searched if it was rewritten, then each source with its snippet."""
    parts = [html.escape(answer.answer, quote=False)]
    if not answer.grounded:
        return parts[0]
    lines = [SOURCES_HEADING]
    for citation in answer.citations:
        snippet = html.escape(" ".join(citation.snippet.split()), quote=False)
        lines.append(
            f"{citation.n}. **{html.escape(citation.title, quote=False)}** (`{citation.doc_id}`)\n"
            f"   > {snippet}"
        )
    parts.append("\n".join(lines))
    return "\n\n".join(parts)


def history_turns(history: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Gradio's message history as the engine's turns, without the rendered source lists."""
    turns = []
    for message in history:
        content = message.get("content")
        if isinstance(content, list):  # Gradio may hand content over as a list of parts
            content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
        if not isinstance(content, str):
            continue
        turns.append(
            {"role": message.get("role", "user"), "content": content.split(SOURCES_HEADING)[0].strip()}
        )
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
                    yield html.escape(draft, quote=False)
                elif isinstance(event, Final):
                    yield render_answer(event.answer)
        except LLMError as error:
            yield f"The language model is unavailable right now ({html.escape(str(error), quote=False)})."
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
        chatbot=gr.Chatbot(height=520, label="Newsdesk", sanitize_html=True),
    )


def mount_chat(app: FastAPI, path: str = "/ui") -> FastAPI:
    return gr.mount_gradio_app(app, build_chat(lambda: app.state.newsdesk), path=path)
