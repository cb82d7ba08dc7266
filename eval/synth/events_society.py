"""Event writers for business, sports, weather, science and health.

Each writer takes its facts from the world (:mod:`eval.synth.world`) and its wording from the article's random
stream; see :class:`eval.synth.story.Story`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from eval.synth.context import add_context
from eval.synth.story import Story, cap
from eval.synth.world import (
    CITIES,
    DISEASES,
    JOURNALS,
    City,
    Company,
    League,
    Team,
    ap_date,
    count,
    day_in,
    derive,
    league_teams,
    millions,
    number_word,
    percent,
    person_for,
    possessive,
    random_person,
    series_value,
    slug,
    term_holder,
    weekday,
)

# ================================================================================================== business


def write_earnings(s: Story) -> None:
    company: Company = s.subject
    year = s.year
    w = s.world("earnings", company.key, year)
    revenue = series_value(s.seed, "revenue", company.key, year, 2400, 0.06, 0.05)
    margin = w.uniform(0.03, 0.14)
    income = round(revenue * margin, 1)
    eps = round(income / w.uniform(40, 160), 2)
    growth = round(w.uniform(1.0, 9.0), 1)
    ceo = term_holder(s.seed, "ceo", company.key, year, 7)
    day = day_in(w, year + 1, 2, 2, workday=True)
    s.begin("business", company.hq, day, company.key, company.short)
    s.slots.update(
        company=company.name,
        company_short=company.short,
        company_pos=possessive(company.short),
        business=company.business,
        revenue=millions(revenue),
        income=millions(income),
        eps=f"${eps:.2f}",
        growth=percent(growth),
        ceo=ceo.name,
        ceo_last=ceo.last,
        next_year=str(year + 1),
        weekday=weekday(day),
    )
    s.headlines(
        (
            "{company_short} reports {year} revenue of {revenue}",
            "{company_short} profit rises as sales reach {revenue}",
            "{company_short} posts {year} results, forecasts growth",
        )
    )
    s.ledes(
        (
            "{company}, the {city}-based maker of {business}, said on {weekday} that its revenue reached "
            "{revenue} in {year}.",
            "{company} reported {year} results on {weekday} that beat analysts' expectations.",
        )
    )
    s.fact(
        "revenue",
        "amount",
        millions(revenue),
        (
            "Revenue for {year} was {revenue}.",
            "The company took in {revenue} in {year}.",
            "Full-year {year} sales came to {revenue}.",
        ),
        ("What revenue did {company} report for {year}?",),
        ("How much money did {company_short} bring in from sales during {year}?",),
        lead=True,
    )
    s.fact(
        "income",
        "amount",
        millions(income),
        (
            "Net income for {year} was {income}.",
            "The company earned {income} in {year}.",
            "Profit in {year} came to {income}.",
        ),
        ("What was {company_pos} net income in {year}?",),
        ("How much profit did {company_short} make in {year}?",),
    )
    s.fact(
        "eps",
        "amount",
        f"${eps:.2f}",
        ("That works out to {eps} a share.", "Earnings per share were {eps} for {year}."),
        ("What were {company_pos} earnings per share for {year}?",),
        ("How much did {company_short} earn for each share in {year}?",),
    )
    s.fact(
        "guidance",
        "percent",
        percent(growth),
        (
            "The company expects revenue to grow about {growth} in {next_year}.",
            "For {next_year}, executives forecast sales growth of roughly {growth}.",
        ),
        (
            "When it reported its {year} results, what revenue growth did {company} forecast for the "
            "following "
            "year?",
        ),
        (
            "How fast did {company_short} expect its sales to grow after {year}, according to its {year} "
            "results?",
        ),
        swappable=(),
    )
    s.fact(
        "ceo",
        "name",
        (ceo.name, ceo.last),
        (
            "{ceo}, the chief executive, said demand held up.",
            "Chief executive {ceo} presented the {year} results.",
        ),
        ("Who was chief executive of {company} when it reported its {year} results?",),
        ("Who was running {company_short} at the time of its {year} annual report?",),
    )
    s.quote(
        ceo,
        "",
        "the chief executive",
        (
            "We executed well in a tough market",
            "Our customers kept ordering even when the economy slowed",
            "We see plenty of room to grow",
        ),
    )
    add_context(
        s,
        (
            "Shares of the company rose in after-hours trading.",
            "Analysts had expected slightly lower sales.",
            "The company is one of the largest employers in {city}.",
            "Costs for raw materials eased during the second half of the year.",
            "The company plans to update investors on its strategy in the spring.",
            "Executives declined to comment on reports of a possible acquisition.",
        ),
    )
    s.role(ceo, f"the chief executive of {company.name}")


def write_merger(s: Story) -> None:
    buyer, target = s.subject
    year = s.year
    w = s.world("merger", buyer.key, target.key)
    price = round(w.uniform(120, 9000), 1)
    per_share = round(w.uniform(12, 180), 2)
    premium = round(w.uniform(12, 48), 1)
    close_half = w.choice(("first", "second"))
    ceo = term_holder(s.seed, "ceo", buyer.key, year, 7)
    day = day_in(w, year, workday=True)
    s.begin("business", buyer.hq, day, f"{buyer.key}-{target.key}", buyer.short)
    s.slots.update(
        buyer=buyer.name,
        buyer_short=buyer.short,
        buyer_pos=possessive(buyer.short),
        target=target.name,
        target_short=target.short,
        target_pos=possessive(target.short),
        price=millions(price),
        per_share=f"${per_share:.2f}",
        premium=percent(premium),
        close=f"{close_half} half of {year + 1}",
        ceo=ceo.name,
        business=target.business,
        weekday=weekday(day),
    )
    s.headlines(
        (
            "{buyer_short} to buy {target_short} for {price}",
            "{buyer_short} agrees to acquire rival {target_short}",
            "{target_short} accepts {price} offer from {buyer_short}",
        )
    )
    s.ledes(
        (
            "{buyer} said on {weekday} that it would buy {target}, a maker of {business}, for "
            "{price} in cash.",
            "{target} has agreed to be acquired by {buyer} in a deal that would create one of the largest "
            "companies in its industry.",
        )
    )
    s.fact(
        "price",
        "amount",
        millions(price),
        ("The deal values {target_short} at {price}.", "{buyer_short} will pay {price} for the company."),
        ("How much did {buyer} agree to pay for {target}?",),
        ("What is the price tag on the purchase of {target_short} by {buyer_short}?",),
        lead=True,
        swappable=(),
        year=None,
    )
    s.fact(
        "per-share",
        "amount",
        f"${per_share:.2f}",
        (
            "Shareholders of {target_short} will receive {per_share} a share.",
            "The offer works out to {per_share} for each {target_short} share.",
        ),
        ("How much per share is {buyer} offering {target} shareholders?",),
        ("What will owners of {target_short} stock get for each share in the {buyer_short} takeover?",),
        swappable=(),
        year=None,
    )
    s.fact(
        "premium",
        "percent",
        percent(premium),
        (
            "That is a premium of {premium} over the stock's recent price.",
            "The price is {premium} above where the shares traded last week.",
        ),
        ("What premium does the {buyer_short} offer for {target_short} represent?",),
        ("How much above the market price is {buyer_short} paying to take over {target_short}?",),
        swappable=(),
        year=None,
    )
    s.fact(
        "close",
        "date",
        f"{close_half} half of {year + 1}",
        (
            "The companies expect the deal to close in the {close}.",
            "The acquisition should be completed in the {close}, pending regulatory approval.",
        ),
        ("When do {buyer} and {target} expect their deal to close?",),
        ("By when should the {buyer_short} takeover of {target_short} be finished?",),
        swappable=(),
        year=None,
    )
    s.quote(
        ceo,
        "",
        f"the chief executive of {buyer.short}",
        (
            "Together we will be able to serve customers we could not reach alone",
            "This is the right deal at the right time",
            "The cultures of our two companies fit well",
        ),
    )
    add_context(
        s,
        (
            "The boards of both companies approved the deal.",
            "The merger still needs the approval of federal antitrust regulators.",
            "Shares of {target_short} jumped in early trading.",
            "Analysts said more deals in the industry are likely.",
            "The combined company will keep its headquarters in {city}.",
        ),
    )
    s.role(ceo, f"the chief executive of {buyer.name}")


def write_plant(s: Story) -> None:
    company, city = s.subject
    year = s.year
    w = s.world("plant", company.key, city.key)
    investment = round(w.uniform(35, 900), 1)
    jobs = w.randrange(80, 2200)
    incentives = round(investment * w.uniform(0.02, 0.08), 1) + 0.2
    opening = w.choice(("early", "late")), year + w.randint(1, 3)
    official = person_for(s.seed, "econ-dev", city.key, year // 5)
    day = day_in(w, year, workday=True)
    s.begin("business", city, day, f"{company.key}-{city.key}", company.short)
    s.slots.update(
        company=company.name,
        company_short=company.short,
        company_pos=possessive(company.short),
        business=company.business,
        investment=millions(investment),
        jobs=count(jobs),
        incentives=millions(incentives),
        opening=f"{opening[0]} {opening[1]}",
        official=official.name,
        weekday=weekday(day),
    )
    s.headlines(
        (
            "{company_short} to build plant in {city}, adding {jobs} jobs",
            "{company_short} picks {city} for new plant",
            "{city} lands {investment} {company_short} plant",
        )
    )
    s.ledes(
        (
            "{company} will build a {investment} plant in {city}, the company announced on {weekday}.",
            "{city} has won a new {company_short} plant that will make {business}, state and local officials "
            "said.",
        )
    )
    s.fact(
        "jobs",
        "number",
        count(jobs),
        (
            "The plant is expected to employ {jobs} people.",
            "The company said the site would create {jobs} jobs.",
            "About {jobs} workers will be hired.",
        ),
        ("How many jobs will {company_pos} new plant in {city} create?",),
        ("How many people does {company_short} expect to hire at its site in {city}?",),
        lead=True,
        swappable=("city",),
        year=None,
    )
    s.fact(
        "investment",
        "amount",
        millions(investment),
        (
            "{company_short} will invest {investment} in the plant.",
            "The project represents a {investment} investment.",
        ),
        ("How much is {company} investing in its plant in {city}?",),
        ("What will {company_short} spend to build its facility in {city}?",),
        lead=True,
        swappable=("city",),
        year=None,
    )
    s.fact(
        "incentives",
        "amount",
        millions(incentives),
        (
            "Local officials offered {incentives} in tax breaks.",
            "The company will receive {incentives} in incentives.",
        ),
        ("How much in tax breaks did {city} offer {company}?",),
        ("What incentives, in dollars, did {company_short} get for locating in {city}?",),
        swappable=("city",),
        year=None,
    )
    s.fact(
        "opening",
        "date",
        f"{opening[0]} {opening[1]}",
        ("The plant is scheduled to open in {opening}.", "Production should begin in {opening}."),
        ("When is {company_pos} plant in {city} expected to open?",),
        ("When should production start at the {company_short} facility in {city}?",),
        swappable=("city",),
        year=None,
    )
    s.quote(
        official,
        "",
        f"who leads economic development for {city.name}",
        (
            "This is the kind of investment that changes a town",
            "We competed with sites in several states for this",
            "These are good jobs",
        ),
    )
    add_context(
        s,
        (
            "The site sits near an interstate interchange on the edge of town.",
            "Construction is expected to start within months.",
            "{city} lost hundreds of factory jobs over the past two decades.",
            "The company looked at sites in several states before choosing {city}.",
            "Hiring will begin about six months before the plant opens.",
        ),
    )


# ==================================================================================================== sports


def _score(rng: random.Random, league: League) -> tuple[int, int]:
    low, high = league.score_range
    a, b = rng.randint(low, high), rng.randint(low, high)
    if a == b:
        a += 1
    return max(a, b), min(a, b)


def write_final(s: Story) -> None:
    league: League = s.subject
    year = s.year
    w = s.world("final", league.key, year)
    champion, runner_up = w.sample(league_teams(league), 2)
    high, low = _score(w, league)
    mvp = person_for(s.seed, "mvp", league.key, year)
    crowd = w.randrange(4000, 21000)
    day = day_in(w, year, 3, 10)
    s.begin("sports", champion.city, day + timedelta(days=1), league.key, league.name)
    s.slots.update(
        league=league.name,
        champion=champion.name,
        champ_mascot=champion.mascot,
        runner_up=runner_up.name,
        runner_mascot=runner_up.mascot,
        score=f"{high}-{low}",
        mvp=mvp.name,
        mvp_last=mvp.last,
        crowd=count(crowd),
        date=ap_date(day),
        weekday=weekday(day),
        scoring=league.scoring,
        sport=league.sport,
    )
    s.headlines(
        (
            "{champ_mascot} win {league} title",
            "{champion} beat {runner_mascot} {score} for {year} championship",
            "{mvp_last} leads {champ_mascot} to {league} crown",
        )
    )
    s.ledes(
        (
            "The {champion} won the {year} {league} championship on {weekday}, beating the "
            "{runner_up} {score}.",
            "{mvp} carried the {champion} to the {league} title on {weekday} night.",
        )
    )
    s.fact(
        "champion",
        "name",
        (champion.name, champion.mascot),
        (
            "The {champion} won the {year} {league} championship.",
            "It was the {year} title for the {champion}.",
            "The {champion} are {league} champions for {year}.",
        ),
        ("Which team won the {year} {league} championship?",),
        ("Who took the {league} title in {year}?",),
        lead=True,
    )
    s.fact(
        "runner-up",
        "name",
        (runner_up.name, runner_up.mascot),
        ("The {runner_up} finished as runners-up.", "The loss ended the season for the {runner_up}."),
        ("Which team lost the {year} {league} championship game?",),
        ("Who came up short in the {league} final in {year}?",),
    )
    s.fact(
        "score",
        "number",
        f"{high}-{low}",
        ("The final score was {score}.", "The {champ_mascot} won {score}."),
        ("What was the final score of the {year} {league} championship game?",),
        ("By what score was the {year} {league} title decided?",),
    )
    s.fact(
        "mvp",
        "name",
        (mvp.name, mvp.last),
        ("{mvp} was named the most valuable player.", "{mvp} earned MVP honors."),
        ("Who was named most valuable player of the {year} {league} championship?",),
        ("Which player was voted the best of the {year} {league} final?",),
    )
    s.fact(
        "crowd",
        "number",
        count(crowd),
        ("A crowd of {crowd} watched the game.", "The game drew {crowd} fans."),
        ("How many fans attended the {year} {league} championship game?",),
        ("How big was the crowd at the {league} title game in {year}?",),
    )
    coach = term_holder(s.seed, "coach", champion.key, year, 4)
    s.quote(
        coach,
        "Coach",
        f"of the {champion.mascot}",
        (
            "These players never stopped believing",
            "We were not the most talented team, but we were the toughest",
            "I will remember this group for the rest of my life",
        ),
    )
    add_context(
        s,
        (
            "Fans poured onto the field after the final whistle.",
            "The {runner_mascot} had won both meetings during the regular season.",
            "The {champ_mascot} overcame an early deficit.",
            "A parade is planned for the weekend.",
            "It was the franchise's first title in more than a decade.",
        ),
    )
    s.role(coach, f"the coach of the {champion.name}")


def write_season(s: Story) -> None:
    team: Team = s.subject
    year = s.year
    w = s.world("season", team.key, year)
    games = {"basketball": 40, "hockey": 60, "baseball": 90, "soccer": 30, "football": 12}[team.league.sport]
    wins = w.randint(games // 5, games - games // 5)
    losses = games - wins
    coach = term_holder(s.seed, "coach", team.key, year, 4)
    star = person_for(s.seed, "star", team.key, year // 2)
    per_game = {"points": w.randint(14, 31), "goals": w.randint(11, 38), "runs": w.randint(48, 110)}[
        team.league.scoring
    ]
    attendance = w.randrange(2100, 14000)
    day = day_in(w, year, 9, 11)
    s.begin("sports", team.city, day, team.key, team.name)
    s.slots.update(
        team=team.name,
        team_pos=possessive(team.name),
        mascot=team.mascot,
        league=team.league.name,
        record=f"{wins}-{losses}",
        coach=coach.name,
        coach_last=coach.last,
        star=star.name,
        star_last=star.last,
        stat=f"{per_game} {team.league.scoring}",
        attendance=count(attendance),
        scoring=team.league.scoring,
    )
    s.headlines(
        (
            "{mascot} finish {year} season at {record}",
            "{team} look back on a {record} season",
            "Season review: {mascot} go {record} in {year}",
        )
    )
    s.ledes(
        (
            "The {team} closed their {year} season with a {record} record, a year that {coach} called a step "
            "in the right direction.",
            "For the {team}, the {year} season ended with more questions than answers.",
        )
    )
    s.fact(
        "record",
        "number",
        f"{wins}-{losses}",
        ("The {mascot} finished the {year} season {record}.", "Their {year} record was {record}."),
        ("What was the {team_pos} record in the {year} season?",),
        ("How many games did the {team} win and lose in {year}?",),
        lead=True,
    )
    s.fact(
        "coach",
        "name",
        (coach.name, coach.last),
        (
            "{coach} coached the team in {year}.",
            "Coach {coach} said the team would build on the {year} season.",
        ),
        ("Who coached the {team} in {year}?",),
        ("Who was in charge of the {team} on the sidelines during the {year} season?",),
    )
    s.fact(
        "star",
        "name",
        (star.name, star.last),
        ("{star} led the team with {stat} in {year}.", "The {year} scoring leader was {star}, with {stat}."),
        ("Who led the {team} in {scoring} in {year}?",),
        ("Which player was the top scorer for the {team} in {year}?",),
    )
    s.fact(
        "attendance",
        "number",
        count(attendance),
        (
            "The team averaged {attendance} fans per home game.",
            "Average home attendance was {attendance} in {year}.",
        ),
        ("How many fans did the {team} average per home game in {year}?",),
        ("How big was the typical home crowd for the {team} in {year}?",),
    )
    s.quote(
        coach,
        "",
        "the team's coach",
        (
            "We learned a lot about who we are",
            "The effort was there every night",
            "We have to be better on the road",
        ),
    )
    add_context(
        s,
        (
            "Injuries kept several starters out for long stretches.",
            "The front office is expected to be active in the offseason.",
            "The team's home arena is undergoing renovations.",
            "Ticket prices went up before the season.",
            "Several young players got extended playing time.",
        ),
    )
    s.role(coach, f"the coach of the {team.name}")


# =================================================================================================== weather

STORMS = (
    # (long, short, precipitation unit)
    ("a line of severe thunderstorms", "thunderstorms", "of rain"),
    ("flash flooding", "flash flood", "of rain"),
    ("an ice storm", "ice storm", "of ice"),
    ("a tornado", "tornado", "of rain"),
    ("a blizzard", "blizzard", "of snow"),
)


def write_storm(s: Story) -> None:
    city: City = s.subject
    year = s.year
    long, short, unit = STORMS[derive(s.seed, "storm-kind", city.key, year) % len(STORMS)]
    w = s.world("storm", city.key, year)
    amount = round(w.uniform(0.6, 3.0) if "ice" in unit else w.uniform(1.5, 22.0), 1)
    homes = w.randrange(12, 1400)
    damage = round(w.uniform(0.8, 140), 1)
    outages = w.randrange(1500, 90000)
    day = day_in(w, year, 1, 3) if short in ("ice storm", "blizzard") else day_in(w, year, 4, 9)
    chief = person_for(s.seed, "emergency-chief", city.key, year // 6)
    s.begin("weather", city, day + timedelta(days=s.rng.choice((0, 1))), city.key, city.name)
    s.slots.update(
        storm=long,
        storm_cap=cap(long),
        storm_short=short,
        amount=f"{amount} inches",
        unit=unit,
        homes=count(homes),
        damage=millions(damage),
        outages=count(outages),
        date=ap_date(day),
        weekday=weekday(day),
        chief=chief.name,
    )
    s.headlines(
        (
            "{storm_short} damages {homes} homes in {city}",
            "{city} cleans up after {storm_short}",
            "{storm_short} leaves {outages} without power in {city}",
        )
    )
    s.ledes(
        (
            "{storm_cap} tore through {city} on {weekday}, damaging homes, toppling trees and knocking out "
            "power across the city.",
            "Residents of {city} spent {weekday} clearing debris after {storm} swept through overnight.",
        )
    )
    s.fact(
        "homes",
        "number",
        count(homes),
        (
            "The {year} {storm_short} damaged {homes} homes, according to a preliminary count.",
            "Inspectors have found damage at {homes} homes.",
            "In all, {homes} homes were damaged.",
        ),
        ("How many homes were damaged when {storm} hit {city} in {year}?",),
        ("How many houses in {city} did the {year} {storm_short} harm?",),
        lead=True,
    )
    s.fact(
        "damage",
        "amount",
        millions(damage),
        ("Officials put the damage at {damage}.", "The {year} storm caused an estimated {damage} in damage."),
        ("What was the estimated damage from the {year} {storm_short} in {city}?",),
        ("What did the {storm_short} of {year} cost {city} in destroyed and damaged property?",),
    )
    s.fact(
        "outages",
        "number",
        count(outages),
        (
            "At the peak, {outages} customers lost power.",
            "Utility crews restored power to {outages} customers.",
        ),
        ("How many customers lost power in {city} during the {year} {storm_short}?",),
        ("How many {city} homes and businesses were left in the dark by the {storm_short} in {year}?",),
    )
    s.fact(
        "amount",
        "number",
        f"{amount} inches",
        (
            "The National Weather Service measured {amount} {unit}.",
            "A total of {amount} {unit} fell in a few hours.",
        ),
        ("How much precipitation fell on {city} during the {year} {storm_short}?",),
        ("How many inches came down in {city} when the {storm_short} struck in {year}?",),
    )
    s.fact(
        "date",
        "date",
        ap_date(day),
        ("The storm struck on {date}.", "The worst of it came on {date}, {year}."),
        ("On what date did the {storm_short} strike {city} in {year}?",),
        ("When in {year} did {city} get hit by the {storm_short}?",),
    )
    s.quote(
        chief,
        "",
        f"the emergency management director for {city.name}",
        (
            "We were lucky this was not worse",
            "Please stay away from downed lines",
            "Crews will be working around the clock",
        ),
    )
    s.quote(
        random_person(s.rng),
        "",
        "a resident",
        (
            "It sounded like a train coming through the yard",
            "We lost the whole back fence and part of the roof",
            "I have lived here my whole life and never seen anything like it",
        ),
    )
    add_context(
        s,
        (
            "The governor said the state would seek federal disaster aid.",
            "Schools in {city} canceled classes for the day.",
            "A shelter opened at the community center.",
            "No deaths were reported.",
            "The Red Cross set up a relief station downtown.",
            "Forecasters had warned of the risk days in advance.",
        ),
    )
    s.role(chief, f"the emergency management director of {city.name}, {city.state_full}")


def write_wildfire(s: Story) -> None:
    place, city = s.subject
    year = s.year
    w = s.world("wildfire", place, year)
    acres = w.randrange(400, 90000)
    contained = w.randrange(5, 95)
    destroyed = w.randrange(0, 240)
    crews = w.randrange(150, 2600)
    evacuated = w.randrange(300, 12000)
    day = day_in(w, year, 6, 10)
    chief = person_for(s.seed, "fire-chief", city.county, year // 5)
    s.begin("weather", city, day, f"{slug(place)}-fire", f"{place} Fire")
    s.slots.update(
        fire=f"{place} Fire",
        acres=count(acres),
        contained=percent(contained, 0),
        destroyed=count(destroyed),
        crews=count(crews),
        evacuated=count(evacuated),
        weekday=weekday(day),
        chief=chief.name,
    )
    s.headlines(
        (
            "{fire} grows to {acres} acres near {city}",
            "Crews gain ground on {fire}",
            "{fire} forces evacuations in {county}",
        )
    )
    s.ledes(
        (
            "The {fire} had burned {acres} acres near {city} by {weekday} evening, fire officials said.",
            "Firefighters made progress on {weekday} against the {fire}, which has forced thousands "
            "from their "
            "homes in {county}.",
        )
    )
    s.fact(
        "acres",
        "number",
        f"{count(acres)} acres",
        ("The {year} fire has burned {acres} acres.", "The fire had scorched {acres} acres by {weekday}."),
        ("How many acres had the {fire} burned in {year}?",),
        ("How much land did the {fire} blaze of {year} char?",),
        lead=True,
    )
    s.fact(
        "contained",
        "percent",
        percent(contained, 0),
        ("It was {contained} contained.", "Crews reported {contained} containment."),
        ("How much of the {year} {fire} was contained?",),
        ("What portion of the perimeter of the {fire} had crews surrounded in {year}?",),
    )
    s.fact(
        "destroyed",
        "number",
        f"{count(destroyed)} homes",
        ("The fire has destroyed {destroyed} homes.", "At least {destroyed} homes were lost."),
        ("How many homes did the {fire} destroy in {year}?",),
        ("How many houses burned to the ground in the {year} {fire}?",),
    )
    s.fact(
        "crews",
        "number",
        f"{count(crews)} firefighters",
        (
            "More than {crews} firefighters were assigned to the blaze.",
            "In all, {crews} firefighters were on the lines.",
        ),
        ("How many firefighters were assigned to the {fire} in {year}?",),
        ("What was the size of the crew battling the {fire} in {year}?",),
    )
    s.fact(
        "evacuated",
        "number",
        f"{count(evacuated)} residents",
        (
            "Evacuation orders covered {evacuated} residents.",
            "About {evacuated} residents were told to leave.",
        ),
        ("How many residents were ordered to evacuate because of the {fire} in {year}?",),
        ("How many people had to leave their homes as the {fire} spread in {year}?",),
    )
    s.quote(
        chief,
        "Fire Chief",
        f"of {city.county}",
        (
            "The wind is what worries us most",
            "We have a long way to go on this one",
            "Please be ready to leave if you are told to",
        ),
    )
    add_context(
        s,
        (
            "The cause of the fire is under investigation.",
            "Smoke drifted over towns miles away.",
            "Red flag warnings remain in effect.",
            "Air tankers dropped retardant along the eastern flank.",
            "Several roads remain closed.",
        ),
    )
    s.role(chief, f"the fire chief of {city.county}, {city.state_full}")


# ========================================================================================== science & health

TOPICS = (
    # (what people did, short, paraphrase, outcome, "lower"/"higher" risk)
    ("walking at least 7,000 steps a day", "daily walking", "taking regular walks", "heart disease",
     "lower"),
    ("eating fish twice a week", "fish consumption", "having seafood a couple of times weekly", "dementia",
     "lower"),
    ("sleeping fewer than six hours a night", "short sleep", "not getting enough sleep", "type 2 diabetes",
     "higher"),
    ("living within a mile of a park", "park access", "having green space near home", "depression",
     "lower"),
    ("drinking sugary sodas daily", "sugary drinks", "having a soft drink every day", "liver disease",
     "higher"),
    ("volunteering at least once a month", "volunteering", "doing regular unpaid community work",
     "early death", "lower"),
    ("using a standing desk", "standing desks", "working on your feet", "back pain", "lower"),
    ("drinking three cups of coffee a day", "coffee drinking", "having several cups of coffee daily",
     "liver cancer", "lower"),
    ("owning a dog", "dog ownership", "keeping a dog at home", "loneliness", "lower"),
    ("spending more than four hours a day on screens", "screen time", "long hours in front of a screen",
     "poor sleep", "higher"),
    ("commuting by bicycle", "bike commuting", "riding a bike to work", "obesity", "lower"),
    ("living near a major highway", "highway proximity", "having a home close to heavy traffic", "asthma",
     "higher"),
    ("speaking two languages", "bilingualism", "knowing a second language", "cognitive decline", "lower"),
    ("eating ultra-processed foods daily", "processed food", "a diet heavy in packaged snacks",
     "colon cancer", "higher"),
)  # fmt: skip


def _the(institution: str) -> str:
    return f"the {institution}" if institution.startswith("University of") else institution


def write_study(s: Story) -> None:
    university, topic_index = s.subject
    year = s.year
    did, short, para, outcome, direction = TOPICS[topic_index]
    w = s.world("study", slug(university), short)
    change = round(w.uniform(8, 45), 1)
    participants = w.randrange(900, 48000)
    followed = w.randint(3, 20)
    journal = w.choice(JOURNALS)
    author = person_for(s.seed, "researcher", slug(university), short)
    city = CITIES[derive(university) % len(CITIES)]
    day = day_in(w, year)
    s.begin("science-health", city, day, f"{slug(university)}-{slug(short)}", university)
    s.slots.update(
        university=university,
        university_the=_the(university),
        did=did,
        short=short,
        para=para,
        outcome=outcome,
        change=percent(change),
        direction=direction,
        participants=count(participants),
        followed=number_word(followed),
        journal=journal,
        author=author.name,
        author_last=author.last,
        weekday=weekday(day),
    )
    s.headlines(
        (
            "Study links {short} to {direction} risk of {outcome}",
            "{university} researchers tie {short} to {outcome}",
            "{short}: new study finds {change} {direction} risk of {outcome}",
        )
    )
    s.ledes(
        (
            "People {did} had a {change} {direction} risk of {outcome}, according to a study by "
            "researchers at "
            "{university_the}.",
            "A large study from {university_the} adds to evidence about {short} and {outcome}.",
        )
    )
    s.fact(
        "change",
        "percent",
        percent(change),
        (
            "Participants {did} had a {change} {direction} risk of {outcome}.",
            "The risk of {outcome} was {change} {direction} among people {did}.",
        ),
        (
            "How much {direction} was the risk of {outcome} for people {did}, according to the {university} "
            "study?",
        ),
        ("According to {university} researchers, by how much did {para} change the chances of {outcome}?",),
        lead=True,
        swappable=(),
        year=None,
    )
    s.fact(
        "participants",
        "number",
        count(participants),
        (
            "The study followed {participants} adults for {followed} years.",
            "Researchers tracked {participants} people.",
        ),
        ("How many people took part in the {university} study on {short} and {outcome}?",),
        ("How large was the group that {university} researchers tracked to study {para}?",),
        swappable=(),
        year=None,
    )
    s.fact(
        "author",
        "name",
        (author.name, author.last),
        (
            "The study was led by {author}, an epidemiologist at {university_the}.",
            "{author}, the lead author, cautioned that the study shows a link, not a cause.",
        ),
        ("Who led the {university} study on {short} and {outcome}?",),
        ("Which scientist headed the {university} research into {para}?",),
        swappable=(),
        year=None,
    )
    s.fact(
        "journal",
        "name",
        journal.removeprefix("the "),
        ("The findings were published in {journal}.", "The paper appeared in {journal} this week."),
        ("In which journal was the {university} study on {short} published?",),
        ("Where did {university} researchers publish their work on {para} and {outcome}?",),
        swappable=(),
        year=None,
    )
    s.quote(
        author,
        "",
        "the study's lead author",
        (
            "We were surprised by how consistent the effect was",
            "This does not prove cause and effect",
            "Small habits add up over many years",
        ),
    )
    add_context(
        s,
        (
            "The study was observational, so it cannot show cause and effect.",
            "Researchers adjusted for age, income and smoking.",
            "Outside experts said the findings fit earlier research.",
            "The work was funded by a federal grant.",
            "Participants reported their habits in surveys.",
        ),
    )
    s.role(author, f"a researcher at {_the(university)}")


def write_health_report(s: Story) -> None:
    city, disease_index = s.subject
    year = s.year
    disease, disease_short = DISEASES[disease_index]
    county_key = slug(f"{city.county} {city.state_full}")
    cases = round(series_value(s.seed, "cases", f"{county_key}-{slug(disease)}", year, 600, 0.02, 0.35))
    hospital = max(1, round(cases * s.world("hosp", county_key, disease, year).uniform(0.02, 0.15)))
    vax = round(series_value(s.seed, "vax", county_key, year, 58, 0.005, 0.06), 1)
    director = term_holder(s.seed, "health-director", county_key, year, 8)
    day = date(year + 1, 1, 10) + timedelta(
        days=s.world("report-day", county_key, disease, year).randrange(50)
    )
    s.begin("science-health", city, day, f"{county_key}-{slug(disease)}", city.county)
    s.slots.update(
        disease=disease,
        disease_short=disease_short,
        cases=count(cases),
        hospital=count(hospital),
        vax=percent(vax),
        director=director.name,
        director_last=director.last,
    )
    s.headlines(
        (
            "{county} reports {cases} {disease_short} cases in {year}",
            "{disease_short} cases in {county} tallied for {year}",
            "Health department releases {year} {disease_short} numbers",
        )
    )
    s.ledes(
        (
            "The {county} Health Department recorded {cases} cases of {disease} in {year}, according to its "
            "annual report.",
            "Health officials in {county}, {state}, released their annual tally of {disease} cases "
            "for {year}.",
        )
    )
    s.fact(
        "cases",
        "number",
        count(cases),
        (
            "The county recorded {cases} cases of {disease} in {year}.",
            "There were {cases} {disease_short} cases in {county} in {year}.",
        ),
        ("How many {disease} cases did {county}, {state}, record in {year}?",),
        ("How many residents of {county} in {state} fell ill with {disease_short} in {year}?",),
        lead=True,
    )
    s.follow(
        "hospital",
        "number",
        count(hospital),
        (
            "Of those, {hospital} patients were hospitalized.",
            "Of those patients, {hospital} needed hospital care.",
        ),
        ("How many {disease} patients were hospitalized in {county}, {state}, in {year}?",),
        ("How many people in {county}, {state}, ended up in the hospital with {disease_short} in {year}?",),
    )
    s.fact(
        "vax",
        "percent",
        percent(vax),
        (
            "The county's vaccination rate stood at {vax} in {year}.",
            "About {vax} of residents were vaccinated.",
        ),
        ("What was the vaccination rate in {county}, {state}, in {year}?",),
        ("What share of people in {county}, {state}, had their shots in {year}?",),
    )
    s.fact(
        "director",
        "name",
        (director.name, director.last),
        (
            "{director}, the county health director, presented the report.",
            "The report was presented by health director {director}.",
        ),
        ("Who was the health director of {county}, {state}, when the {year} {disease} report came out?",),
        ("Who ran public health in {county}, {state}, at the time of the {year} {disease_short} count?",),
    )
    s.quote(
        director,
        "",
        "the county health director",
        (
            "Washing hands and staying home when sick still matter",
            "We want people to talk to their doctors",
            "These numbers tell us where to focus",
        ),
    )
    add_context(
        s,
        (
            "The report covers the calendar year.",
            "Health officials urged residents to keep vaccinations up to date.",
            "Clinics in {county} offer free shots on weekends.",
            "Reporting practices changed slightly this year, officials said.",
            "Neighboring counties reported similar trends.",
        ),
    )
    s.role(director, f"the health director of {city.county}, {city.state_full}")
