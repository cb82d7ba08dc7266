"""An answer as the chat shows it: HTML built from escaped text, so nothing in an article renders as markup.

Everything taken from the articles goes through ``html.escape``; the only links are the ones built here: an
answer's ``[n]`` to its source card (``#...``), a card to the article view (``articles/ID``, relative, so it
works under any mount path) and to the original URL, which the reader's browser opens only when clicked.
The HTML is one line: Gradio's Markdown renderer passes an HTML block through whole until a blank line.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

from ingest.catalog import DocumentRecord
from service.answer.types import Answer, Citation

REFUSAL_HEADING = "Not in the articles"
CLOSEST_HEADING = "Closest articles"
SOURCES_HEADING = "Sources"
_MARKER = re.compile(r"\[(\d+)\]")
_ANSWER_PARAGRAPH = re.compile(r'<p class="nd-answer">(.*?)</p>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """What a card says about an article: where it ran, when, by whom, and where the original is."""

    doc_id: str
    title: str
    outlet: str | None = None
    published: date | None = None
    byline: str | None = None
    url: str | None = None

    @classmethod
    def of(cls, record: DocumentRecord) -> Source:
        outlet = record.metadata.get("outlet")
        return cls(
            doc_id=record.id,
            title=record.title,
            outlet=outlet if isinstance(outlet, str) and outlet.strip() else record.source,
            published=record.published,
            byline=record.byline,
            url=record.url,
        )


@dataclass(frozen=True)
class Closest:
    """A near miss for a refusal: the best-ranked passage of an article."""

    source: Source
    start: int
    end: int
    text: str


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def flat(text: str) -> str:
    """One line: snippets keep the article's line breaks, which would end the HTML block."""
    return " ".join(text.split())


def same_question(question: str, query: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.casefold().rstrip(" ?.!").split())

    return norm(question) == norm(query)


def article_link(
    doc_id: str, spans: Iterable[tuple[int, int]] = (), answer: tuple[int, int] | None = None
) -> str:
    """The article view, with these spans highlighted and the first scrolled into view."""
    params = [("cite", f"{start}-{end}") for start, end in spans]
    if answer is not None:
        params.append(("answer", f"{answer[0]}-{answer[1]}"))
    query = f"?{urlencode(params)}" if params else ""
    return f"articles/{quote(doc_id, safe='')}{query}{'#cited-1' if params else ''}"


def format_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def meta_line(source: Source) -> str:
    """Outlet · date · byline · link to the original, each when known."""
    parts = []
    if source.outlet:
        parts.append(f'<span class="nd-outlet">{esc(source.outlet)}</span>')
    if source.published:
        parts.append(
            f'<time datetime="{source.published.isoformat()}">{format_date(source.published)}</time>'
        )
    if source.byline:
        parts.append(f'<span class="nd-byline">By {esc(source.byline)}</span>')
    if source.url and _SAFE_URL.match(source.url):
        parts.append(
            f'<a class="nd-original" href="{esc(source.url)}" title="{esc(source.url)}">Original ↗</a>'
        )
    return f'<div class="nd-meta">{" · ".join(parts)}</div>' if parts else ""


def filters_line(filters: str) -> str:
    return f'<p class="nd-filters">{esc(filters)}</p>' if filters else ""


def searched_line(question: str, query: str) -> str:
    """Shown only when a follow-up was rewritten into a standalone query."""
    if not query or same_question(question, query):
        return ""
    return f'<p class="nd-searched">Searched for: <q>{esc(query)}</q></p>'


def group_by_article(citations: Sequence[Citation]) -> list[list[Citation]]:
    """One group per article, in the order the answer first cites each."""
    groups: dict[str, list[Citation]] = {}
    for citation in citations:
        groups.setdefault(citation.doc_id, []).append(citation)
    return list(groups.values())


def linked_answer(answer: str, card_of: Mapping[int, str], titles: Mapping[int, str]) -> str:
    """The answer, escaped, with each ``[n]`` a link to its source card."""

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in card_of:
            return match.group(0)
        return f'<a class="nd-ref" href="#{card_of[n]}" title="{esc(titles[n])}">[{n}]</a>'

    return _MARKER.sub(link, esc(flat(answer)))


