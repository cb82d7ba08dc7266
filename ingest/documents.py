"""From a loaded article to the document we index: cleaned text, plus the dateline and byline it states."""

from __future__ import annotations

import json

from ingest.cleaning import PARAGRAPH_BREAK, clean_article, normalize_text
from ingest.metadata import find_byline, find_published_date
from ingest.models import Article, Document, InvalidDocumentError


def clean_document(article: Article) -> Document:
    """The headline opens the reference text, so answers (and citations) can come from it too."""
    check_unicode(article)
    body = clean_article(article.body)
    if not body:
        raise InvalidDocumentError("text", "no article text is left after removing boilerplate")
    title = " ".join(normalize_text(article.title).split()) or article.id
    text = f"{title}{PARAGRAPH_BREAK}{body}"
    return Document(
        id=article.id,
        title=title,
        text=text,
        url=article.url,
        source=article.source,
        published=article.published or find_published_date(text),
        byline=article.byline or find_byline(text, title),
        metadata=dict(article.metadata),
    )


def check_unicode(article: Article) -> None:
    """Fields kept verbatim must be real Unicode: a lone surrogate (JSON ``"\\ud800"``) cannot be stored."""
    verbatim = {"url": article.url, "source": article.source, "byline": article.byline}
    for name, value in [*verbatim.items(), ("metadata", article.metadata)]:
        try:
            json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
        except UnicodeEncodeError as error:
            raise InvalidDocumentError(
                name, f"'{name}' holds invalid Unicode (a lone surrogate such as \\ud800)"
            ) from error
