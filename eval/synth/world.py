"""The fixed world the synthetic news corpus is written about: places, organisations, people, and formatting.

Everything here is a pure function of its arguments. Facts about an entity in a given year (a city's budget,
a company's revenue, who was mayor) are derived by hashing ``(seed, what, entity, year)``, never drawn from a
running random stream, so two articles about the same event agree on every number, and an article does not
depend on which other articles were generated before it.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, cached_property, lru_cache

FIRST_YEAR = 2014
LAST_YEAR = 2025
ALL_YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
STREETS = (
    "Main",
    "Oak",
    "Lincoln",
    "Water",
    "Mill",
    "Market",
    "Church",
    "River",
    "Grant",
    "Jefferson",
    "Front",
)


def derive(*parts: object) -> int:
    """A 64-bit integer from the parts, stable across runs and platforms (no ``hash()``)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def rng_for(*parts: object) -> random.Random:
    return random.Random(derive(*parts))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


# ---------------------------------------------------------------------------------------------- formatting

_MONTHS_AP = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
_MONTHS_FULL = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip


def ap_date(day: date) -> str:
    """AP style: 'Sept. 12', 'March 3'."""
    return f"{_MONTHS_AP[day.month - 1]} {day.day}"


def month_name(month: int) -> str:
    return _MONTHS_FULL[month - 1]