def render_answer(
    answer: Answer, sources: Mapping[str, Source], turn: str, question: str, filters: str = ""
) -> str:
    """A grounded answer: the direct answer in bold, the quoted sentences with linked ``[n]``, what was
    searched if the question was rewritten, and one card per article holding all its cited spans."""
    groups = group_by_article(answer.citations)
    card_of = {c.n: f"nd-{turn}-{k}" for k, group in enumerate(groups, start=1) for c in group}
    titles = {c.n: c.title for c in answer.citations}
    parts = [f'<div class="nd-reply nd-grounded" id="nd-{turn}">']
    if answer.direct_answer is not None:
        parts.append(f'<p class="nd-direct"><strong>{esc(flat(answer.direct_answer.text))}</strong></p>')
    parts.append(f'<p class="nd-answer">{linked_answer(answer.answer, card_of, titles)}</p>')
    parts.append(searched_line(question, answer.query))
    parts.append(filters_line(filters))
    parts.append(
        f'<div class="nd-sources"><p class="nd-sources-label">{SOURCES_HEADING}</p><ol class="nd-cards">'
    )
    said = flat(_MARKER.sub(" ", answer.answer))
    for k, group in enumerate(groups, start=1):
        first = group[0]
        source = sources.get(first.doc_id) or Source(first.doc_id, first.title)
        direct = answer.direct_answer
        strong = (direct.start, direct.end) if direct is not None and direct.doc_id == first.doc_id else None
        href = article_link(first.doc_id, [(c.start, c.end) for c in group], strong)
        numbers = "".join(f'<span class="nd-n">{c.n}</span>' for c in group)
        # A snippet the answer already quotes word for word would only say it twice.
        quotes = "".join(
            f'<blockquote class="nd-quote"><span class="nd-n">{c.n}</span> '
            f"{esc(flat(c.snippet))}</blockquote>"
            for c in group
            if flat(c.snippet) not in said
        )
        parts.append(
            f'<li class="nd-card" id="nd-{turn}-{k}"><div class="nd-card-head">{numbers}'
            f'<a class="nd-title" href="{esc(href)}">{esc(flat(source.title))}</a></div>{meta_line(source)}'
            f'{quotes}<div class="nd-card-foot"><a class="nd-read" href="{esc(href)}">Read the '
            f"{'cited passage' if len(group) == 1 else f'{len(group)} cited passages'} in the article</a> "
            f'<code class="nd-id">{esc(first.doc_id)}</code></div></li>'
        )
    parts.append("</ol></div></div>")
    return "".join(parts)


def render_refusal(
    answer: Answer, closest: Sequence[Closest], turn: str, question: str, filters: str = ""
) -> str:
    """A refusal that looks like one, says why, and lists the closest articles so staff can check."""
    parts = [
        f'<div class="nd-reply nd-refusal" id="nd-{turn}">',
        f'<p class="nd-refusal-head">{REFUSAL_HEADING}</p>',
        f'<p class="nd-answer">{esc(flat(answer.answer))}</p>',
        '<p class="nd-next">Newsdesk answers only from what the articles say. Try naming the people, places '
        "or dates involved, widen the filters, or check the closest articles yourself.</p>",
        searched_line(question, answer.query),
        filters_line(filters),
    ]
    if closest:
        parts.append(
            f'<div class="nd-sources"><p class="nd-sources-label">{CLOSEST_HEADING}</p><ol class="nd-cards">'
        )
        for k, near in enumerate(closest, start=1):
            href = article_link(near.source.doc_id, [(near.start, near.end)])
            # A first chunk opens with the headline, already the card's title.
            passage = flat(near.text).removeprefix(flat(near.source.title)).strip()
            excerpt = textwrap.shorten(passage or flat(near.text), width=240, placeholder=" …")
            parts.append(
                f'<li class="nd-card nd-closest" id="nd-{turn}-{k}"><div class="nd-card-head">'
                f'<a class="nd-title" href="{esc(href)}">{esc(flat(near.source.title))}</a></div>'
                f'{meta_line(near.source)}<blockquote class="nd-quote">{esc(excerpt)}</blockquote>'
                f'<div class="nd-card-foot"><code class="nd-id">{esc(near.source.doc_id)}</code></div></li>'
            )
        parts.append("</ol></div>")
    parts.append("</div>")
    return "".join(parts)


def is_reply(content: str) -> bool:
    return content.startswith('<div class="nd-reply')


def answer_text_of(content: str) -> str:
    """The answer as written, from a rendered reply (for follow-ups); other messages as they are."""
    found = _ANSWER_PARAGRAPH.search(content)
    if found is None:
        return content
    return html.unescape(_TAG.sub("", found.group(1)))


def turn_of(content: object) -> str | None:
    """The turn id of a rendered reply (for feedback), from Gradio's message value in whatever shape."""
    found = re.search(r'class="nd-reply[^"]*" id="nd-([0-9a-z]+)"', str(content))
    return found.group(1) if found else None
