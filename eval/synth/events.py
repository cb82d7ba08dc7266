"""The kinds of news story the synthetic corpus holds, with how each picks its subject and years."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from eval.synth.events_government import (
    election_years,
    write_bond,
    write_budget,
    write_contract,
    write_endorsement,
    write_mayoral_race,
    write_ratification,
    write_sentencing,
    write_settlement,
)
from eval.synth.events_society import (
    TOPICS,
    write_earnings,
    write_final,
    write_health_report,
    write_merger,
    write_plant,
    write_season,
    write_storm,
    write_study,
    write_wildfire,
)
from eval.synth.story import Story
from eval.synth.world import (
    ALL_YEARS,
    CITIES,
    COMPANIES,
    DISEASES,
    FIRE_PLACES,
    LEAGUES,
    TEAMS,
    UNIONS,
    random_person,
    universities,
)


@dataclass(frozen=True)
class Event:
    name: str
    section: str
    weight: float
    pick: Callable[[random.Random], object]  # a subject
    write: Callable[[Story], None]
    years: Callable[[object], tuple[int, ...]] = lambda _subject: ALL_YEARS
    twins: Callable[[random.Random], tuple[object, object]] | None = None  # the same event, another place
    series: bool = False  # recurs yearly for the same subject


def _two_cities(rng: random.Random) -> tuple[object, object]:
    first, second = rng.sample(CITIES, 2)
    return first, second


def _plant_twins(rng: random.Random) -> tuple[object, object]:
    company = rng.choice(COMPANIES)
    first, second = rng.sample(CITIES, 2)
    return (company, first), (company, second)


def _merger_pair(rng: random.Random) -> object:
    buyer, target = rng.sample(COMPANIES, 2)
    return buyer, target


def _random_defendant(rng: random.Random) -> object:
    return random_person(rng)


def _health_subject(rng: random.Random) -> object:
    return rng.choice(CITIES), rng.randrange(len(DISEASES))


def _even_years(_subject: object) -> tuple[int, ...]:
    return tuple(y for y in ALL_YEARS if y % 2 == 0)


def _reported_next_year(_subject: object) -> tuple[int, ...]:
    return ALL_YEARS[:-1]  # results for a year come out early the next one


def _adopted_year_before(_subject: object) -> tuple[int, ...]:
    return ALL_YEARS[1:]  # a budget for a year is adopted in the autumn before


def _any_city(rng: random.Random) -> object:
    return rng.choice(CITIES)


# Weights balance the sections: events that recur (series) or pair up (twins) get extra slots in every
# cluster, so the stand-alone kinds weigh more.
EVENTS: tuple[Event, ...] = (
    Event("budget", "local-government", 0.7, _any_city, write_budget, _adopted_year_before, _two_cities,
          series=True),
    Event("contract", "local-government", 0.6, _any_city, write_contract, twins=_two_cities),
    Event("endorsement", "labor", 1.0, lambda r: r.choice(UNIONS), write_endorsement, _even_years,
          series=True),
    Event("ratification", "labor", 0.8, lambda r: r.choice(UNIONS), write_ratification, series=True),
    Event("mayoral-race", "elections", 0.9, _any_city, write_mayoral_race, election_years, series=True),
    Event("bond", "elections", 0.8, _any_city, write_bond, twins=_two_cities),
    Event("sentencing", "courts", 1.3, _random_defendant, write_sentencing),
    Event("settlement", "courts", 0.9, _any_city, write_settlement, twins=_two_cities),
    Event("earnings", "business", 0.8, lambda r: r.choice(COMPANIES), write_earnings, _reported_next_year,
          series=True),
    Event("merger", "business", 0.6, _merger_pair, write_merger),
    Event("plant", "business", 0.6, lambda r: (r.choice(COMPANIES), r.choice(CITIES)), write_plant,
          twins=_plant_twins),
    Event("final", "sports", 0.8, lambda r: r.choice(LEAGUES), write_final, series=True),
    Event("season", "sports", 0.8, lambda r: r.choice(TEAMS), write_season, series=True),
    Event("storm", "weather", 0.7, _any_city, write_storm, twins=_two_cities, series=True),
    Event("wildfire", "weather", 1.0, lambda r: (r.choice(FIRE_PLACES), r.choice(CITIES)), write_wildfire),
    Event("study", "science-health", 1.5, lambda r: (r.choice(universities()), r.randrange(len(TOPICS))),
          write_study),
    Event("health-report", "science-health", 1.1, _health_subject, write_health_report, _reported_next_year,
          series=True),
)  # fmt: skip
EVENTS_BY_NAME = {event.name: event for event in EVENTS}
