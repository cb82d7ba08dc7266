"""Event writers for local government, labor, elections and courts.

Each writer takes its facts from the world (:mod:`eval.synth.world`) and its wording from the article's random
stream; see :class:`eval.synth.story.Story`.
"""

from __future__ import annotations

from datetime import date, timedelta

from eval.synth.context import add_context
from eval.synth.story import Story, cap
from eval.synth.world import (
    ALL_YEARS,
    CITIES,
    COMPANIES,
    LAST_NAMES,
    STREETS,
    City,
    Union,
    ap_date,
    count,
    day_in,
    derive,
    dollars,
    last_election,
    mayor_elected,
    mayor_of,
    millions,
    number_word,
    percent,
    person_for,
    random_person,
    series_value,
    slug,
    term_holder,
    vote,
    weekday,
)

# ========================================================================================== local government

BUDGET_CATEGORIES = (
    # (long, short, paraphrase, as a noun before "budget")
    ("public transit", "transit", "buses and trains", "transit"),
    ("the police department", "police", "law enforcement", "police"),
    ("parks and recreation", "parks", "green spaces and playgrounds", "parks"),
    ("the public library system", "libraries", "books and branch libraries", "library"),
    ("road repair", "roads", "fixing streets and potholes", "road repair"),
    ("affordable housing", "housing", "homes low-income families can afford", "housing"),
    ("the fire department", "firefighters", "fire protection", "fire department"),
)
_LOCAL_BACKGROUND = (
    "{city}, a city of about {population} people in {county}, has struggled with rising pension and health "
    "care costs.",
    "Several residents spoke during the public comment period, most of them about road conditions.",
    "City staff said the plan also draws on federal grants that expire in the coming years.",
    "The council is expected to revisit spending in a midyear review.",
    "Department heads had asked for more than the plan provides.",
    "The city's credit rating was affirmed last spring.",
    "Sales tax collections have run slightly ahead of projections this year.",
    "Public works crews have complained for years about aging equipment.",
    "The meeting was streamed online and drew more viewers than usual.",
    "A citizens' advisory committee reviewed the proposal over the summer.",
)
_MAYOR_BUDGET_LINES = (
    "This budget protects the services people count on every day",
    "We made hard choices, and we made them in public",
    "Nobody on this council got everything they wanted, and that is usually the sign of a fair budget",
    "We are investing in {cat_long} because residents told us it matters",
    "This is a responsible plan for a city that is still growing",
)
_DISSENT_LINES = (
    "I could not vote for a plan that leans this heavily on reserves",
    "We are kicking the hard decisions down the road again",
    "Residents deserve a budget that does not grow faster than their paychecks",
    "I heard from too many neighbors who cannot absorb another increase",
)
_RESIDENT_LINES = (
    "I just want the streetlights on my block to work",
    "We pay a lot in taxes here, and people want to see where it goes",
    "I came tonight because the bus is how I get to work",
    "Nobody reads these budgets until something they care about gets cut",
)


