"""Capitals back in a question typed in lower case, read from the articles it retrieved.

"when did samsung introduce the galaxy s23?" names nothing to the judge's name checks, which look for
capitals: an article about the Galaxy S22 would answer it. The retrieved articles write "Samsung" and
"Galaxy"; a model code ("s23", "a380") is written in capitals wherever news writes it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_MODEL_CODE = re.compile(r"\b[a-z]{1,3}\d+[a-z]?\b")


def is_lower_case(question: str) -> bool:
    """No capital after the first letter: how a question typed in a hurry looks."""
    letters = [c for c in question if c.isalpha()]
    return len(letters) > 1 and not any(c.isupper() for c in letters[1:])


def truecase(question: str, texts: Iterable[str]) -> str:
    """``question`` with each lower-case word written as ``texts`` mostly write it; unchanged when the
    question already has capitals."""
    if not is_lower_case(question):
        return question
    forms: Counter[str] = Counter(match.group(0) for text in texts for match in _WORD.finditer(text))
    by_lower: dict[str, Counter[str]] = {}
    for form, count in forms.items():
        by_lower.setdefault(form.lower(), Counter())[form] += count

    def cased(match: re.Match[str]) -> str:
        word = match.group(0)
        seen = by_lower.get(word.lower())
        if seen:
            form, count = seen.most_common(1)[0]
            # Capitals only where the articles write the word so more often than not: "Bowl" in "Citrus
            # Bowl" and "bowl" of soup leave "bowl" alone.
            if form != word and not form.islower() and count > seen[word.lower()]:
                return form
        if _MODEL_CODE.fullmatch(word):
            return word.upper()
        return word

    found = _WORD.sub(cased, question)
    return found[:1].upper() + found[1:]
