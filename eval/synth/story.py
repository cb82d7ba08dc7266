"""The pieces an event writer produces: text units, the facts they state, and the questions each fact answers.

A writer chooses the wording with the article's own random stream and takes every number, date and name from
the world (:mod:`eval.synth.world`), so the facts are ground truth and the text is only one way of saying
them. Each :class:`Fact` keeps the exact answer strings the text contains and question templates in two
wordings: *direct* (close to the article's words) and *paraphrase* (synonyms, different order).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from eval.synth.world import City, Person, count, possessive, rng_for


@dataclass(frozen=True)
class QuestionForm:
    wording: str  # "direct" or "paraphrase"
    template: str  # str.format template over the fact's slots


@dataclass(frozen=True)
class Fact:
    """One stated fact: ``answers`` occur verbatim in the article's text."""

    event: str
    subject: str  # key of the entity the fact is about
    field: str
    year: int | None
    answers: tuple[str, ...]
    kind: str  # "amount", "number", "percent", "date", "name"
    forms: tuple[QuestionForm, ...]
    slots: Mapping[str, str]
    anchor: str  # the entity's name as written: the probe for facts that are *not* stated
    swappable: tuple[str, ...] = ()  # slots an unanswerable variant may change: "year", "city"

    @property
    def key(self) -> tuple[str, str, str, int | None]:
        """What the fact is about; two articles with the same key state the same answer."""
        return (self.event, self.subject, self.field, self.year)

    @property
    def series(self) -> tuple[str, str, str]:
        """The fact without its year: the same figure for other years is a wrong-year distractor."""
        return (self.event, self.subject, self.field)


@dataclass(frozen=True)
class Unit:
    """A run of sentences that belong together (a fact and the sentence leaning on it, a quote)."""

    kind: str  # "fact", "quote", "background"
    text: str
    lead: bool = False  # belongs near the top (inverted pyramid)
    answers: tuple[str, ...] = ()  # the facts it states; a lede that states them all makes it redundant
    sentences: int = 1


@dataclass(frozen=True)
class Role:
    """A named official, for questions about what the corpus never says about them."""

    person: Person
    description: str  # "the mayor of Maple Falls, Ohio"


@dataclass(frozen=True)
class Plan:
    event: str
    subject: object
    year: int
    variant: int  # shared by near-duplicate articles so they pick the same headline wording


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# Sentences that only make sense after the one before them.
LEAN_AFTER_FIGURE = (
    "Officials did not say how the figure was calculated.",
    "The details were released late in the day.",
    "That figure was not broken down further.",
    "It was not clear how that compared with earlier years.",
)
LEAN_AFTER_QUOTE = (
    "{He} did not say when.",
    "{He} declined to elaborate.",
    "{He} did not take questions afterward.",
    "{He} did not say how.",
    "{He} did not offer details.",
    "{He} would not say more.",
)
_QUOTE_SHAPES = (
    "“{q},” said {who}, {desc}.",
    "“{q},” {who}, {desc}, said.",
    "“{q},” {who}, {desc}, said in an interview.",
    "{who}, {desc}, put it plainly: “{q}.”",
    "“{q},” {who}, {desc}, told reporters.",
)


