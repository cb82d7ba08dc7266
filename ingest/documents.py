"""From a loaded article to the document we index: cleaned text, plus the dateline and byline it states."""

from __future__ import annotations

import json
import textwrap

from ingest.chunking import split_sentences
from ingest.cleaning import PARAGRAPH_BREAK, clean_article, normalize_text
from ingest.metadata import find_byline, find_published_date
from ingest.models import Article, Document, InvalidDocumentError

# A title derived from an untitled article's first sentence is cut (at a word) to a headline's length.
DERIVED_TITLE_CHARS = 100
# The first sentence is looked for in this much of the text: a sentence longer than it is cut anyway.
_FIRST_SENTENCE_SCAN = 2000


def clean_document(article: Article) -> Document:
    """The headline opens the reference text, so answers (and citations) can come from it too.

    An untitled article (some real feeds have them) is titled with its first sentence and the metadata says
    so (``title_derived``); that title is not put in front of the text, which already opens with it.
    """
    check_unicode(article)
    body = clean_article(article.body)
    if not body:
        raise InvalidDocumentError("text", "no article text is left after removing boilerplate")
    title = " ".join(normalize_text(article.title).split())
    metadata = dict(article.metadata)
    if title:
        text = f"{title}{PARAGRAPH_BREAK}{body}"
    else:
        title, text = derive_title(body), body
        metadata["title_derived"] = True
    return Document(
        id=article.id,
        title=title,
        text=text,
        url=article.url,
        source=article.source,
        published=article.published or find_published_date(text),
        byline=article.byline or find_byline(text, title),
        metadata=metadata,
    )


def derive_title(text: str, limit: int = DERIVED_TITLE_CHARS) -> str:
    """The first sentence of ``text``; over ``limit`` characters, cut at a word and given an ellipsis."""
    head = text.lstrip()[:_FIRST_SENTENCE_SCAN]
    spans = split_sentences(head)
    sentence = " ".join((head[spans[0][0] : spans[0][1]] if spans else head).split())
    title = textwrap.shorten(sentence, width=limit, placeholder="…", break_on_hyphens=False)
    if title == "…":  # a first word longer than the limit: cut inside it
        return sentence[: limit - 1] + "…"
    if title != sentence:
        title = title[:-1].rstrip(",;:-–—") + "…"
    return title


def check_unicode(article: Article) -> None:
    """Fields kept verbatim must be real Unicode: a lone surrogate (JSON ``"\\ud800"``) cannot be stored, nor
    can a NUL character in PostgreSQL (shared-store mode), so both modes refuse it in the same fields."""
    verbatim = {"url": article.url, "source": article.source, "byline": article.byline}
    for name, value in verbatim.items():
        if value is not None and "\x00" in value:
            raise InvalidDocumentError(name, f"'{name}' holds a NUL character (\\x00)")
    for name, value in [*verbatim.items(), ("metadata", article.metadata)]:
        try:
            json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
        except UnicodeEncodeError as error:
            raise InvalidDocumentError(
                name, f"'{name}' holds invalid Unicode (a lone surrogate such as \\ud800)"
            ) from error
