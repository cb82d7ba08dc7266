"""Golden questions over the synthetic corpus, derived from the facts the generator wrote.

Answerable questions come from the fact records (never from re-reading the text); a question is only asked
when every article that states its fact agrees on the answer, and its gold documents are all of them.
Unanswerable questions name entities the corpus covers, asking for what no article says about them; each
carries the probe that shows the absence (no article naming the anchor also names the missing term).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from eval.synth.articles import SyntheticArticle, article_for_record, check_seed
from eval.synth.events import EVENTS_BY_NAME
from eval.synth.story import Fact
from eval.synth.world import (
    CITIES,
    FIRST_YEAR,
    LAST_YEAR,
    possessive,
    rng_for,
)

# ---------------------------------------------------------------------------------------------- questions

ANSWERABLE_STYLES = ("direct", "paraphrase", "number", "date", "name", "wrong-year")
UNANSWERABLE_STYLES = ("unstated-attribute", "missing-year", "never-visited")
_NUMERIC_KINDS = ("amount", "number", "percent")
_ATTRIBUTE_QUESTIONS = (
    ("What is the annual salary of {name}, {desc}?", ("salary", "compensation")),
    ("How much is {name}, {desc}, paid each year?", ("salary", "compensation", "a year in pay")),
    ("Who is {name}, {desc}, married to?", ("married", "wife", "husband", "spouse")),
    ("Where did {name}, {desc}, go to college?", ("college", "university", "graduate", "degree")),
    ("How old is {name}, {desc}?", ("years old", "age", "aged", "born")),
)


@dataclass(frozen=True)
class PlannedQuestion:
    """A golden-set line plus what makes it right: the fact behind it, or the probe of its absence."""

    style: str
    question: str
    fact: Fact | None = None
    doc_ids: tuple[str, ...] = ()
    # Unanswerable: no document that contains every ``absent_anchor`` term contains any ``absent_terms``.
    absent_anchor: tuple[str, ...] = ()
    absent_terms: tuple[str, ...] = ()

    def record(self, question_id: str) -> dict:
        if self.fact is None:
            return {"id": question_id, "question": self.question, "unanswerable": True, "style": self.style}
        return {
            "id": question_id,
            "question": self.question,
            "answers": list(self.fact.answers),
            "doc_ids": list(self.doc_ids),
            "style": self.style,
        }


@dataclass(frozen=True)
class _Candidate:
    fact: Fact
    question: str
    wording: str
    doc_ids: tuple[str, ...]
    styles: tuple[str, ...]


class _Corpus:
    """The generated articles indexed by what they state."""

    def __init__(self, articles: Sequence[SyntheticArticle]) -> None:
        self.articles = list(articles)
        self.texts = [a.clean_text.lower() for a in articles]
        self.by_key: dict[tuple, list[tuple[str, Fact]]] = {}
        for article in articles:
            for fact in article.facts:
                self.by_key.setdefault(fact.key, []).append((article.id, fact))
        self.years_by_series: dict[tuple, dict[int, str]] = {}
        for key, stated in self.by_key.items():
            if key[3] is not None:
                self.years_by_series.setdefault(key[:3], {})[key[3]] = stated[0][1].answers[0]

    def consistent(self, key: tuple) -> bool:
        return len({fact.answers[0] for _, fact in self.by_key[key]}) == 1

    def absent(self, anchor: Sequence[str], terms: Sequence[str]) -> bool:
        """No article that mentions every anchor term mentions any of ``terms`` (as words)."""
        return not any(mentions(text, anchor, terms) for text in self.texts)


def _word(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term.lower())}(?!\w)")


def mentions(text: str, anchor: Sequence[str], terms: Sequence[str]) -> bool:
    """Whether ``text`` names every anchor term and one of ``terms`` (case-insensitive, whole words)."""
    text = text.lower()
    return all(_word(a).search(text) for a in anchor) and any(_word(t).search(text) for t in terms)


def _answerable_candidates(corpus: _Corpus) -> list[_Candidate]:
    candidates = []
    for key, stated in corpus.by_key.items():
        if not corpus.consistent(key):
            continue  # two articles disagree on this fact (possible at scale): no single right answer
        fact = stated[0][1]
        doc_ids = tuple(sorted({doc for doc, _ in stated}))
        other_years = {
            year: answer
            for year, answer in corpus.years_by_series.get(fact.series, {}).items()
            if year != fact.year and answer != fact.answers[0]
        }
        for form in fact.forms:
            question = form.template.format_map(fact.slots)
            if any(answer.lower() in question.lower() for answer in fact.answers):
                continue
            styles = [form.wording]
            if fact.kind in _NUMERIC_KINDS:
                styles.append("number")
            elif fact.kind in ("date", "name"):
                styles.append(fact.kind)
            if other_years and "{year}" in form.template:
                styles.append("wrong-year")
            candidates.append(_Candidate(fact, question, form.wording, doc_ids, tuple(styles)))
    return candidates


def _quotas(total: int, styles: Sequence[str]) -> dict[str, int]:
    share, extra = divmod(total, len(styles))
    return {style: share + (i < extra) for i, style in enumerate(styles)}


def _pick_answerable(rng: random.Random, corpus: _Corpus, wanted: int) -> list[PlannedQuestion]:
    candidates = _answerable_candidates(corpus)
    quotas = _quotas(wanted, ANSWERABLE_STYLES)
    chosen: list[PlannedQuestion] = []
    used_keys: set[tuple] = set()
    used_docs: set[str] = set()
    while len(chosen) < wanted:
        progressed = False
        for style in ANSWERABLE_STYLES:
            if quotas[style] == 0 or len(chosen) == wanted:
                continue
            pool = [c for c in candidates if style in c.styles and c.fact.key not in used_keys]
            fresh = [c for c in pool if not used_docs & set(c.doc_ids)]
            if not (fresh or pool):
                quotas[style] = 0
                continue
            pick = rng.choice(fresh or pool)
            chosen.append(PlannedQuestion(style, pick.question, pick.fact, pick.doc_ids))
            used_keys.add(pick.fact.key)
            used_docs.update(pick.doc_ids)
            quotas[style] -= 1
            progressed = True
        if not progressed and len(chosen) < wanted:
            # Styles ran dry: spread what is left over those that still have candidates.
            open_styles = [
                style
                for style in ANSWERABLE_STYLES
                if any(style in c.styles and c.fact.key not in used_keys for c in candidates)
            ]
            if not open_styles:
                raise ValueError(
                    f"the corpus supports only {len(chosen)} answerable questions; generate more articles"
                )
            quotas.update(_quotas(wanted - len(chosen), open_styles))
    return chosen


def _unanswerable_candidates(
    corpus: _Corpus, style: str, rng: random.Random
) -> Iterator[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(question, anchor terms, absent terms) for one style, in a seeded order."""
    if style == "unstated-attribute":
        roles = {(r.person.name, r.description): r for a in corpus.articles for r in a.roles}
        for name, desc in rng.sample(sorted(roles), len(roles)):
            template, terms = rng.choice(_ATTRIBUTE_QUESTIONS)
            yield template.format(name=name, desc=desc), (name,), terms
        return
    facts = [f for a in corpus.articles for f in a.facts]
    rng.shuffle(facts)
    for fact in facts:
        forms = list(fact.forms)
        form = rng.choice(forms)
        if style == "missing-year" and "year" in fact.swappable and "{year}" in form.template:
            event = EVENTS_BY_NAME[fact.event]
            stated = corpus.years_by_series.get(fact.series, {})
            options = [y for y in range(FIRST_YEAR, LAST_YEAR + 1) if y not in stated]
            years = (
                [y for y in options if y in event.years(None)] if fact.event != "mayoral-race" else options
            )
            for year in rng.sample(years, len(years)):
                if (*fact.series, year) not in corpus.by_key:
                    question = form.template.format_map({**fact.slots, "year": str(year)})
                    yield question, (fact.anchor,), (str(year),)
                    break
        elif style == "never-visited" and "city" in fact.swappable and "{city}" in form.template:
            city = rng.choice(CITIES)
            if city.name != fact.slots.get("city"):
                swapped = {**fact.slots, "city": city.name, "city_pos": possessive(city.name)}
                yield form.template.format_map(swapped), (fact.anchor,), (city.name,)


