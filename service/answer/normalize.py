"""Answer text compared as SQuAD compares it: the feedback export and the evaluation metrics share it."""

from __future__ import annotations

import re
import string
import unicodedata

# Curly quotes as straight ones, one character for one (offsets into the text stay valid).
_STRAIGHT = {"’": "'", "‘": "'", "“": '"', "”": '"'}
STRAIGHT_QUOTES = str.maketrans(_STRAIGHT)
_QUOTES = str.maketrans({**_STRAIGHT, "–": "-", "—": "-", "\u00a0": " "})
_ARTICLES = re.compile(r"\b(a|an|the)\b")
# Punctuation becomes a space ("credulity,given" is two words); % and $ carry meaning in answers.
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation.replace("%", "").replace("$", "")) + "]")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")


def normalize_answer(text: str) -> str:
    """Lowercase, unify quotes and dashes, drop punctuation and articles, collapse spaces (SQuAD-style)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = _ORDINAL.sub(r"\1", text)
    text = _PUNCTUATION.sub(" ", text)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())