def weekday(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def number_word(n: int) -> str:
    """AP style spells out one through nine."""
    return _NUMBER_WORDS[n] if 0 <= n < 10 else f"{n:,}"


def count(n: int) -> str:
    return f"{n:,}"


def millions(value: float) -> str:
    """'$12.4 million' (one decimal, dropped when zero); values of 1,000 million and more in billions."""
    if value >= 1000:
        billions = round(value / 1000, 2)
        text = f"{billions:.2f}".rstrip("0").rstrip(".")
        return f"${text} billion"
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return f"${text} million"


def dollars(value: int) -> str:
    return f"${value:,}"


def percent(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}".removesuffix(".0") if digits else f"{round(value)}"
    return f"{text} percent"


def vote(rng: random.Random, size: int) -> tuple[int, int]:
    """A split vote of a body of ``size``: a majority for, at least one against."""
    yes = rng.randint(size // 2 + 1, size - 1)
    return yes, size - yes


def day_in(
    rng: random.Random, year: int, first_month: int = 1, last_month: int = 12, workday: bool = False
) -> date:
    """A day in the months given; ``workday`` moves a weekend day to the Monday after (meetings, filings)."""
    start = date(year, first_month, 1)
    end = date(year + (last_month == 12), 1 if last_month == 12 else last_month + 1, 1)
    day = start + timedelta(days=rng.randrange((end - start).days))
    if workday and day.weekday() >= 5:
        day += timedelta(days=7 - day.weekday())
    return day


# ---------------------------------------------------------------------------------------------- pools

FEMALE_NAMES = (
    "Jane", "Maria", "Aisha", "Elena", "Grace", "Hannah", "Priya", "Keisha", "Laura", "Mei", "Nadia",
    "Olivia", "Rosa", "Sofia", "Tanya", "Yvonne", "Amara", "Beatriz", "Carmen", "Dana", "Erin", "Fatima",
    "Gloria", "Helen", "Ingrid", "Joanna", "Kimberly", "Leticia", "Monique", "Nora", "Patricia", "Rachel",
    "Sandra", "Theresa", "Ursula", "Veronica", "Whitney", "Ximena", "Yolanda", "Zoe", "Alicia", "Brenda",
    "Camille", "Denise", "Esther", "Frances", "Gabriela", "Hye-jin", "Irene", "Julia", "Karen", "Linh",
    "Marisol", "Naomi", "Opal", "Pauline", "Renee", "Simone", "Tamara", "Vanessa", "Wendy", "Adriana",
    "Bridget", "Claudia", "Deborah", "Eileen", "Francesca", "Georgia", "Harriet", "Imani", "Jasmine",
    "Kathleen", "Lucia", "Megan", "Noelle", "Ofelia", "Paula", "Quinn", "Roberta", "Sharon", "Tiffany",
    "Valerie", "Anita", "Bernadette", "Colleen", "Diana", "Elise", "Fiona", "Gwen", "Heidi", "Ivy",
    "Janelle", "Keiko", "Lorraine", "Miriam", "Nicole", "Ayesha", "Rebecca", "Shirley", "Teresa",
    "Annette", "Carla", )  # fmt: skip
MALE_NAMES = (
    "John", "Carlos", "David", "Ahmed", "Brian", "Chen", "Daniel", "Eduardo", "Frank", "George", "Hiroshi",
    "Ivan", "James", "Kevin", "Luis", "Marcus", "Nathan", "Omar", "Patrick", "Raymond", "Samuel", "Thomas",
    "Victor", "Walter", "Xavier", "Yusuf", "Zachary", "Andre", "Bernard", "Curtis", "Dmitri", "Elijah",
    "Felipe", "Gregory", "Harold", "Isaac", "Jerome", "Kwame", "Leonard", "Miguel", "Nikhil", "Oscar",
    "Paul", "Rafael", "Stephen", "Terrence", "Vincent", "Wesley", "Alan", "Benjamin", "Calvin", "Dennis",
    "Ernest", "Franklin", "Gordon", "Hector", "Ibrahim", "Jamal", "Kenneth", "Lawrence", "Malik", "Neil",
    "Orlando", "Peter", "Roberto", "Sergei", "Tyrone", "Warren", "Arthur", "Bruce", "Clarence", "Darnell",
    "Edwin", "Fernando", "Glenn", "Howard", "Jorge", "Keith", "Lamar", "Martin", "Nolan", "Owen", "Philip",
    "Reginald", "Scott", "Trevor", "Vernon", "Wayne", "Anthony", "Douglas", "Emmanuel", "Gerald", "Hassan",
    "Jonathan", "Kurt", "Manuel", "Russell", "Tobias",
)  # fmt: skip
LAST_NAMES = (
    "Ortiz", "Nguyen", "Okafor", "Kowalski", "Haddad", "Lindqvist", "Moreno", "Patel", "Reyes", "Schmidt",
    "Tanaka", "Washington", "Abernathy", "Baptiste", "Castellano", "Delgado", "Eriksen", "Fitzgerald",
    "Gallagher", "Hoffman", "Ibarra", "Jablonski", "Kaplan", "Lombardi", "McAllister", "Nakamura", "Oyelaran",
    "Petrov", "Quintero", "Rasmussen", "Sandoval", "Thibodeaux", "Underwood", "Vasquez", "Whitfield",
    "Yamamoto", "Zielinski", "Alvarado", "Brennan", "Chowdhury", "Dunbar", "Espinoza", "Fairbanks",
    "Greer", "Halvorsen", "Iverson", "Jefferson", "Kim", "Larkin", "Mbeki", "Novak", "O'Connell", "Pham",
    "Quinlan", "Romero", "Sullivan", "Torres", "Ueda", "Villanueva", "Wozniak", "Yates", "Acosta", "Bauer",
    "Carmichael", "Dominguez", "Ellison", "Ferreira", "Gutierrez", "Hawkins", "Ingram", "Jensen",
    "Kuznetsov", "Lopez", "Mendoza", "Nash", "Osei", "Pacheco", "Ramirez", "Stewart", "Tran", "Ulrich",
    "Vance", "Walsh", "Young", "Zamora", "Adeyemi", "Bishop", "Cruz", "Duarte", "Engel", "Flores", "Gomez",
    "Harrington", "Ito", "Jovanovic", "Kelleher", "Lambert", "Maddox", "Nieves", "Olsen", "Prescott",
    "Rhodes", "Salazar", "Thornton", "Urquhart", "Vogel", "Wainwright", "Yilmaz", "Ashford", "Bellamy",
    "Calloway", "Dempsey", "Esposito", "Foley", "Garrison", "Holloway", "Irving", "Jacobs", "Keane",
    "Lowell", "Marsh", "Newsome", "Orozco", "Pruitt", "Reddy", "Sharma", "Tolliver", "Upton", "Valdez",
    "Webber", "Alston", "Banerjee", "Cho", "Diallo", "Estrada", "Fontaine", "Gill", "Hendricks", "Islam",
    "Juarez", "Khan", "Lyons", "Murphy", "Nwosu", "Oduya", "Park", "Rivera", "Santos", "Trujillo", "Ulloa",
    "Vega", "Wilkins", "Xu", "Yoon", "Zhang", "Abbott", "Barrett", "Coleman", "Donovan", "Everett",
    "Fleming", "Grant", "Hughes", "Jenkins", "Keller", "Lawson", "Mercer", "Norris", "Owens", "Porter",
    "Randall", "Sutton", "Tucker", "Vaughn", "Wheeler", "Ahn", "Bose", "Chavez", "Dube", "Eze", "Farouk",
    "Gupta", "Herrera", "Ivanova", "Jain", "Kovacs", "Le", "Mwangi", "Nair", "Oliveira", "Popescu",
    "Rossi", "Silva", "Takahashi", "Uddin", "Varga", "Wang", "Yadav", "Zimmerman", "Ambrose", "Blackwell",
    "Crowley", "Darby", "Easton", "Finch", "Goodwin", "Hale", "Inman", "Joyner", "Kirby", "Langston",
    "McBride", "Nolan", "Ogden", "Pierce", "Rowe", "Stanton", "Tate", "Voss", "Winslow", "Aguilar",
    "Benitez", "Cabrera", "Duran", "Fuentes", "Galvan", "Hidalgo", "Lozano", "Marquez", "Navarro", "Ochoa",
    "Padilla", "Rios", "Serrano", "Tapia", "Vargas", )  # fmt: skip

STATES = (
    ("Ala.", "Alabama"), ("Ariz.", "Arizona"), ("Ark.", "Arkansas"), ("Calif.", "California"),
    ("Colo.", "Colorado"), ("Conn.", "Connecticut"), ("Fla.", "Florida"), ("Ga.", "Georgia"),
    ("Idaho", "Idaho"), ("Ill.", "Illinois"), ("Ind.", "Indiana"), ("Iowa", "Iowa"), ("Kan.", "Kansas"),
    ("Ky.", "Kentucky"), ("La.", "Louisiana"), ("Maine", "Maine"), ("Md.", "Maryland"),
    ("Mass.", "Massachusetts"), ("Mich.", "Michigan"), ("Minn.", "Minnesota"), ("Miss.", "Mississippi"),
    ("Mo.", "Missouri"), ("Mont.", "Montana"), ("Neb.", "Nebraska"), ("Nev.", "Nevada"),
    ("N.H.", "New Hampshire"), ("N.J.", "New Jersey"), ("N.M.", "New Mexico"), ("N.Y.", "New York"),
    ("N.C.", "North Carolina"), ("Ohio", "Ohio"), ("Okla.", "Oklahoma"), ("Ore.", "Oregon"),
    ("Pa.", "Pennsylvania"), ("S.C.", "South Carolina"), ("Tenn.", "Tennessee"), ("Texas", "Texas"),
    ("Utah", "Utah"), ("Vt.", "Vermont"), ("Va.", "Virginia"), ("Wash.", "Washington"), ("Wis.", "Wisconsin"),
)  # fmt: skip

_CITY_STEMS = (
    "Ash", "Birch", "Cedar", "Elm", "Maple", "Oak", "Pine", "Willow", "Hazel", "Laurel", "Aspen", "Clear",
    "Green", "Fair", "Glen", "Bright", "Spring", "Stone", "Iron", "Silver", "Copper", "Red", "Black", "White",
    "North", "Lake", "River", "Brook", "Mill", "Harbor", "Elk", "Fox", "Deer", "Hawk", "Eagle", "Beacon",
    "Summer", "Winter", "Crest", "Gran", "Marl", "Thorn", "Bell", "Wick", "Rose", "Sharon", "Locke", "Ever",
)  # fmt: skip
_CITY_ENDINGS = (
    "ford", "field", "ton", "ville", "dale", "wood", "port", "view", "brook", "ridge", "haven", "burg",
    "mont", " Falls", " Springs", " Heights", " Crossing", " Hills", " Junction", " Grove", " Harbor",
    " Point", )  # fmt: skip
_COUNTY_NAMES = (
    "Adams", "Benton", "Clay", "Dawson", "Franklin", "Grayson", "Hamilton", "Jackson", "Knox", "Lincoln",
    "Madison", "Marion", "Monroe", "Morgan", "Polk", "Putnam", "Randolph", "Shelby", "Tyler", "Warren",
    "Wayne", "Calhoun", "Fulton", "Harlan", "Logan", "Mercer", "Perry", "Quincy", "Sumner", "Tipton",
)  # fmt: skip


@dataclass(frozen=True)
class City:
    name: str
    state: str  # AP abbreviation, as in a dateline
    state_full: str
    county: str  # "Marion County"
    population: int
    election_mod: int  # mayoral elections fall in years with this remainder mod 4

    @cached_property
    def key(self) -> str:
        return slug(f"{self.name} {self.state_full}")

    @property
    def dateline(self) -> str:
        return f"{self.name.upper()}, {self.state} —"


def _build_cities() -> tuple[City, ...]:
    rng = random.Random(20140101)  # the map is fixed; the user's seed picks from it
    names = sorted({f"{stem}{ending}" for stem in _CITY_STEMS for ending in _CITY_ENDINGS})
    rng.shuffle(names)
    cities = []
    for name in names[:520]:
        abbr, full = STATES[rng.randrange(len(STATES))]
        county = f"{rng.choice(_COUNTY_NAMES)} County"
        population = int(rng.lognormvariate(10.6, 0.8)) // 10 * 10 + 8000
        cities.append(City(name, abbr, full, county, population, rng.randrange(4)))
    return tuple(cities)


CITIES = _build_cities()

_COMPANY_STEMS = (
    "Northwind", "Bluestem", "Harborview", "Ironwood", "Silverline", "Keystone", "Redfield", "Lakeshore",
    "Summit", "Pinecrest", "Brightwater", "Granite", "Meridian", "Crescent", "Tidewater", "Highland",
    "Evergreen", "Copperleaf", "Westbrook", "Stonebridge", "Riverbend", "Sunridge", "Bayfront", "Oakhurst",
    "Clearpath", "Northstar", "Prairie", "Cobalt", "Halcyon", "Juniper", "Kestrel", "Larkspur", "Mosaic",
    "Quarry", "Sterling", "Trident", "Vantage", "Wolverine", "Alder", "Beacon", "Cardinal", "Driftwood",
    "Everest", "Foxglove", "Gateway", "Heron", "Inlet", "Jasper", "Kingsley", "Lantern", "Magnolia",
    "Nimbus", "Orchard", "Pioneer", "Redwood", "Saltmarsh", "Thistle", "Upland", "Vireo", "Whitecap",
)  # fmt: skip
_INDUSTRIES = (
    ("Logistics", "freight and warehousing"), ("Foods", "packaged foods"), ("Health", "hospital services"),
    ("Energy", "natural gas and solar power"), ("Robotics", "industrial robots"),
    ("Pharmaceuticals", "generic drugs"), ("Software", "business software"), ("Steel", "steel products"),
    ("Paper", "paper and packaging"), ("Textiles", "technical fabrics"), ("Semiconductor", "computer chips"),
    ("Bank", "consumer banking"), ("Insurance", "property insurance"), ("Motors", "auto parts"),
    ("Aerospace", "aircraft components"), ("Chemicals", "specialty chemicals"), ("Retail", "discount stores"),
    ("Telecom", "broadband service"), ("Materials", "building materials"), ("Biotech", "cancer drugs"),
)  # fmt: skip
_COMPANY_SUFFIXES = ("Inc.", "Corp.", "Group", "Holdings", "Co.")


@dataclass(frozen=True)
class Company:
    short: str  # "Northwind Logistics"
    suffix: str
    business: str  # "freight and warehousing"
    hq: City

    @property
    def name(self) -> str:
        return f"{self.short} {self.suffix}"

    @cached_property
    def key(self) -> str:
        return slug(self.short)


def _build_companies() -> tuple[Company, ...]:
    rng = random.Random(20140102)
    pairs = [(stem, industry) for stem in _COMPANY_STEMS for industry in _INDUSTRIES]
    rng.shuffle(pairs)
    return tuple(
        Company(f"{stem} {industry[0]}", rng.choice(_COMPANY_SUFFIXES), industry[1], rng.choice(CITIES))
        for stem, industry in pairs[:700]
    )


COMPANIES = _build_companies()

_UNION_FORMS = (
    # (name pattern, short pattern, what the members do)
    ("Amalgamated Transit Union Local {n}", "ATU Local {n}", "bus drivers and mechanics"),
    ("Service Employees International Union Local {n}", "SEIU Local {n}", "janitors and home care workers"),
    ("International Brotherhood of Electrical Workers Local {n}", "IBEW Local {n}", "electricians"),
    ("United Food and Commercial Workers Local {n}", "UFCW Local {n}", "grocery and meatpacking workers"),
    ("Teamsters Local {n}", "Teamsters Local {n}", "truck drivers and warehouse workers"),
    ("Communications Workers of America Local {n}", "CWA Local {n}", "call center and telecom workers"),
    ("International Association of Machinists Lodge {n}", "Machinists Lodge {n}", "machinists"),
    ("American Federation of State, County and Municipal Employees Council {n}", "AFSCME Council {n}",
     "public employees"),
    ("{state} Education Association", "the {state} Education Association", "teachers"),
    ("{state} Nurses Association", "the {state} Nurses Association", "registered nurses"),
    ("{state} AFL-CIO", "the {state} AFL-CIO", "workers in affiliated unions"),
    ("{city} Federation of Teachers", "the {city} Federation of Teachers", "teachers"),
)  # fmt: skip


@dataclass(frozen=True)
class Union:
    name: str
    short: str
    members_are: str
    home: City
    size: int  # typical membership

    @cached_property
    def key(self) -> str:
        return slug(self.name)

    @property
    def written(self) -> str:
        """The name as a sentence uses it: "the Ohio Education Association", but "Teamsters Local 822"."""
        return f"the {self.name}" if self.short.startswith("the ") else self.name


def _build_unions() -> tuple[Union, ...]:
    rng = random.Random(20140103)
    unions: dict[str, Union] = {}
    while len(unions) < 260:
        name, short, members_are = rng.choice(_UNION_FORMS)
        home = rng.choice(CITIES)
        values = {"n": rng.randrange(100, 1000), "state": home.state_full, "city": home.name}
        union = Union(
            name.format(**values), short.format(**values), members_are, home, rng.randrange(800, 60000)
        )
        unions.setdefault(union.name, union)
    return tuple(unions[name] for name in sorted(unions))


UNIONS = _build_unions()

_MASCOTS = (
    "Otters", "Miners", "Rivermen", "Falcons", "Comets", "Foxes", "Lumberjacks", "Mariners", "Thunder",
    "Wolves", "Bison", "Herons", "Blaze", "Rockets", "Pioneers", "Sentinels", "Storm", "Badgers", "Owls",
    "Stallions", "Mustangs", "Grizzlies", "Ravens", "Tide", "Knights", "Cyclones", "Voyagers", "Rangers",
)  # fmt: skip
_LEAGUES = (
    # (league, sport, score range per team, "points"/"goals"/"runs")
    ("Great Lakes Basketball League", "basketball", (72, 118), "points"),
    ("Prairie Basketball Conference", "basketball", (70, 115), "points"),
    ("Mid-Atlantic Hockey Association", "hockey", (0, 6), "goals"),
    ("Northern Plains Hockey League", "hockey", (0, 6), "goals"),
    ("Sun Belt Baseball League", "baseball", (0, 11), "runs"),
    ("Heartland Baseball Association", "baseball", (0, 10), "runs"),
    ("Coastal Soccer League", "soccer", (0, 4), "goals"),
    ("Mountain West Soccer Conference", "soccer", (0, 4), "goals"),
    ("Valley Football League", "football", (3, 45), "points"),
    ("Frontier Football Conference", "football", (3, 42), "points"),
)  # fmt: skip


@dataclass(frozen=True)
class League:
    name: str
    sport: str
    score_range: tuple[int, int]
    scoring: str

    @cached_property
    def key(self) -> str:
        return slug(self.name)


@dataclass(frozen=True)
class Team:
    city: City
    mascot: str
    league: League

    @property
    def name(self) -> str:
        return f"{self.city.name} {self.mascot}"

    @cached_property
    def key(self) -> str:
        return slug(self.name)


LEAGUES = tuple(League(*row) for row in _LEAGUES)


def _build_teams() -> tuple[Team, ...]:
    rng = random.Random(20140104)
    teams = []
    for league in LEAGUES:
        cities = rng.sample(CITIES, 10)
        mascots = rng.sample(_MASCOTS, 10)
        teams.extend(Team(city, mascot, league) for city, mascot in zip(cities, mascots, strict=True))
    return tuple(teams)


TEAMS = _build_teams()


@cache
def league_teams(league: League) -> tuple[Team, ...]:
    return tuple(team for team in TEAMS if team.league == league)


def universities() -> tuple[str, ...]:
    return _UNIVERSITIES


_UNIVERSITIES = tuple(
    sorted(
        {f"University of {c.name}" for c in CITIES[:25]}
        | {f"{s} State University" for _, s in STATES[::3]}
        | {f"{n} College" for n in LAST_NAMES[:40:3]}
        | {f"{n} Institute of Technology" for n in LAST_NAMES[40:80:8]}
    )
)
JOURNALS = (
    "the Journal of Community Health", "the American Journal of Preventive Care",
    "Annals of Regional Medicine", "the Journal of Environmental Epidemiology", "Public Health Reports",
    "the Journal of Aging and Activity", "Pediatric Outcomes", "the Review of Nutrition Science",
)  # fmt: skip
DISEASES = (
    ("influenza", "flu"), ("measles", "measles"), ("whooping cough", "whooping cough"),
    ("RSV", "RSV"), ("salmonella", "salmonella"), ("West Nile virus", "West Nile"),
    ("Lyme disease", "Lyme disease"), ("hepatitis A", "hepatitis A"),
)  # fmt: skip
FIRE_PLACES = (
    "Bear Creek", "Cedar Canyon", "Dry Gulch", "Eagle Ridge", "Fox Hollow", "Granite Pass", "Hidden Valley",
    "Juniper Flats", "Lone Pine", "Mill Creek", "Pine Ridge", "Rattlesnake Mesa", "Sage Hill", "Sawtooth",
    "Timber Gap", "Willow Springs", "Coyote Wash", "Deer Lick", "Elk Meadow", "Horse Canyon",
)  # fmt: skip
OUTLET_KINDS = ("Courier", "Gazette", "Tribune", "Sentinel", "Herald", "Ledger", "Post", "Register")
WIRE_SERVICES = ("Regional News Service", "Statehouse Wire", "Midland Press Service", "Civic Desk News")


# ---------------------------------------------------------------------------------------------- people


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    female: bool

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def he(self) -> str:
        return "she" if self.female else "he"

    @property
    def his(self) -> str:
        return "her" if self.female else "his"


def random_person(rng: random.Random) -> Person:
    female = rng.random() < 0.5
    return Person(rng.choice(FEMALE_NAMES if female else MALE_NAMES), rng.choice(LAST_NAMES), female)


@lru_cache(maxsize=16384)
def person_for(seed: int, *key: object) -> Person:
    """The one person who holds a role (keyed by role, organisation and term) in this world."""
    return random_person(rng_for(seed, "person", *key))


@lru_cache(maxsize=8192)
def mayor_elected(seed: int, city_key: str, election_year: int) -> Person:
    """The winner of a city's mayoral election; incumbents are sometimes re-elected."""
    rng = rng_for(seed, "mayor-race", city_key, election_year)
    if election_year - 4 >= 2002 and rng.random() < 0.4:
        return mayor_elected(seed, city_key, election_year - 4)
    return person_for(seed, "mayor", city_key, election_year)


def last_election(city: City, before_year: int) -> int:
    """The latest mayoral election year strictly before ``before_year``."""
    year = before_year - 1
    return year - ((year - city.election_mod) % 4)


def mayor_of(seed: int, city: City, year: int) -> Person:
    return mayor_elected(seed, city.key, last_election(city, year))


def term_holder(seed: int, role: str, org_key: str, year: int, term_years: int) -> Person:
    """Who holds a role in a year: terms of ``term_years``, offset per organisation."""
    offset = derive(seed, "term-offset", role, org_key) % term_years
    return person_for(seed, role, org_key, (year + offset) // term_years)


def series_value(
    seed: int, what: str, key: str, year: int, base: float, trend: float, jitter: float
) -> float:
    """A yearly figure drifting by ``trend`` a year, with noise: the same in every article that cites it."""
    start = base * (0.6 + 0.8 * rng_for(seed, what, key, "base").random())
    noise = 1 + jitter * (2 * rng_for(seed, what, key, year).random() - 1)
    return start * (1 + trend) ** (year - FIRST_YEAR) * noise