@dataclass
class Story:
    """What an event writer fills in for one article."""

    seed: int
    rng: random.Random
    plan: Plan
    section: str = ""
    city: City | None = None  # the dateline
    published: date | None = None
    subject_key: str = ""
    anchor: str = ""
    headline: str = ""
    deck: str = ""
    lede: str = ""
    units: list[Unit] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    slots: dict[str, str] = field(default_factory=dict)

    @property
    def subject(self) -> object:
        return self.plan.subject

    @property
    def year(self) -> int:
        return self.plan.year

    def world(self, *parts: object) -> random.Random:
        """Randomness that belongs to the world (the same in every article), not to this article's wording."""
        return rng_for(self.seed, *parts)

    def begin(self, section: str, city: City, published: date, subject_key: str, anchor: str) -> None:
        self.section, self.city, self.published = section, city, published
        self.subject_key, self.anchor = subject_key, anchor
        self.slots.update(
            year=str(self.year),
            city=city.name,
            city_pos=possessive(city.name),
            state=city.state_full,
            county=city.county,
            population=count(round(city.population, -3)),
        )

    def say(self, options: Sequence[str], **extra: str) -> str:
        template = self.rng.choice(options)
        return cap(template.format_map({**self.slots, **extra} if extra else self.slots))

    def headlines(self, options: Sequence[str]) -> None:
        # Near-duplicate articles share ``variant``, so they share the headline's wording.
        self.headline = cap(options[self.plan.variant % len(options)].format_map(self.slots))

    def decks(self, options: Sequence[str], chance: float = 0.3) -> None:
        if self.rng.random() < chance:
            self.deck = self.say(options)

    def ledes(self, options: Sequence[str]) -> None:
        self.lede = self.say(options)

    def fact(
        self,
        field_name: str,
        kind: str,
        answers: str | Sequence[str],
        sentences: Sequence[str],
        direct: Sequence[str],
        paraphrase: Sequence[str],
        *,
        lead: bool = False,
        lean: float = 0.15,
        swappable: tuple[str, ...] = ("year",),
        year: int | None = -1,
    ) -> None:
        """State a fact in one of ``sentences`` and remember it with its question templates."""
        answers = (answers,) if isinstance(answers, str) else tuple(answers)
        if year == -1 and not self._names_year():
            # Questions name the year, so the article must too: the first dated fact says it.
            sentences = [t for t in sentences if "{year}" in t] or sentences
        text = self.say(sentences)
        if answers[0] not in text:
            raise AssertionError(f"{self.plan.event}.{field_name}: {answers[0]!r} is not in {text!r}")
        leans = kind in ("amount", "percent") and self.rng.random() < lean
        if leans:
            text = f"{text} {self.rng.choice(LEAN_AFTER_FIGURE)}"
        self.units.append(Unit("fact", text, lead, answers[:1], 1 + leans))
        self._remember(field_name, kind, answers, direct, paraphrase, swappable, year)

    def _names_year(self) -> bool:
        year = str(self.year)
        return year in self.lede or any(year in unit.text for unit in self.units)

    def follow(
        self,
        field_name: str,
        kind: str,
        answer: str,
        sentences: Sequence[str],
        direct: Sequence[str],
        paraphrase: Sequence[str],
        *,
        swappable: tuple[str, ...] = ("year",),
    ) -> None:
        """A fact stated in a sentence that leans on the previous one ("That is 8 percent more ...")."""
        text = self.say(sentences)
        if answer not in text:
            raise AssertionError(f"{self.plan.event}.{field_name}: {answer!r} is not in {text!r}")
        last = self.units[-1]
        self.units[-1] = Unit(
            last.kind, f"{last.text} {text}", last.lead, (*last.answers, answer), last.sentences + 1
        )
        self._remember(field_name, kind, (answer,), direct, paraphrase, swappable, -1)

    def _remember(
        self,
        field_name: str,
        kind: str,
        answers: tuple[str, ...],
        direct: Sequence[str],
        paraphrase: Sequence[str],
        swappable: tuple[str, ...],
        year: int | None,
    ) -> None:
        forms = tuple(QuestionForm("direct", t) for t in direct) + tuple(
            QuestionForm("paraphrase", t) for t in paraphrase
        )
        self.facts.append(
            Fact(
                event=self.plan.event,
                subject=self.subject_key,
                field=field_name,
                year=self.year if year == -1 else year,
                answers=answers,
                kind=kind,
                forms=forms,
                slots=self.slots,
                anchor=self.anchor,
                swappable=swappable,
            )
        )

    def quote(self, person: Person, title: str, desc: str, lines: Sequence[str], lean: float = 0.25) -> None:
        """An attributed quote; ``title`` goes before the name ("Mayor"), ``desc`` after it."""
        who = f"{title} {person.name}".strip()
        first, *more = self.rng.sample(list(lines), min(2, len(lines)))
        text = self.say(_QUOTE_SHAPES, q=first.format_map(self.slots), who=who, desc=desc)
        if more and self.rng.random() < 0.4:
            text = f"{text} “{cap(more[0].format_map(self.slots))}.”"
        elif self.rng.random() < lean:
            text = f"{text} {self.rng.choice(LEAN_AFTER_QUOTE).format(He=cap(person.he))}"
        else:
            self.units.append(Unit("quote", text))
            return
        self.units.append(Unit("quote", text, sentences=2))

    def background(
        self,
        options: Sequence[str],
        count: int,
        details: Callable[[dict[str, str], random.Random], Mapping[str, str]] | None = None,
    ) -> None:
        """Sentences that state no asked fact; ``details`` makes up per-sentence slots (a name, a number)."""
        for template in self.rng.sample(list(options), min(count, len(options))):
            slots = details(self.slots, self.rng) if details else self.slots
            self.units.append(Unit("background", cap(template.format_map(slots))))

    def role(self, person: Person, description: str) -> None:
        self.roles.append(Role(person, description))