def _pick_unanswerable(rng: random.Random, corpus: _Corpus, wanted: int) -> list[PlannedQuestion]:
    chosen: list[PlannedQuestion] = []
    seen: set[str] = set()
    anchors: set[tuple[str, ...]] = set()
    quotas = _quotas(wanted, UNANSWERABLE_STYLES)
    for attempt in range(2):  # a second pass fills what a style could not
        for style in UNANSWERABLE_STYLES:
            need = quotas[style] if attempt == 0 else wanted - len(chosen)
            for question, anchor, terms in _unanswerable_candidates(corpus, style, rng):
                if need <= 0:
                    break
                if question in seen or anchor in anchors or not corpus.absent(anchor, terms):
                    continue
                chosen.append(PlannedQuestion(style, question, absent_anchor=anchor, absent_terms=terms))
                seen.add(question)
                anchors.add(anchor)
                need -= 1
    if len(chosen) < wanted:
        raise ValueError(
            f"the corpus supports only {len(chosen)} unanswerable questions; generate more articles"
        )
    return chosen


def plan_questions(
    articles: Sequence[dict], seed: int, answerable: int, unanswerable: int
) -> list[PlannedQuestion]:
    """Questions over generated articles, with the facts (or the absences) that make each one right."""
    check_seed(seed)
    for name, value in (("answerable", answerable), ("unanswerable", unanswerable)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    corpus = _Corpus([article_for_record(record) for record in articles])
    rng = rng_for(seed, "questions")
    return _pick_answerable(rng, corpus, answerable) + _pick_unanswerable(rng, corpus, unanswerable)


def generate_questions(articles: Sequence[dict], seed: int, answerable: int, unanswerable: int) -> list[dict]:
    """Golden-set lines (see ``eval.datasets``) over ``articles``, which must come from this generator.

    Each line also carries ``style``: direct, paraphrase, number, date, name or wrong-year (a question naming
    a year for which another article states the same figure for a different year); unanswerable ones
    unstated-attribute, missing-year or never-visited.
    """
    planned = plan_questions(articles, seed, answerable, unanswerable)
    return [q.record(f"q{n:03d}") for n, q in enumerate(planned, start=1)]
