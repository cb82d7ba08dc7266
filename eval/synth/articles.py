"""Articles of the synthetic corpus: which story each one tells, and the page it is printed on.

Article ``i`` is written from a random stream seeded by ``(seed, i)`` and from the plan of its *cluster*
of ten articles (seeded by ``(seed, i // 10)``), never from a shared running stream, so it is the same
however many articles are generated. Each cluster holds a subject covered in three different years and
another in two (a question naming a year then has a true-fact-from-the-wrong-year distractor), the same
event in two places in the same year (near-duplicate headlines), and stand-alone stories.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from eval.synth.events import EVENTS, EVENTS_BY_NAME, Event
from eval.synth.story import Fact, Plan, Role, Story, Unit
from eval.synth.world import (
    OUTLET_KINDS,
    WIRE_SERVICES,
    City,
    derive,
    person_for,
    random_person,
    rng_for,
    slug,
)

CLUSTER_SIZE = 10
PARAGRAPHS = (6, 14)
_ID = re.compile(r"^syn(\d+)-(\d{6,})$")

# ---------------------------------------------------------------------------------------------- planning


def _weighted(rng: random.Random, events: Sequence[Event]) -> Event:
    return rng.choices(events, weights=[e.weight for e in events])[0]


_SERIES = tuple(e for e in EVENTS if e.series)
_TWINS = tuple(e for e in EVENTS if e.twins is not None)
# Stand-alone slots favour the events that cannot recur, so every section gets its share.
_SINGLE_WEIGHTS = [e.weight * (0.5 if e.series else 2.0) for e in EVENTS]


def _series_plans(rng: random.Random, length: int) -> list[Plan]:
    while True:
        event = _weighted(rng, _SERIES)
        subject = event.pick(rng)
        years = event.years(subject)
        if len(years) >= length:
            variant = rng.randrange(1000)
            return [Plan(event.name, subject, year, variant) for year in sorted(rng.sample(years, length))]


def _twin_plans(rng: random.Random) -> list[Plan]:
    event = _weighted(rng, _TWINS)
    assert event.twins is not None
    first, second = event.twins(rng)
    years = [y for y in event.years(first) if y in event.years(second)]
    year, variant = rng.choice(years), rng.randrange(1000)
    return [Plan(event.name, first, year, variant), Plan(event.name, second, year, variant)]


def _single_plan(rng: random.Random) -> Plan:
    event = rng.choices(EVENTS, weights=_SINGLE_WEIGHTS)[0]
    subject = event.pick(rng)
    return Plan(event.name, subject, rng.choice(event.years(subject)), rng.randrange(1000))


@lru_cache(maxsize=64)
def cluster_plans(seed: int, cluster: int) -> tuple[Plan, ...]:
    """The ten articles of a cluster: a three-year series, a two-year series, a same-year pair, singles."""
    rng = rng_for(seed, "cluster", cluster)
    plans = _series_plans(rng, 3) + _series_plans(rng, 2) + _twin_plans(rng)
    while len(plans) < CLUSTER_SIZE:
        plans.append(_single_plan(rng))
    rng.shuffle(plans)
    return tuple(plans)


# ---------------------------------------------------------------------------------------------- page noise

_STRAY_BOILERPLATE = (
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Subscribe to our newsletter for the latest local news…",
    "Sign up for our free morning newsletter",
    "Click here to get breaking news alerts on your phone.",
    "Follow us on Facebook and Instagram",
    "Subscribe now for unlimited digital access",
)
_COMMENTS = (
    "Great reporting, thank you.",
    "Nobody asked the people who actually live here.",
    "Same story every year.",
    "Where can I read the full document?",
    "This is why I moved out of town.",
    "Finally some good news.",
)
_RELATED = (
    "Council to hold hearing on parking rules",
    "School board weighs later start times",
    "Five things to know before the holiday weekend",
    "Local bakery celebrates its anniversary",
    "Road closures planned downtown next month",
    "Library extends weekend hours",
)


def _end_boilerplate(rng: random.Random, source: str, year: int) -> list[str]:
    kind = rng.randrange(5)
    if kind == 0:
        reader = random_person(rng)
        return [
            "Leave a Reply",
            "Your email address will not be published. Required fields are marked *",
            f"{reader.first} {reader.last[0]}. says:",
            rng.choice(_COMMENTS),
        ]
    if kind == 1:
        return ["COMMENTS", *rng.sample(_COMMENTS, 2)]
    if kind == 2:
        return [f"{rng.randint(2, 40)} Comments", *rng.sample(_COMMENTS, 3)]
    if kind == 3:
        return ["Related Stories", *rng.sample(_RELATED, 3)]
    return [
        "Subscribe to our newsletter for the latest headlines…",
        f"© {year} {source}. All rights reserved.",
        "Share this article",
        "Facebook",
    ]


# ---------------------------------------------------------------------------------------------- assembly


@dataclass(frozen=True)
class SyntheticArticle:
    """An article record in the JSONL ingest format, with the ground truth it was written from."""

    record: dict[str, str]
    facts: tuple[Fact, ...]
    roles: tuple[Role, ...]
    content: str  # the body a correct cleaner keeps: everything but the boilerplate

    @property
    def id(self) -> str:
        return self.record["id"]

    @property
    def clean_text(self) -> str:
        """What ``ingest.documents.clean_document`` should produce: headline, blank line, body."""
        return f"{self.record['title']}\n\n{self.content}"


def doc_id(seed: int, index: int) -> str:
    return f"syn{seed}-{index:06d}"


def parse_doc_id(value: str) -> tuple[int, int] | None:
    match = _ID.match(value)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _merge(first: Unit, second: Unit) -> Unit:
    return Unit(
        first.kind,
        f"{first.text} {second.text}",
        first.lead,
        first.answers + second.answers,
        first.sentences + second.sentences,
    )


def _group(rng: random.Random, units: list[Unit], joining: float) -> list[Unit]:
    paragraphs: list[Unit] = []
    for unit in units:
        last = paragraphs[-1] if paragraphs else None
        if (
            last is not None
            and "quote" not in (last.kind, unit.kind)  # quotes stand alone, as in print
            and last.sentences + unit.sentences <= 3
            and rng.random() < joining
        ):
            paragraphs[-1] = _merge(last, unit)
        else:
            paragraphs.append(unit)
    return paragraphs


def _paragraphs(rng: random.Random, story: Story) -> list[str]:
    """Lede with dateline, lead facts, the rest shuffled; one to three sentences a paragraph, 6-14 in all."""
    assert story.city is not None
    lede = f"{story.city.dateline} {story.lede}"
    # A fact the lede already states would only repeat it (unless it is where the story's year is named).
    year = str(story.year)
    units = [
        u
        for u in story.units
        if not (u.answers and all(a in lede for a in u.answers) and (year in lede or year not in u.text))
    ]
    lead = [u for u in units if u.lead]
    rest = [u for u in units if not u.lead]
    rng.shuffle(rest)
    joining = rng.uniform(0.3, 0.8)  # some outlets write one-sentence paragraphs, others longer ones
    paragraphs = _group(rng, lead + rest, joining)
    if len(paragraphs) + 1 + bool(story.deck) < PARAGRAPHS[0]:
        paragraphs = _group(rng, lead + rest, 0.0)
    most = rng.randint(*PARAGRAPHS) - 1 - bool(story.deck)
    while len(paragraphs) > most:
        # Too long for the page: join short neighbours first, then cut background, then join anything.
        pairs = [
            i
            for i in range(len(paragraphs) - 1)
            if "quote" not in (paragraphs[i].kind, paragraphs[i + 1].kind)
            and paragraphs[i].sentences + paragraphs[i + 1].sentences <= 3
        ]
        background = [i for i, u in enumerate(paragraphs) if u.kind == "background" and u.sentences == 1]
        if pairs:
            i = rng.choice(pairs)
        elif background:
            del paragraphs[rng.choice(background)]
            continue
        else:
            sizes = [
                paragraphs[i].sentences + paragraphs[i + 1].sentences for i in range(len(paragraphs) - 1)
            ]
            i = sizes.index(min(sizes))
        paragraphs[i : i + 2] = [_merge(paragraphs[i], paragraphs[i + 1])]
    return [lede, *(u.text for u in paragraphs)]


def _outlet(seed: int, rng: random.Random, city: City) -> str:
    if rng.random() < 0.7:
        return f"The {city.name} {OUTLET_KINDS[derive(seed, 'outlet', city.key) % len(OUTLET_KINDS)]}"
    return rng.choice(WIRE_SERVICES)


def _byline(seed: int, rng: random.Random, source: str) -> str:
    staff = [person_for(seed, "reporter", source, rng.randrange(12)).name for _ in range(2)]
    return staff[0] if rng.random() < 0.8 or staff[0] == staff[1] else f"{staff[0]} and {staff[1]}"


def build_article(seed: int, index: int) -> SyntheticArticle:
    """Article ``index`` of the corpus for ``seed``: the same however many articles are generated."""
    plan = cluster_plans(seed, index // CLUSTER_SIZE)[index % CLUSTER_SIZE]
    rng = rng_for(seed, "article", index)
    story = Story(seed, rng, plan)
    EVENTS_BY_NAME[plan.event].write(story)
    assert story.city is not None and story.published is not None
    content = _paragraphs(rng, story)
    if story.deck:
        content.insert(0, story.deck)
    source = _outlet(seed, rng, story.city)
    page = list(content)
    if rng.random() < 0.15:
        page.insert(0, f"{random_person(rng).name} / AP")  # a photo credit above the text
    for stray in rng.sample(_STRAY_BOILERPLATE, rng.choice((0, 0, 1, 1, 2))):
        page.insert(rng.randint(2, len(page) - 1), stray)
    if rng.random() < 0.4:
        page.extend(_end_boilerplate(rng, source, story.published.year))
    day = story.published
    record = {
        "id": doc_id(seed, index),
        "title": story.headline,
        "text": "\n\n".join(page),
        "url": f"https://www.{slug(source.removeprefix('The '))}.com/{story.section}/{day:%Y/%m/%d}/"
        f"{slug(story.headline)[:80].rstrip('-')}",
        "source": source,
        "published": day.isoformat(),
        "byline": _byline(seed, rng, source),
        "section": story.section,
    }
    return SyntheticArticle(record, tuple(story.facts), tuple(story.roles), "\n\n".join(content))


def check_seed(seed: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def iter_articles(count: int, seed: int) -> Iterator[SyntheticArticle]:
    check_seed(seed)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"count must be a non-negative integer, got {count!r}")
    for index in range(count):
        yield build_article(seed, index)


def generate_articles(count: int, seed: int) -> Iterator[dict]:
    """``count`` article records in the JSONL ingest format, streamed in constant memory."""
    for article in iter_articles(count, seed):
        yield article.record


def article_for_record(record: dict) -> SyntheticArticle:
    """The ground truth behind a record this module generated (its id names the seed and the index)."""
    parsed = parse_doc_id(str(record.get("id", "")))
    if parsed is None:
        raise ValueError(f"{record.get('id')!r} is not a synthetic article id (expected syn<seed>-<index>)")
    article = build_article(*parsed)
    if article.record != record:
        raise ValueError(f"article {record['id']!r} differs from what eval.synthetic generates for its id")
    return article
