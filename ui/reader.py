"""The article view: the cleaned text (what GET /v1/documents/{id} returns) with the cited spans marked.

A source card links here with the exact offsets of its citations (``?cite=START-END``, repeatable, and
``answer=START-END`` for the direct answer); the first mark is the page's ``#cited-1`` anchor, so the browser
scrolls it into view without a script. The page is self-contained: its Content-Security-Policy lets it load
nothing at all, whatever an article holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from ui.render import Source, esc, meta_line

MAX_SPANS = 50
_SPAN = re.compile(r"^(\d{1,9})-(\d{1,9})$")
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
STYLE = """
body{margin:0;background:#f6f7f9;color:#1f2328;
  font:17px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:46rem;margin:0 auto;padding:1.25rem 1rem 40vh;background:#fff;min-height:100vh}
.nd-kicker{color:#57606a;font-size:.85rem;margin:0 0 .5rem}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 .5rem}
.nd-meta{color:#57606a;font-size:.9rem;margin-bottom:.75rem}
.nd-meta a{color:#0b57d0}
.nd-legend{font-size:.9rem;background:#fff8c5;border-left:4px solid #d4a72c;padding:.4rem .6rem}
.nd-text{white-space:pre-wrap;overflow-wrap:anywhere}
mark{background:#fff1a8;padding:.05em 0;border-bottom:2px solid #d4a72c;scroll-margin-top:30vh}
mark:target{background:#ffe066}
strong.nd-direct{background:#ffd43b}
"""


def parse_spans(name: str, values: Sequence[str], length: int) -> list[tuple[int, int]]:
    """``START-END`` offsets inside a text of ``length`` characters; a 422 naming ``name`` otherwise."""
    if len(values) > MAX_SPANS:
        raise HTTPException(422, detail=f"{name}: at most {MAX_SPANS} spans (got {len(values)})")
    spans = []
    for value in values:
        found = _SPAN.match(value)
        if found is None:
            raise HTTPException(422, detail=f"{name}: {value[:40]!r} is not START-END, e.g. 120-245")
        start, end = int(found.group(1)), int(found.group(2))
        if not start < end <= length:
            raise HTTPException(
                422, detail=f"{name}: {value} is not a span of the article's {length:,} characters"
            )
        spans.append((start, end))
    return spans


def merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _emphasised(text: str, start: int, end: int, strong: tuple[int, int] | None) -> str:
    """``text[start:end]`` escaped, with the part inside ``strong`` in bold."""
    if strong is None or strong[1] <= start or strong[0] >= end:
        return esc(text[start:end])
    inner_start, inner_end = max(start, strong[0]), min(end, strong[1])
    return (
        esc(text[start:inner_start])
        + f'<strong class="nd-direct">{esc(text[inner_start:inner_end])}</strong>'
        + esc(text[inner_end:end])
    )


def highlight(text: str, spans: Sequence[tuple[int, int]], strong: tuple[int, int] | None = None) -> str:
    """The text as HTML with each (merged) cited span in a ``<mark id="cited-K">`` and the direct answer bold.

    The marks hold exactly ``text[start:end]``: the offsets the API returned are what the reader sees."""
    out = []
    position = 0
    for number, (start, end) in enumerate(merge(spans), start=1):
        out.append(_emphasised(text, position, start, strong))
        out.append(f'<mark id="cited-{number}">{_emphasised(text, start, end, strong)}</mark>')
        position = end
    out.append(_emphasised(text, position, len(text), strong))
    return "".join(out)


def article_page(
    source: Source, text: str, spans: Sequence[tuple[int, int]], strong: tuple[int, int] | None
) -> str:
    count = len(merge(spans))
    legend = (
        f'<p class="nd-legend">{count} cited passage{"s" if count != 1 else ""} highlighted.</p>'
        if count
        else ""
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(source.title)} · Newsdesk</title><style>{STYLE}</style></head><body><main>"
        '<p class="nd-kicker">Newsdesk · the article as indexed</p>'
        f"<h1>{esc(source.title)}</h1>{meta_line(source)}{legend}"
        f'<div class="nd-text">{highlight(text, spans, strong)}</div></main></body></html>'
    )


router = APIRouter(include_in_schema=False)


@router.get("/ui/articles/{doc_id}", response_class=HTMLResponse)
def read_article(
    request: Request,
    doc_id: str,
    cite: list[str] = Query(default=[], description="START-END of each cited span"),
    answer: str | None = Query(default=None, description="START-END of the direct answer"),
) -> HTMLResponse:
    record = request.app.state.newsdesk.catalog.get_document(doc_id)
    if record is None:
        raise HTTPException(404, detail=f"doc_id: no document with id {doc_id!r}")
    text = record.text or ""
    spans = parse_spans("cite", cite, len(text))
    strong = parse_spans("answer", [answer], len(text))[0] if answer else None
    page = article_page(Source.of(record), text, spans, strong)
    return HTMLResponse(page, headers={"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"})
