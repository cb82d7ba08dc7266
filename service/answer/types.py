"""What an answer is: the answer with its citations, the stream events that write it, the answerer interface.

Every answerer (extractive, generative) returns these records, and the API, the UI, the CLI and the evaluation
read only these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from llama_index.core.schema import NodeWithScore

from service.judge.direct_answer import DirectAnswer

REFUSAL = "The articles do not contain an answer to this question."


@dataclass(frozen=True)
class Citation:
    """``snippet == document.text[start:end]``, exactly."""

    n: int
    doc_id: str
    title: str
    snippet: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Verification:
    """What checking a generated answer did: sentences kept and dropped, markers removed, fallback taken."""

    sentences: int  # sentences in the model's output
    kept: int
    dropped: int  # not supported by the snippets they cite (or by any snippet, when they cite none)
    removed_markers: int  # [n] naming no source in the prompt
    attributed: int  # sentences that cited nothing, kept with the source that supports them
    fallback: bool  # nothing was supported: the answer is the extractive one


@dataclass
class Answer:
    answer: str
    grounded: bool
    citations: list[Citation]
    timings_ms: dict[str, float] = field(default_factory=dict)
    query: str = ""  # the standalone query actually searched (after follow-up rewriting)
    answerer: str = "extractive"
    verification: Verification | None = None  # generative answerers only
    direct_answer: DirectAnswer | None = None  # the date, number, name or place asked for, when one is


def refusal(answerer: str = "extractive") -> Answer:
    return Answer(answer=REFUSAL, grounded=False, citations=[], answerer=answerer)


# --- streaming ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """Text as it is written: a language model's raw output, or the extractive answer in word chunks."""

    text: str


@dataclass(frozen=True)
class Verified:
    """A piece of the final answer text, released once verified; the pieces add up to ``Final.answer``."""

    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


AnswerEvent = Draft | Verified | Final

_WORD_CHUNK = re.compile(r"\s*\S+")


def word_chunks(text: str) -> list[str]:
    """``text`` in pieces of one word each (with the space before it) that join back to ``text``."""
    return _WORD_CHUNK.findall(text)


def stream_finished(answer: Answer) -> Iterator[AnswerEvent]:
    """A finished answer as a stream, so that clients have one code path whatever the answerer."""
    for chunk in word_chunks(answer.answer):
        yield Draft(chunk)
        yield Verified(chunk)
    yield Final(answer)


class Answerer(Protocol):
    name: str

    def answer(self, question: str, nodes: Sequence[NodeWithScore]) -> Answer: ...

    def stream(self, question: str, nodes: Sequence[NodeWithScore]) -> Iterator[AnswerEvent]:
        """``Draft`` and ``Verified`` events, then exactly one ``Final``."""
        ...
