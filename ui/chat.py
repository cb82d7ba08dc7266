"""The chat tab of /ui: answers with their source cards, refusals with the closest articles, and feedback."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from service.answer.llm import LLMError
from service.answer.types import Answer, Draft, Final
from service.api.schemas import MAX_NOTE_CHARS, AskResponse
from service.engine import Newsdesk
from service.feedback import Feedback, FeedbackStore
from ui import documents
from ui.render import Closest, Source, answer_text_of, is_reply, render_answer, render_refusal, turn_of

log = logging.getLogger("newsdesk.ui")
EXAMPLES = [
    "When did Richard Trumka announce that the AFL-CIO would stay neutral?",
    "Who offered a jet to get Clinton to the endorsement dinner?",
    "How many emails did WikiLeaks release on Wednesday?",
]
CLOSEST_ARTICLES = 3
KEPT_TURNS = 5000
# CommonMark shows any ASCII punctuation after a backslash as itself. Escaped here: wherever they stand, what
# opens an image, link, tag, entity, code span, emphasis or table cell, and GFM's autolinks (the colon of
# "http://", the dot of "www.", the "@" of an address); at a line's start, what makes a heading, quote, list
# item or rule. Other punctuation stays bare, so the text a reader copies is the text.
_INLINE_MARKUP = re.compile(r"[\\`*_~\[\]<>&|@]|(?i:(?<=www)\.|(?<=http):|(?<=https):|(?<=ftp):)")
_LINE_START_MARKUP = re.compile(r"^([ \t]*\d*)([.)#+=-])", re.MULTILINE)
_ESCAPED_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_text(text: str) -> str:
    """Markdown that shows ``text`` exactly as written, with no image, link or tag in it rendered.

    The answer streams as Markdown before its final HTML replaces it; rendered as Markdown, an image named in
    an article made the reader's browser fetch it from another host unasked.
    """
    return _LINE_START_MARKUP.sub(r"\1\\\2", _INLINE_MARKUP.sub(r"\\\g<0>", text))


def from_text(markdown: str) -> str:
    """The text ``as_text`` was given."""
    return _ESCAPED_PUNCTUATION.sub(r"\1", markdown)


@dataclass(frozen=True)
class Turn:
    """One answered question, kept so a thumbs up or down can store what it judged."""

    question: str
    history: list[str]
    answer: Answer


class TurnLog:
    """The last ``size`` answers by turn id (in memory: a server restart forgets them, not the feedback)."""

    def __init__(self, size: int = KEPT_TURNS) -> None:
        self.size = size
        self._turns: OrderedDict[str, Turn] = OrderedDict()
        self._lock = threading.Lock()  # Gradio answers several sessions at once, each in a thread

    def add(self, turn: Turn) -> str:
        turn_id = uuid.uuid4().hex[:12]
        with self._lock:
            self._turns[turn_id] = turn
            while len(self._turns) > self.size:
                self._turns.popitem(last=False)
        return turn_id

    def get(self, turn_id: str | None) -> Turn | None:
        with self._lock:
            return self._turns.get(turn_id) if turn_id else None


def message_text(content: object) -> str | None:
    """Gradio's message content as text: a string, or a list of parts."""
    if isinstance(content, list):
        content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    if isinstance(content, dict):
        content = content.get("text")
    return content if isinstance(content, str) else None