def write_budget(s: Story) -> None:
    city: City = s.subject
    year = s.year
    w = s.world("budget", city.key, year)
    long, short, para, noun = BUDGET_CATEGORIES[
        derive(s.seed, "budget-focus", city.key) % len(BUDGET_CATEGORIES)
    ]
    scale = city.population * 0.0021
    total = round(series_value(s.seed, "budget-total", city.key, year, scale, 0.03, 0.04), 1)
    alloc, previous = (
        round(series_value(s.seed, "budget-alloc", city.key, y, scale * 0.06, 0.05, 0.08), 1)
        for y in (year, year - 1)
    )
    change = round((alloc / previous - 1) * 100, 1)
    size = 7 + 2 * (derive(s.seed, "council-size", city.key) % 2)
    yes, no = vote(w, size)
    adopted = day_in(w, year - 1, 10, 11, workday=True)
    rate = round(series_value(s.seed, "tax-rate", city.key, year, 70, 0.01, 0.05))
    mayor = mayor_of(s.seed, city, year - 1)
    dissenter = person_for(s.seed, "council", city.key, year // 4, w.randrange(size))
    s.begin("local-government", city, adopted + timedelta(days=s.rng.choice((0, 1))), city.key, city.name)
    s.slots.update(
        total=millions(total),
        alloc=millions(alloc),
        cat_long=long,
        cat_cap=cap(long),
        cat_short=short,
        cat_para=para,
        cat_noun=noun,
        change=percent(abs(change)),
        more_less="more" if change > 0 else "less",
        vote=f"{yes}-{no}",
        date=ap_date(adopted),
        weekday=weekday(adopted),
        rate=f"{rate} cents",
        mayor=mayor.name,
        dissenter=dissenter.name,
    )
    s.headlines(
        (
            "{city} council approves {total} budget for {year}",
            "{city} adopts {year} budget after debate over {cat_short}",
            "Council passes {city_pos} {year} spending plan on {vote} vote",
            "{city} budget for {year} sets aside {alloc} for {cat_short}",
        )
    )
    s.decks(
        ("The plan keeps the property tax rate at {rate} per $100 of value", "{mayor} calls it a fair plan")
    )
    s.ledes(
        (
            "The {city} City Council on {weekday} approved a {total} budget for {year}, setting "
            "aside {alloc} "
            "for {cat_long} after weeks of debate over how to pay for rising costs.",
            "{city} will spend {total} next year under a budget the City Council adopted {weekday} "
            "night on a "
            "{vote} vote.",
            "City leaders in {city} have approved a {year} spending plan that puts {alloc} toward "
            "{cat_long}.",
        )
    )
    s.fact(
        "total",
        "amount",
        millions(total),
        (
            "The {year} budget totals {total}.",
            "All told, the city expects to spend {total} in {year}.",
            "The spending plan for {year} comes to {total}, including capital projects.",
        ),
        (
            "What is the total of the {year} budget approved in {city}?",
            "How large is {city_pos} {year} budget?",
        ),
        (
            "How much does {city} plan to spend altogether in {year}?",
            "What is the overall price tag of the spending plan {city} adopted for {year}?",
        ),
        lead=True,
    )
    s.fact(
        "alloc",
        "amount",
        millions(alloc),
        (
            "The {year} plan sets aside {alloc} for {cat_long}.",
            "{cat_cap} will receive {alloc} in {year}.",
            "Of the total, {alloc} is earmarked for {cat_long} in {year}.",
        ),
        (
            "How much did the {city} City Council set aside for {cat_long} in the {year} budget?",
            "What amount does {city_pos} {year} budget earmark for {cat_long}?",
        ),
        (
            "How much money will {city} put toward {cat_para} in {year}?",
            "In {year}, what did {city} leaders budget for {cat_para}?",
        ),
        lead=True,
        lean=0.0,
    )
    if abs(change) >= 0.5:
        s.follow(
            "alloc-change",
            "percent",
            percent(abs(change)),
            (
                "That is {change} {more_less} than the year before.",
                "That amounts to {change} {more_less} than in the previous budget.",
                "That is an increase of {change}." if change > 0 else "That is a cut of {change}.",
            ),
            ("By what percentage did {city} change its {cat_noun} budget for {year}?",),
            (
                "Compared with the prior year, by how much, in percent, did {city_pos} spending on "
                "{cat_para} "
                "move in the {year} plan?",
            ),
        )
    s.fact(
        "vote",
        "number",
        f"{yes}-{no}",
        (
            "Council members approved the {year} budget {vote}.",
            "The measure passed {vote}, with {dissenter} among those voting no.",
            "The vote on the {year} plan was {vote}.",
        ),
        ("What was the council vote on {city_pos} {year} budget?",),
        ("By what margin did {city} lawmakers pass the spending plan for {year}?",),
    )
    s.fact(
        "date",
        "date",
        ap_date(adopted),
        (
            "The final vote came on {date}, after three public hearings.",
            "The council took its final vote on the {year} budget on {date}.",
            "Members adopted the plan at a meeting on {date} that stretched past midnight.",
        ),
        ("On what date did the {city} City Council adopt the {year} budget?",),
        ("When did {city} officials sign off on the {year} spending plan?",),
    )
    s.fact(
        "tax-rate",
        "amount",
        f"{rate} cents",
        (
            "The budget sets the property tax rate at {rate} per $100 of assessed value.",
            "Property owners will pay {rate} per $100 of assessed value under the {year} plan.",
            "The tax rate in the plan is {rate} for every $100 of assessed value.",
        ),
        ("What property tax rate does {city_pos} {year} budget set?",),
        ("How much will {city} homeowners pay in property tax per $100 of assessed value in {year}?",),
    )
    s.quote(mayor, "Mayor", "who proposed the plan in the fall", _MAYOR_BUDGET_LINES)
    s.quote(dissenter, "Council member", "who voted against the budget", _DISSENT_LINES)
    if s.rng.random() < 0.5:
        resident = random_person(s.rng)
        s.quote(
            resident, "", f"who has lived in {city.name} for {s.rng.randint(3, 40)} years", _RESIDENT_LINES
        )
    add_context(s, _LOCAL_BACKGROUND)
    s.role(mayor, f"the mayor of {city.name}, {city.state_full}")
    s.role(dissenter, f"a member of the {city.name} City Council")


PROJECTS = (
    # (long, short, paraphrase)
    ("replacing the {street} Street bridge", "bridge replacement", "rebuilding the {street} Street bridge"),
    (
        "upgrading the city's water treatment plant",
        "water plant upgrade",
        "modernizing the plant that cleans the city's drinking water",
    ),
    ("resurfacing city streets", "street resurfacing", "repaving the town's roads"),
    ("building a new fire station on {street} Avenue", "fire station", "putting up another firehouse"),
    ("expanding the downtown library", "library expansion", "enlarging the main library"),
    ("replacing lead water service lines", "lead pipe replacement", "digging up old lead pipes"),
)
_BUILDER_FORMS = (
    "{last} Construction",
    "{last} & Sons Paving",
    "{last} Civil Builders",
    "{last}-{last2} Contractors",
)


def write_contract(s: Story) -> None:
    city: City = s.subject
    year = s.year
    long, short, para = PROJECTS[s.plan.variant % len(PROJECTS)]
    w = s.world("contract", city.key, short, year)
    street = w.choice(STREETS)
    builder = w.choice(_BUILDER_FORMS).format(last=w.choice(LAST_NAMES), last2=w.choice(LAST_NAMES))
    amount = round(city.population * w.uniform(0.00008, 0.0004), 1) + 0.3
    bids = w.randint(3, 9)
    yes, no = vote(w, 7 + 2 * (derive(s.seed, "council-size", city.key) % 2))
    voted = day_in(w, year, 2, 10, workday=True)
    done = w.choice(("spring", "summer", "fall", "winter")), year + w.randint(1, 3)
    engineer = person_for(s.seed, "city-engineer", city.key, year // 6)
    s.begin(
        "local-government",
        city,
        voted + timedelta(days=s.rng.choice((0, 1))),
        f"{city.key}-{slug(short)}",
        city.name,
    )
    s.slots.update(
        project=long.format(street=street),
        project_short=short,
        project_para=para.format(street=street),
        builder=builder,
        amount=millions(amount),
        bids=number_word(bids),
        vote=f"{yes}-{no}",
        date=ap_date(voted),
        weekday=weekday(voted),
        done=f"{done[0]} of {done[1]}",
        engineer=engineer.name,
    )
    s.headlines(
        (
            "{city} awards {amount} contract for {project_short}",
            "{builder} wins {city} {project_short} contract",
            "{city} council picks contractor for {project_short}",
        )
    )
    s.ledes(
        (
            "The {city} City Council on {weekday} awarded a {amount} contract for {project} to {builder}, "
            "ending months of delay on a project residents have asked about for years.",
            "{builder} will handle {project} after the {city} City Council approved the contract {vote} on "
            "{weekday}.",
        )
    )
    s.fact(
        "builder",
        "name",
        builder,
        (
            "The contract went to {builder}, the lowest of {bids} bidders.",
            "Council members chose {builder} for the work in {year}.",
            "{builder} submitted the winning bid.",
        ),
        ("Which company won the {year} contract for the {project_short} in {city}?",),
        ("Who will carry out the work of {project_para} in {city} under the contract approved in {year}?",),
        lead=True,
    )
    s.fact(
        "amount",
        "amount",
        millions(amount),
        (
            "The contract is worth {amount}.",
            "The {year} contract carries a price of {amount}.",
            "The city will pay {builder} {amount} for the job.",
        ),
        ("How much is the {project_short} contract {city} approved in {year} worth?",),
        ("What will {project_para} cost {city} under the deal approved in {year}?",),
        lead=True,
    )
    s.fact(
        "bids",
        "number",
        f"{number_word(bids)} bids",
        (
            "The city received {bids} bids for the project.",
            "In all, {bids} bids came in before the deadline.",
        ),
        ("How many bids did {city} receive for the {year} {project_short} contract?",),
        ("How many companies competed for the {project_short} job in {city} in {year}?",),
    )
    s.fact(
        "done",
        "date",
        f"{done[0]} of {done[1]}",
        (
            "Work is expected to be finished by the {done}.",
            "{engineer}, the city engineer, said the work should wrap up by the {done}.",
        ),
        ("When is the {project_short} in {city} that was approved in {year} expected to be finished?",),
        ("By when should {city} be done {project_para}, under the contract approved in {year}?",),
        swappable=(),
    )
    s.quote(
        engineer,
        "City engineer",
        f"who oversees capital projects for {city.name}",
        (
            "This is work that cannot wait another year",
            "The bids came in lower than we feared",
            "Residents will see crews out there within a few weeks",
        ),
    )
    add_context(
        s,
        (
            "The project has been on the city's capital plan since before the pandemic.",
            "Part of the cost will be covered by a state infrastructure grant.",
            "Residents near the site will receive notices about detours.",
            "An earlier round of bidding was canceled when prices spiked.",
            "{city} last undertook a project of this size more than a decade ago.",
            "The council approved the contract without discussion as part of its consent agenda.",
        ),
    )
    s.role(engineer, f"the city engineer of {city.name}, {city.state_full}")


# ===================================================================================================== labor


def _office_for(s: Story, union: Union, year: int) -> tuple[str, str, str]:
    """(office as written, a key for the race, the city the race is in)."""
    statewide = union.name.startswith(union.home.state_full)
    if statewide or derive(s.seed, "office", union.key, year) % 3 == 0:
        return (
            f"governor of {union.home.state_full}",
            slug(f"governor {union.home.state_full}"),
            union.home.name,
        )
    return f"mayor of {union.home.name}", slug(f"mayor {union.home.key}"), union.home.name


_LABOR_BACKGROUND = (
    "The union represents {members_are} across {state}.",
    "Labor endorsements can bring volunteers, phone banks and campaign money to a race.",
    "The union stayed out of the primary four years ago.",
    "Union households make up a sizable share of the electorate in the region.",
    "Membership has shifted as older members retire.",
    "The union's political committee interviewed several candidates over the summer.",
    "Organized labor has long been a force in {state} politics.",
    "Some members had pushed for the union to stay neutral.",
)


def write_endorsement(s: Story) -> None:
    union: Union = s.subject
    year = s.year
    w = s.world("endorsement", union.key, year)
    office, race_key, _ = _office_for(s, union, year)
    pick = derive(s.seed, "endorse-pick", union.key, year) % 2
    candidate = person_for(s.seed, "candidate", race_key, year, pick)
    rival = person_for(s.seed, "candidate", race_key, year, 1 - pick)
    members = (
        int(round(series_value(s.seed, "union-members", union.key, year, union.size, -0.01, 0.05), -2)) + 100
    )
    announced = day_in(w, year, 3, 9, workday=True)
    board = w.randint(15, 31)
    yes = w.randint(board // 2 + 2, board)
    president = term_holder(s.seed, "union-president", union.key, year, 6)
    s.begin("labor", union.home, announced + timedelta(days=s.rng.choice((0, 1))), union.key, union.name)
    s.slots.update(
        union=union.written,
        union_short=union.short,
        union_cap=cap(union.short),
        members_are=union.members_are,
        office=office,
        candidate=candidate.name,
        cand_last=candidate.last,
        rival=rival.name,
        members=count(members),
        date=ap_date(announced),
        weekday=weekday(announced),
        board=f"{yes}-{board - yes}",
        president=president.name,
    )
    s.headlines(
        (
            "{union_cap} endorses {candidate} for {office}",
            "Union backs {cand_last} in {year} race for {office}",
            "{candidate} wins endorsement of {union_short}",
        )
    )
    s.decks(
        ("The {members}-member union cites wages and pensions", "{rival} did not seek the union's backing")
    )
    s.ledes(
        (
            "{union} on {weekday} endorsed {candidate} for {office}, handing the candidate the "
            "backing of one "
            "of the region's larger unions in the {year} race.",
            "One of the biggest unions in {state} is lining up behind {candidate} in the race for {office}.",
            "{candidate} picked up the endorsement of {union_short} on {weekday}, a boost in a race that has "
            "tightened in recent weeks.",
        )
    )
    s.fact(
        "candidate",
        "name",
        (candidate.name, candidate.last),
        (
            "The union endorsed {candidate} for {office} in {year}.",
            "In {year}, the union chose {candidate} over {rival} in the race for {office}.",
            "Its members will campaign for {candidate}, the union said.",
        ),
        ("Whom did {union} endorse for {office} in {year}?",),
        (
            "Which candidate for {office} won the backing of {union_short} in {year}?",
            "In the {year} race for {office}, who got {union_short} on their side?",
        ),
        lead=True,
    )
    s.fact(
        "members",
        "number",
        count(members),
        (
            "The union has {members} members.",
            "The {members}-member union announced its decision in {year}.",
            "With {members} members, it is among the larger unions in {state}.",
        ),
        ("How many members did {union} have when it endorsed in the {year} race for {office}?",),
        ("How big was the membership of {union_short} at the time of its {year} endorsement?",),
    )
    s.fact(
        "date",
        "date",
        ap_date(announced),
        ("The endorsement was announced on {date}.", "The union made its pick public on {date}, {year}."),
        ("On what date did {union} announce its endorsement in the {year} race for {office}?",),
        ("When did {union_short} throw its support behind a candidate for {office} in {year}?",),
    )
    s.fact(
        "board-vote",
        "number",
        f"{yes}-{board - yes}",
        (
            "The union's executive board voted {board} to endorse.",
            "The executive board backed the move {board}.",
        ),
        ("What was the executive board vote on the {year} endorsement by {union}?",),
        ("How did the leadership of {union_short} split when it picked a candidate for {office} in {year}?",),
    )
    s.fact(
        "president",
        "name",
        (president.name, president.last),
        (
            "{president}, the union's president, announced the decision.",
            "The decision was announced by union president {president}.",
        ),
        ("Who is the president of {union} who announced the {year} endorsement?",),
        ("Which union leader announced the pick of {union_short} for {office} in {year}?",),
    )
    s.quote(
        president,
        "",
        "the union's president",
        (
            "{cand_last} has stood with working families when it was not easy",
            "Our members did their homework, and the choice was clear",
            "We need a leader who will protect pensions and good jobs",
            "This endorsement is about who shows up when workers need help",
        ),
    )
    if s.rng.random() < 0.6:
        s.quote(
            candidate,
            "",
            f"the candidate for {office}",
            (
                "I am honored to have their support",
                "These are the people who keep our state running",
                "I will not let them down",
            ),
        )
    add_context(s, _LABOR_BACKGROUND)
    s.role(president, f"the president of {union.written}")


def _employer_for(union: Union) -> str:
    if "teachers" in union.members_are:
        return f"the {union.home.name} school district"
    if "nurses" in union.members_are:
        return f"{union.home.name} General Hospital"
    if "bus drivers" in union.members_are:
        return f"the {union.home.name} Regional Transit Authority"
    if "public employees" in union.members_are:
        return f"the city of {union.home.name}"
    return COMPANIES[derive("employer", union.key) % len(COMPANIES)].name


def write_ratification(s: Story) -> None:
    union: Union = s.subject
    year = s.year
    w = s.world("ratification", union.key, year)
    employer = _employer_for(union)
    raise_pct = round(w.uniform(2.0, 5.5), 1)
    length = w.randint(2, 5)
    approval = round(w.uniform(61, 97), 1)
    bonus = w.choice((500, 750, 1000, 1200, 1500, 2000, 2500))
    ratified = day_in(w, year, workday=True)
    president = term_holder(s.seed, "union-president", union.key, year, 6)
    s.begin(
        "labor",
        union.home,
        ratified + timedelta(days=s.rng.choice((0, 1, 2))),
        f"{union.key}-contract",
        union.name,
    )
    s.slots.update(
        union=union.written,
        union_short=union.short,
        union_cap=cap(union.short),
        members_are=union.members_are,
        members_cap=cap(union.members_are),
        employer=employer,
        employer_cap=cap(employer),
        raise_pct=percent(raise_pct),
        length=number_word(length),
        approval=percent(approval),
        bonus=dollars(bonus),
        date=ap_date(ratified),
        weekday=weekday(ratified),
        president=president.name,
    )
    s.headlines(
        (
            "{union_cap} members ratify {length}-year contract",
            "Union approves new contract with {employer}, averting strike",
            "{employer_cap} workers approve deal with {raise_pct} raises",
        )
    )
    s.ledes(
        (
            "Members of {union} voted to ratify a {length}-year contract with {employer}, ending months of "
            "tense negotiations and the threat of a strike.",
            "{members_cap} represented by {union_short} have a new contract after a ratification vote that "
            "wrapped up {weekday}.",
        )
    )
    s.fact(
        "raise",
        "percent",
        percent(raise_pct),
        (
            "The {year} contract gives workers raises of {raise_pct} a year.",
            "Pay will rise {raise_pct} in each year of the deal reached in {year}.",
            "Under the agreement, wages go up {raise_pct} annually.",
        ),
        ("What annual raise does the {year} contract between {union} and {employer} provide?",),
        (
            "By how much will pay for {members_are} in {union_short} go up each year under the deal ratified "
            "in {year}?",
        ),
        lead=True,
    )
    s.fact(
        "approval",
        "percent",
        percent(approval),
        (
            "Of the members who cast ballots, {approval} voted yes.",
            "The {year} contract passed with {approval} support.",
        ),
        ("What share of {union_short} members voted to ratify the {year} contract with {employer}?",),
        ("How much support did the {year} deal with {employer} get among voting members of {union_short}?",),
    )
    s.fact(
        "length",
        "number",
        f"{number_word(length)}-year",
        (
            "The {length}-year agreement replaces one that expired in the spring.",
            "The deal is a {length}-year contract.",
        ),
        ("How long is the contract {union} ratified with {employer} in {year}?",),
        ("For how many years will the {year} agreement between {union_short} and {employer} run?",),
    )
    s.fact(
        "bonus",
        "amount",
        dollars(bonus),
        (
            "Each member will also get a one-time bonus of {bonus}.",
            "The contract includes a {bonus} signing bonus.",
        ),
        ("How large is the one-time bonus in the {year} contract for {union_short}?",),
        (
            "What lump-sum payment will {union_short} members receive under their {year} deal with "
            "{employer}?",
        ),
    )
    s.quote(
        president,
        "",
        "the union's president",
        (
            "Our members stood together, and it made the difference",
            "Nobody wanted a strike, but everybody was ready for one",
            "This contract finally recognizes what these workers do",
        ),
    )
    add_context(
        s,
        (
            "Talks had dragged on since the old contract expired.",
            "Members had authorized a strike earlier in the year.",
            "A federal mediator joined the talks in the final weeks.",
            "Management said the deal fits within its budget.",
            "Health insurance costs were the biggest sticking point.",
            "The union represents {members_are} in and around {city}.",
        ),
    )
    s.role(president, f"the president of {union.written}")


# ================================================================================================= elections


def _election_day(year: int) -> date:
    first = date(year, 11, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return monday + timedelta(days=1)


def election_years(city: City) -> tuple[int, ...]:
    return tuple(y for y in ALL_YEARS if y % 4 == city.election_mod)


def write_mayoral_race(s: Story) -> None:
    city: City = s.subject
    year = s.year
    w = s.world("mayoral-race", city.key, year)
    winner = mayor_elected(s.seed, city.key, year)
    incumbent = mayor_elected(s.seed, city.key, last_election(city, year))
    reelected = incumbent == winner
    loser = (
        incumbent if not reelected and w.random() < 0.5 else person_for(s.seed, "challenger", city.key, year)
    )
    voters = int(city.population * 0.68)
    turnout = round(w.uniform(19, 58), 1)
    share = round(w.uniform(50.6, 71.0), 1)
    votes = int(voters * turnout / 100 * share / 100)
    day = _election_day(year)
    s.begin("elections", city, day + timedelta(days=s.rng.choice((0, 1))), city.key, city.name)
    s.slots.update(
        winner=winner.name,
        winner_last=winner.last,
        loser=loser.name,
        loser_last=loser.last,
        votes=count(votes),
        share=percent(share),
        turnout=percent(turnout),
        date=ap_date(day),
        how="won re-election" if reelected else "was elected mayor",
    )
    s.headlines(
        (
            "{winner} wins {city} mayor's race",
            "{city} elects {winner_last} as mayor in {year}",
            "{winner_last} defeats {loser_last} for {city} mayor",
        )
    )
    s.ledes(
        (
            "{winner} {how} in {city} on {date}, defeating {loser} in a race that turned on housing costs "
            "and public safety.",
            "Voters in {city} chose {winner} as mayor on Tuesday, according to unofficial results.",
        )
    )
    s.fact(
        "winner",
        "name",
        (winner.name, winner.last),
        (
            "{winner} won the {year} race for mayor.",
            "{winner} {how}, unofficial {year} results showed.",
            "The {year} mayoral election went to {winner}.",
        ),
        ("Who won the {year} mayoral election in {city}?",),
        (
            "Whom did {city} voters choose to lead the city in {year}?",
            "In {year}, who came out on top in the contest for {city_pos} top job?",
        ),
        lead=True,
    )
    s.fact(
        "loser",
        "name",
        (loser.name, loser.last),
        (
            "{loser} conceded shortly before midnight.",
            "The runner-up, {loser}, called {winner_last} to concede.",
        ),
        ("Who lost the {year} race for mayor of {city}?",),
        ("Which candidate came up short in {city_pos} {year} mayoral contest?",),
    )
    s.fact(
        "votes",
        "number",
        count(votes),
        ("{winner_last} received {votes} votes.", "The winner collected {votes} votes in {year}."),
        ("How many votes did the winner of {city_pos} {year} mayoral race receive?",),
        ("How many ballots were cast for the candidate who became mayor of {city} in {year}?",),
    )
    s.fact(
        "share",
        "percent",
        percent(share),
        ("{winner_last} took {share} of the vote.", "That was {share} of the ballots cast in the race."),
        ("What share of the vote did the winner of the {year} {city} mayor's race get?",),
        ("What portion of {city} voters backed the winning mayoral candidate in {year}?",),
    )
    s.fact(
        "turnout",
        "percent",
        percent(turnout),
        (
            "Turnout was {turnout}, according to the county elections office.",
            "About {turnout} of registered voters cast ballots in {year}.",
        ),
        ("What was voter turnout in {city_pos} {year} mayoral election?",),
        ("What fraction of registered voters in {city} showed up for the {year} mayor's race?",),
    )
    s.quote(
        winner,
        "",
        "the mayor-elect",
        (
            "Tonight this city chose to keep moving forward",
            "I will be the mayor for every neighborhood",
            "Now the real work starts",
        ),
    )
    s.quote(
        loser,
        "",
        "the runner-up",
        ("The voters have spoken, and I respect their decision", "We raised issues that are not going away"),
    )
    add_context(
        s,
        (
            "Results will not be certified for about two weeks.",
            "Early voting set a record in {county}.",
            "The race was officially nonpartisan.",
            "Both candidates raised more money than any mayoral campaign in the city's history.",
            "Several precincts reported long lines after work.",
            "The new mayor takes office in January.",
        ),
    )
    s.role(winner, f"the mayor-elect of {city.name}, {city.state_full}")


BOND_PURPOSES = (
    # (long, short, paraphrase)
    ("building and repairing schools", "school", "new and repaired school buildings"),
    ("parks and trails", "parks", "trails, playgrounds and open space"),
    ("a new public safety headquarters", "public safety", "a building for police and emergency dispatch"),
    ("affordable housing", "housing", "homes that working families can afford"),
    ("stormwater and flood control", "flood control", "keeping streets from flooding"),
)


def write_bond(s: Story) -> None:
    city: City = s.subject
    year = s.year
    long, short, para = BOND_PURPOSES[s.plan.variant % len(BOND_PURPOSES)]
    w = s.world("bond", city.key, short, year)
    amount = round(city.population * w.uniform(0.0006, 0.0025), 1) + 0.4
    yes = round(w.uniform(38, 74), 1)
    passed = yes > 55
    home_cost = w.randint(18, 140)
    day = _election_day(year)
    s.begin("elections", city, day + timedelta(days=1), f"{city.key}-{short}-bond", city.name)
    s.slots.update(
        purpose=long,
        purpose_short=short,
        purpose_para=para,
        amount=millions(amount),
        yes=percent(yes),
        home_cost=dollars(home_cost),
        date=ap_date(day),
        outcome="approved" if passed else "rejected",
        outcome2="passed" if passed else "failed",
    )
    s.headlines(
        (
            "{city} voters {outcome} {amount} {purpose_short} bond",
            "{purpose_short} bond {outcome2} in {city}",
            "{city} {purpose_short} bond measure {outcome2}",
        )
    )
    s.ledes(
        (
            "Voters in {city} {outcome} a {amount} bond for {purpose} on {date}, unofficial results showed.",
            "A {amount} bond measure to pay for {purpose} {outcome2} in {city} on Tuesday.",
        )
    )
    s.fact(
        "amount",
        "amount",
        millions(amount),
        (
            "The bond would raise {amount} for {purpose}.",
            "The measure asked voters to approve {amount} in borrowing in {year}.",
        ),
        ("How large was the {purpose_short} bond on the {year} ballot in {city}?",),
        ("How much borrowing for {purpose_para} did {city} voters consider in {year}?",),
        lead=True,
    )
    s.fact(
        "yes",
        "percent",
        percent(yes),
        (
            "The measure drew {yes} yes votes.",
            "Supporters got {yes} of the vote in {year}; a 55 percent majority was needed.",
        ),
        ("What percentage of {city} voters supported the {year} {purpose_short} bond?",),
        ("How much of the electorate in {city} said yes to borrowing for {purpose_para} in {year}?",),
    )
    s.fact(
        "home-cost",
        "amount",
        dollars(home_cost),
        (
            "The bond would cost the owner of a $250,000 home about {home_cost} a year.",
            "Officials estimated the cost at {home_cost} a year for a $250,000 home.",
        ),
        (
            "How much would the {year} {city} {purpose_short} bond cost the owner of a $250,000 home "
            "each year?",
        ),
        (
            "What yearly tax bill would the {year} borrowing for {purpose_para} add for a typical {city} "
            "homeowner with a $250,000 house?",
        ),
    )
    campaigner = person_for(s.seed, "bond-campaign", city.key, year)
    s.quote(
        campaigner,
        "",
        "who chaired the campaign for the measure",
        (
            "We knocked on every door we could find",
            "This was never about politics for us",
            "The need does not go away because of one vote",
        ),
    )
    add_context(
        s,
        (
            "Bond measures in {state} need 55 percent to pass.",
            "A similar measure fell short six years ago.",
            "Opponents said the city should pay for the work out of its existing budget.",
            "No organized group campaigned against the measure.",
            "Turnout was higher than in the last off-year election.",
        ),
    )


# ==================================================================================================== courts

CRIMES = (
    # (what was taken from, short)
    ("the {city} Little League", "youth league"),
    ("a credit union where {he} worked as a teller", "credit union"),
    ("a family-owned plumbing business", "plumbing business"),
    ("the parent-teacher association of an elementary school", "PTA"),
    ("a nonprofit food bank", "food bank"),
    ("the homeowners association {he} managed", "homeowners association"),
)


def write_sentencing(s: Story) -> None:
    defendant = s.subject
    year = s.year
    w = s.world("sentencing", slug(defendant.name), year)
    city = w.choice(CITIES)
    victim, victim_short = w.choice(CRIMES)
    taken = w.randrange(80, 2400) * 1000 + w.randrange(1, 999)
    restitution = taken - w.randrange(0, taken // 4)
    years_in = w.randint(1, 12)
    judge = person_for(s.seed, "judge", city.county, city.state_full, w.randrange(6))
    day = day_in(w, year, workday=True)
    s.begin("courts", city, day + timedelta(days=s.rng.choice((0, 1))), slug(defendant.name), defendant.name)
    s.slots.update(
        defendant=defendant.name,
        last=defendant.last,
        he=defendant.he,
        He=cap(defendant.he),
        his=defendant.his,
        victim=victim.format(city=city.name, he=defendant.he),
        victim_short=victim_short,
        taken=dollars(taken),
        restitution=dollars(restitution),
        sentence=f"{number_word(years_in)} years",
        judge=judge.name,
        judge_last=judge.last,
        date=ap_date(day),
        weekday=weekday(day),
    )
    s.headlines(
        (
            "{city} woman sentenced for embezzling from {victim_short}"
            if defendant.female
            else "{city} man sentenced for embezzling from {victim_short}",
            "Former treasurer gets {sentence} for stealing {taken}",
            "{defendant} sentenced in {victim_short} theft",
        )
    )
    s.ledes(
        (
            "{defendant}, who admitted stealing from {victim}, was sentenced {weekday} to {sentence} "
            "in prison.",
            "A judge in {county} on {weekday} sentenced {defendant} to {sentence} in prison for embezzling "
            "from {victim}.",
        )
    )
    s.fact(
        "sentence",
        "number",
        f"{number_word(years_in)} years",
        (
            "{judge} sentenced {last} to {sentence} in prison.",
            "{last} will serve {sentence} behind bars.",
            "The sentence was {sentence} in prison.",
        ),
        ("How long was the prison sentence for {defendant}?",),
        ("How much time behind bars did {defendant} receive for the {victim_short} theft?",),
        lead=True,
        swappable=(),
        year=None,
    )
    s.fact(
        "judge",
        "name",
        (judge.name, judge.last),
        ("Judge {judge} handed down the sentence.", "The case was heard by {county} Circuit Judge {judge}."),
        ("Which judge sentenced {defendant}?",),
        ("Who presided over the {victim_short} embezzlement case against {defendant}?",),
        swappable=(),
        year=None,
    )
    s.fact(
        "taken",
        "amount",
        dollars(taken),
        (
            "Prosecutors said {last} took {taken} over several years.",
            "{He} admitted taking {taken} from {victim}.",
            "The missing money totaled {taken}.",
        ),
        ("How much money did {defendant} admit taking?",),
        ("What sum did {defendant} steal from the {victim_short}?",),
        swappable=(),
        year=None,
    )
    s.fact(
        "restitution",
        "amount",
        dollars(restitution),
        ("{He} was also ordered to repay {restitution}.", "The judge ordered restitution of {restitution}."),
        ("How much restitution was {defendant} ordered to pay?",),
        ("What amount must {defendant} pay back to the {victim_short}?",),
        swappable=(),
        year=None,
    )
    prosecutor = person_for(s.seed, "prosecutor", city.county, city.state_full, year // 4)
    s.quote(
        prosecutor,
        "Assistant District Attorney",
        "who prosecuted the case",
        (
            "This was a betrayal of people who trusted {last} completely",
            "Every dollar of that money was meant for someone else",
            "The sentence reflects how long this went on",
        ),
    )
    add_context(
        s,
        (
            "{last} pleaded guilty earlier this year.",
            "{his} lawyer had asked for probation, citing {his} lack of a criminal record.",
            "Several victims addressed the court before the sentence was announced.",
            "The theft came to light during a routine audit.",
            "{He} apologized in court and said {he} intended to pay back every dollar.",
        ),
    )
    s.role(judge, f"a judge in {city.county}, {city.state_full}")


CASES = (
    # (long, short, paraphrase)
    ("a wrongful arrest", "wrongful arrest", "being arrested without cause"),
    ("flood damage from a broken water main", "water main break", "the burst pipe that flooded homes"),
    ("injuries suffered on a city bus", "bus injury", "getting hurt while riding a city bus"),
    ("a contract dispute with a trash hauler", "trash contract", "a fight over the garbage collection deal"),
    ("a fall on a broken sidewalk", "sidewalk fall", "tripping on a damaged sidewalk"),
)


def write_settlement(s: Story) -> None:
    city: City = s.subject
    year = s.year
    long, short, para = CASES[s.plan.variant % len(CASES)]
    w = s.world("settlement", city.key, short, year)
    amount = w.randrange(60, 4800) * 1000
    plaintiff = person_for(s.seed, "plaintiff", city.key, short, year)
    lawyer = person_for(s.seed, "plaintiff-lawyer", city.key, short, year)
    filed = year - w.randint(1, 4)
    day = day_in(w, year, workday=True)
    s.begin(
        "courts", city, day + timedelta(days=s.rng.choice((0, 1))), f"{city.key}-{slug(short)}", city.name
    )
    s.slots.update(
        case=long,
        case_short=short,
        case_para=para,
        amount=dollars(amount),
        plaintiff=plaintiff.name,
        plaintiff_last=plaintiff.last,
        lawyer=lawyer.name,
        filed=str(filed),
        date=ap_date(day),
        weekday=weekday(day),
    )
    s.headlines(
        (
            "{city} to pay {amount} to settle {case_short} lawsuit",
            "{city} settles lawsuit over {case_short}",
            "Council approves {amount} settlement in {case_short} case",
        )
    )
    s.ledes(
        (
            "{city} will pay {amount} to settle a lawsuit over {case}, under an agreement the City Council "
            "approved on {weekday}.",
            "The city of {city} has agreed to settle a lawsuit brought by {plaintiff} over {case}.",
        )
    )
    s.fact(
        "amount",
        "amount",
        dollars(amount),
        (
            "The settlement is worth {amount}.",
            "Under the {year} agreement, the city will pay {amount}.",
            "The city agreed to pay {amount} to end the case.",
        ),
        ("How much did {city} agree to pay in {year} to settle the lawsuit over {case}?",),
        ("What did the settlement over {case_para} cost {city} in {year}?",),
        lead=True,
    )
    s.fact(
        "plaintiff",
        "name",
        (plaintiff.name, plaintiff.last),
        ("The lawsuit was filed in {filed} by {plaintiff}.", "{plaintiff} sued the city in {filed}."),
        ("Who sued {city} over {case}, in the case settled in {year}?",),
        ("Who brought the lawsuit over {case_para} that {city} settled in {year}?",),
    )
    s.fact(
        "lawyer",
        "name",
        (lawyer.name, lawyer.last),
        (
            "{plaintiff_last} was represented by attorney {lawyer}.",
            "{lawyer}, a lawyer for {plaintiff_last}, said the case was about accountability.",
        ),
        ("Who was the lawyer for {plaintiff} in the lawsuit against {city}?",),
        (
            "Which attorney represented the person suing {city} over {case_para} in the case settled "
            "in {year}?",
        ),
        swappable=(),
    )
    s.fact(
        "date",
        "date",
        ap_date(day),
        ("The council approved the settlement on {date}.", "The agreement was signed on {date}."),
        ("On what date was {city_pos} {year} settlement of the {case_short} lawsuit approved?",),
        ("When did {city} sign off on paying to end the {year} lawsuit over {case_para}?",),
    )
    s.quote(
        lawyer,
        "",
        f"a lawyer for {plaintiff.name}",
        (
            "My client wanted the city to admit what happened",
            "No amount of money undoes what my client went through",
            "We are glad this is finally over",
        ),
    )
    add_context(
        s,
        (
            "The city did not admit wrongdoing as part of the settlement.",
            "The payment will come from the city's self-insurance fund.",
            "A trial had been scheduled for the spring.",
            "City attorneys recommended settling to avoid the cost of a trial.",
            "The council discussed the case in a closed session before the vote.",
        ),
    )