def history_turns(history: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Gradio's message history as the engine's turns: each answer as written, without its sources."""
    turns = []
    for message in history:
        content = message_text(message.get("content"))
        if content is None:
            continue
        role = message.get("role", "user")
        if (
            role == "assistant"
        ):  # a rendered reply, or a sentence in Markdown; the user's words were never escaped
            content = answer_text_of(content) if is_reply(content) else from_text(content)
        turns.append({"role": role, "content": content})
    return turns


def sources_of(engine: Newsdesk, doc_ids: list[str]) -> dict[str, Source]:
    records = (engine.catalog.get_document(doc_id, with_text=False) for doc_id in dict.fromkeys(doc_ids))
    return {record.id: Source.of(record) for record in records if record is not None}


def closest_articles(engine: Newsdesk, query: str, filters: documents.Filters) -> list[Closest]:
    """The best-ranked passage of each of the first few articles /v1/search would return."""
    found: dict[str, Any] = {}
    for hit in engine.search(query, filters=filters.document_filter()):
        found.setdefault(hit.node.metadata["doc_id"], hit.node)
        if len(found) == CLOSEST_ARTICLES:
            break
    sources = sources_of(engine, list(found))
    return [
        Closest(sources[doc_id], node.start_char_idx or 0, node.end_char_idx or 0, node.get_content())
        for doc_id, node in found.items()
        if doc_id in sources
    ]


@dataclass
class ChatTab:
    """The components other parts of the page update: the outlet filter's choices."""

    outlet: gr.Dropdown


class Chat:
    """The chat's handlers; ``engine`` and ``feedback`` are read per request (set at start-up)."""

    def __init__(
        self, engine: Callable[[], Newsdesk], feedback: Callable[[], FeedbackStore] | None = None
    ) -> None:
        self.engine = engine
        self.feedback = feedback or (lambda: FeedbackStore.in_data_dir(engine().settings.data_dir))
        self.turns = TurnLog()

    def respond(
        self, message: str, history: list[dict[str, Any]], source: str, published_from: str, published_to: str
    ) -> Iterator[str]:
        """The answer as it is written, then the verified answer with its source cards in its place."""
        question = (message or "").strip()
        if not question:
            yield "Please type a question."
            return
        limit = self.engine().settings.max_question_chars
        if len(question) > limit:
            yield f"Please keep questions under {limit:,} characters."
            return
        try:
            filters = documents.parse_filters(source, published_from, published_to)
        except documents.FilterError as error:
            yield as_text(str(error))
            return
        earlier = history_turns(history)
        draft = ""
        try:
            for event in self.engine().ask_stream(
                question, history=earlier, filters=filters.document_filter()
            ):
                if isinstance(event, Draft):
                    draft += event.text
                    yield as_text(draft)
                elif isinstance(event, Final):
                    yield self.finished(question, earlier, event.answer, filters)
        except LLMError as error:
            yield f"The language model is unavailable right now ({as_text(str(error))})."
        except Exception:  # the reader gets a plain sentence; what went wrong goes to the log only
            log.exception("the chat could not answer a question")
            yield "Sorry, Newsdesk could not answer that question. Please try again or rephrase it."

    def finished(
        self, question: str, earlier: list[dict[str, str]], answer: Answer, filters: documents.Filters
    ) -> str:
        """The reply's HTML, with the turn remembered for feedback."""
        engine = self.engine()
        asked = [turn["content"] for turn in earlier if turn["role"] == "user"]
        turn = self.turns.add(Turn(question, asked, answer))
        names = {outlet.source: outlet.name for outlet in documents.outlets(engine)} if filters.source else {}
        described = filters.describe(names)
        if answer.grounded:
            sources = sources_of(engine, [c.doc_id for c in answer.citations])
            return render_answer(answer, sources, turn, question, described)
        closest = closest_articles(engine, answer.query or question, filters)
        return render_refusal(answer, closest, turn, question, described)

    def on_like(self, data: gr.LikeData) -> tuple[Any, Any, int | None, str]:
        """Store a thumbs up or down at once, with what it judged; then offer the note."""
        turn = self.turns.get(turn_of(data.value))
        if turn is None or data.liked not in (True, False):
            return gr.update(visible=False), gr.update(), None, ""
        body = AskResponse.of(turn.answer).model_dump(mode="json")
        saved = self.feedback().add(
            Feedback(
                rating="up" if data.liked else "down",
                question=turn.question,
                answer=turn.answer.answer,
                grounded=turn.answer.grounded,
                citations=body["citations"],
                direct_answer=body["direct_answer"],
                query=turn.answer.query,
                history=turn.history,
                origin="ui",
            )
        )
        prompt = (
            "Thanks: saved. Add a note if you like."
            if data.liked
            else "Thanks: saved. What is right? Note the right answer, or write *not in the articles*."
        )
        return gr.update(visible=True), gr.update(value=""), saved.id, prompt

    def on_note(self, note: str, feedback_id: int | None) -> tuple[Any, str]:
        if feedback_id is None or not self.feedback().set_note(feedback_id, (note or "")[:MAX_NOTE_CHARS]):
            return gr.update(), "Rate an answer first (thumbs up or down under it)."
        return gr.update(visible=False), "Note saved with your feedback. Thank you."

    def render(self) -> ChatTab:
        """The tab's components, in the Blocks being built."""
        with gr.Accordion("Filter the articles", open=False, elem_id="nd-filters"), gr.Row():
            outlet = gr.Dropdown(
                choices=[documents.ALL_OUTLETS], value="", label="Outlet", elem_id="nd-outlet", scale=2
            )
            date_from = gr.Textbox(
                label="Published from", placeholder="YYYY-MM-DD", min_width=130, elem_id="nd-from"
            )
            date_to = gr.Textbox(
                label="Published to", placeholder="YYYY-MM-DD", min_width=130, elem_id="nd-to"
            )
        chat = gr.ChatInterface(
            self.respond,
            additional_inputs=[outlet, date_from, date_to],
            # No filter values in the examples: Gradio then shows them in the empty chat, not under the page.
            examples=[[example, None, None, None] for example in EXAMPLES],
            cache_examples=False,
            flagging_mode="never",
            api_name="ask",
            fill_height=False,
            chatbot=gr.Chatbot(
                elem_id="nd-chat",
                show_label=False,
                height="calc(100dvh - 320px)",
                min_height=320,
                layout="panel",
                buttons=["copy"],
                sanitize_html=True,
                # No LaTeX: "$$" in an article is text, and KaTeX would render it.
                latex_delimiters=[],
                placeholder="Ask about the articles. Every answer quotes and numbers its sources.",
            ),
            textbox=gr.Textbox(
                placeholder="Ask a question about the articles…",
                show_label=False,
                submit_btn="Send",  # a labelled button: the icon alone had no accessible name
                stop_btn="Stop",
                elem_id="nd-question",
                lines=1,
                max_lines=6,
            ),
        )
        feedback_id = gr.State(None)
        status = gr.Markdown(elem_id="nd-feedback-status")
        with gr.Group(visible=False, elem_id="nd-note") as note_group:
            note = gr.Textbox(
                label="Note (optional): the right answer, or “not in the articles”",
                max_length=MAX_NOTE_CHARS,
                elem_id="nd-note-text",
            )
            save = gr.Button("Save note", size="sm", elem_id="nd-note-save")
        chat.chatbot.like(
            self.on_like, None, [note_group, note, feedback_id, status], api_visibility="private"
        )
        save.click(self.on_note, [note, feedback_id], [note_group, status], api_visibility="private")
        return ChatTab(outlet=outlet)
