"""Background for the synthetic articles: context sentences, outside voices and made-up details by section.

None of it states a fact a question asks about; details bring their own numbers, names and (pre-2014)
years, the kind of noise a real article carries around its facts.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from eval.synth.story import Story
from eval.synth.world import STREETS, count, dollars, month_name, number_word, percent, random_person

SECTION_CONTEXT = {
    "local-government": (
        "The council meets on the first and third Tuesday of each month.",
        "Meetings are open to the public and streamed on the city's website.",
        "{city} has a council-manager form of government, with a city manager overseeing daily operations.",
        "Like many cities its size, {city} has seen its costs rise faster than its revenue.",
        "State law requires cities in {state} to adopt a balanced budget.",
        "A spokeswoman for the city said more details would be posted online.",
        "Council members are elected to staggered four-year terms.",
        "The city manager's office did not respond to a request for comment by deadline.",
    ),
    "labor": (
        "Union membership nationally has hovered near historic lows for years.",
        "{union_cap} is one of several unions that represent workers in the region.",
        "The union's offices are in {city}.",
        "Member dues pay for the union's political program.",
        "Union leaders said they would keep pressing on health care costs.",
        "Labor organizers have stepped up campaigns across {state} in recent years.",
        "Representatives of management did not immediately respond to messages.",
    ),
    "elections": (
        "The county elections office will audit a sample of ballots before certification.",
        "Mail ballots postmarked by Election Day can still be counted.",
        "Campaign finance reports showed heavy spending by outside groups.",
        "Poll workers reported few problems.",
        "{county} uses paper ballots that are scanned at each precinct.",
        "Local races often draw far fewer voters than presidential contests.",
        "Results were posted on the county's website throughout the night.",
    ),
    "courts": (
        "Court records show the case had been postponed several times.",
        "The {county} courthouse has faced a backlog of cases in recent years.",
        "Neither side responded to requests for comment after the hearing.",
        "Legal experts said cases like this one rarely go to trial.",
        "Documents filed in the case run to hundreds of pages.",
        "The hearing lasted a little more than an hour.",
    ),
    "business": (
        "Economists have warned that higher interest rates could slow business investment.",
        "Industry analysts said demand has held up better than expected.",
        "Supply chain troubles that dogged the industry have largely eased.",
        "Investors have pushed companies in the sector to cut costs.",
    ),
    "sports": (
        "Tickets for home games have been harder to come by this year.",
        "Local television ratings for the team have climbed.",
        "Several players are expected to become free agents.",
        "Team officials said season ticket renewals were strong.",
        "The {league} has added teams twice in the past decade.",
        "Both teams have loyal followings in their home cities.",
    ),
    "weather": (
        "The National Weather Service said the region could see more unsettled weather later in the week.",
        "Insurance adjusters were expected to arrive in the coming days.",
        "Residents were urged to photograph damage for insurance claims.",
        "Volunteers handed out water and tarps.",
        "State transportation crews worked to reopen roads.",
        "Scientists say extreme weather is becoming more frequent in the region.",
    ),
    "science-health": (
        "Public health experts say more research is needed.",
        "The findings have not been independently replicated.",
        "Doctors advise patients to discuss any changes with their physician.",
        "Federal health agencies track similar data nationwide.",
        "Local hospitals said they had enough capacity.",
        "The data are self-reported, which can introduce errors.",
    ),
}
EVENT_CONTEXT = {
    "budget": (
        "{mayor} first presented the proposal in October.",
        "The plan includes a hiring freeze for some departments.",
        "Water and sewer rates are set separately.",
        "The budget also pays for cost-of-living raises for city employees.",
        "A reserve fund covers about two months of operating costs.",
    ),
    "contract": (
        "The contract includes penalties if the work runs late.",
        "The council also approved a separate contract for engineering oversight.",
        "Traffic on nearby streets is expected to be affected for months.",
        "Construction costs have risen sharply since the project was first proposed.",
    ),
    "endorsement": (
        "{rival} has picked up endorsements from business groups.",
        "Early voting begins about a month before Election Day.",
        "The candidates will meet in at least two debates.",
        "Polls have shown a close race.",
    ),
    "ratification": (
        "The agreement also changes overtime rules.",
        "{employer_cap} said the new contract would help it recruit and keep workers.",
        "Workers will also get an additional paid holiday.",
        "Both sides said the talks were difficult but respectful.",
    ),
    "mayoral-race": (
        "The winner inherits a city budget under strain.",
        "Housing costs dominated the campaign.",
        "Both candidates promised to hire more police officers.",
        "Several council seats were also on the ballot.",
    ),
    "bond": (
        "The money would be borrowed over several years.",
        "Interest rates will affect the final cost of the borrowing.",
        "A citizens' oversight committee would monitor spending.",
        "Supporters included the local chamber of commerce.",
    ),
    "sentencing": (
        "The judge also ordered three years of supervised release.",
        "Investigators traced the money through a series of bank transfers.",
        "Prosecutors said the money went to gambling and personal expenses.",
        "The organization has since changed how it handles its finances.",
    ),
    "settlement": (
        "Attorneys for {plaintiff_last} had sought far more.",
        "The city has faced several similar claims in recent years.",
        "Part of the payment will go to legal fees.",
        "The agreement includes no admission of liability.",
    ),
    "earnings": (
        "Trading volume was about {n_small} times the daily average.",
        "The stock has traded in a narrow range since {month}.",
        "Analysts surveyed by a financial data firm had expected growth of about {pct_small}.",
        "The company will hold a call with analysts later in the week.",
        "Sales in its largest division grew fastest.",
        "The company has cut costs by consolidating offices.",
        "Executives said prices for its products stabilized late in the year.",
    ),
    "merger": (
        "The company did not say whether any jobs would be cut.",
        "Trading volume in {target_short} shares was about {n_small} times the daily average.",
        "{target_short} is about half the size of {buyer_short}.",
        "The companies said they expect to save money by combining operations.",
        "Some shareholders had pushed {target_short} to sell.",
        "Investment banks advised both companies on the deal.",
    ),
    "plant": (
        "{city} officials have courted manufacturers with tax incentives for years.",
        "State officials called it one of the largest projects of its kind in the region.",
        "The city council must still approve the incentive package.",
        "Local colleges plan training programs for the new jobs.",
        "The company already operates plants in other states.",
    ),
    "final": (
        "The {champ_mascot} finished the regular season near the top of the standings.",
        "The lead changed hands several times.",
        "Players celebrated with fans for nearly an hour.",
    ),
    "season": (
        "The {mascot} were in the playoff race until the final weeks.",
        "The team's young core is under contract for next season.",
        "Road losses hurt the team most.",
    ),
    "storm": (
        "Trees blocked several major roads for hours.",
        "Damage assessments were continuing.",
        "Utility crews from neighboring states were called in.",
        "City crews began picking up debris at the curb.",
    ),
    "wildfire": (
        "Hot, dry conditions have left the region especially prone to fires this year.",
        "Evacuation shelters opened at two schools.",
        "Officials warned that the fire could grow if the wind shifts.",
        "Smoke forced the cancellation of outdoor events.",
    ),
    "study": (
        "The analysis drew on records from {n_small} hospitals and clinics.",
        "The work took about {n_small} years to complete.",
        "The researchers used data from a long-running health survey.",
        "Earlier studies had reached mixed conclusions.",
        "The authors said the results may not apply to all groups.",
        "Experts not involved in the study called it well designed.",
    ),
    "health-report": (
        "{person}, a spokesperson for the health department, said the figures are preliminary.",
        "Case counts tend to rise and fall with the seasons.",
        "The department tracks cases reported by doctors and labs.",
        "Officials said many mild cases are never reported.",
        "The health department's budget has been flat for several years.",
    ),
}


# Outside voices: (who they are, what they say), by section.
SECTION_VOICES = {
    "local-government": (
        (
            "a longtime resident who attends most council meetings",
            "who owns a small business downtown",
            "a retired teacher who lives near City Hall",
        ),
        (
            "People here are not against spending money, they are against wasting it",
            "I have been coming to these meetings for years, and the questions never change",
            "The council listens more than it used to, I will give them that",
            "My property taxes have gone up every year since I bought my house",
            "I want to know what we get for the money",
            "We keep hearing about plans, and I would like to see some results",
        ),
    ),
    "labor": (
        (
            "a member of the union for more than a decade",
            "a shop steward",
            "who has worked in the trade since high school",
        ),
        (
            "Everybody I work with is stretched thin",
            "We are not asking for anything we have not earned",
            "The younger workers are the ones pushing hardest this time",
            "It is hard to keep people when the pay does not keep up",
            "When we stick together, we get heard",
            "My rent went up twice in two years",
        ),
    ),
    "elections": (
        ("a voter who cast a ballot at a church polling place", "a first-time voter", "a precinct captain"),
        (
            "I vote in every election, even the small ones",
            "I wanted someone who will fix the roads",
            "Both candidates said a lot of the same things",
            "It matters more who runs the city than people think",
            "I made up my mind in the last week",
            "I just hope whoever wins keeps their promises",
        ),
    ),
    "courts": (
        (
            "a former prosecutor who now teaches law",
            "a defense attorney who was not involved in the case",
            "a legal analyst",
        ),
        (
            "Cases like this turn on the paperwork",
            "Judges look hard at whether anyone has taken responsibility",
            "The outcome here is about what I would have expected",
            "Most of these cases end without a trial",
            "The money is often gone long before anyone notices",
        ),
    ),
    "business": (
        (
            "an analyst who follows the company",
            "a professor of economics at a state university",
            "an industry consultant",
        ),
        (
            "The numbers were better than the market feared",
            "Investors want to see steady growth, not surprises",
            "The whole sector is under pressure to cut costs",
            "This fits a pattern we have seen for a few years",
            "The real test comes in the next couple of quarters",
            "Management has earned some credibility",
        ),
    ),
    "sports": (
        ("a season ticket holder", "a longtime fan", "a radio analyst who covers the league"),
        (
            "I have been coming to games since I was a kid",
            "This team plays hard every night",
            "The atmosphere in the building was incredible",
            "They need more depth if they want to go further",
            "You could feel the energy all season",
            "Nobody expected much from them this year",
        ),
    ),
    "weather": (
        (
            "a neighbor who helped clear debris",
            "who has lived on the same street for 30 years",
            "a volunteer at the shelter",
        ),
        (
            "Everybody on the block came out to help",
            "We have never had to deal with anything like this",
            "The hardest part is not knowing when things get back to normal",
            "We are just grateful nobody got hurt",
            "The insurance process is going to take forever",
        ),
    ),
    "science-health": (
        (
            "a physician who was not involved in the work",
            "an epidemiologist at a state university",
            "a public health consultant",
        ),
        (
            "The findings are interesting, but they need to be confirmed",
            "People should not change everything overnight because of one report",
            "These are the kinds of numbers we watch closely",
            "The trend lines matter more than any single year",
            "Good data is the starting point for good policy",
        ),
    ),
}


# Details with their own numbers, names and (pre-2014) years: realistic noise no question asks about.
SECTION_DETAILS = {
    "local-government": (
        "The council also approved {n_mid} new parking meters for the {street} Street business district.",
        "A public hearing on short-term rentals is set for {month} {day}.",
        "The city last raised its trash collection fee in {past_year}.",
        "{person}, the city's finance director, told the council that sales tax revenue was up {pct_small} "
        "over the same period a year earlier.",
        "Council members spent about {n_small} hours on the item before voting.",
        "Staff will present a {n_small}-year capital plan in {month}.",
        "The city's {street} Street garage, built in {past_year}, needs {money_small} in repairs.",
    ),
    "labor": (
        "The union last went on strike in {past_year}, a walkout that lasted {n_small} weeks.",
        "About {n_mid} members attended the meeting where the vote was taken.",
        "The union's political fund spent {money_small} on local races in the last cycle.",
        "Negotiators met {n_small} times over the final month.",
        "{person}, a spokesperson for the union, said details would be shared with members first.",
    ),
    "elections": (
        "The county counted {n_mid} provisional ballots.",
        "The last recount in a local race here was in {past_year}.",
        "Polls in {county} closed at {hour} p.m.",
        "{person}, the county elections director, said results would be certified in {month}.",
        "Campaign reports showed {money_small} raised in the final month alone.",
        "Volunteers staffed {n_mid} polling places.",
    ),
    "courts": (
        "The hearing was postponed {n_small} times because of scheduling conflicts.",
        "Court filings include {n_mid} pages of financial records.",
        "{person}, a spokesperson for the court, said the judge would not comment further.",
        "A similar case in {past_year} ended with a plea deal.",
        "The courtroom was about half full, with {n_small} rows reserved for the public.",
    ),
    "business": (
        "{person}, an analyst who follows the industry, said the move fit a wider trend.",
        "The company opened its first location in {past_year}.",
        "The company spent {money_small} on a new training center last year.",
    ),
    "sports": (
        "The game was delayed {n_small} minutes by a lighting problem.",
        "{person} added {n_small} {scoring} off the bench.",
        "The team's last title came in {past_year}.",
        "Attendance across the league rose about {pct_small} this year.",
        "{person}, a rookie, played in {n_small} games after a midseason call-up.",
    ),
    "weather": (
        "Wind gusts reached {wind} mph at the airport.",
        "Crews cleared {n_small} major roads by nightfall.",
        "The last comparable event here was in {past_year}.",
        "{person}, a meteorologist with the National Weather Service, said conditions would improve by the "
        "weekend.",
        "About {n_mid} people stayed at emergency shelters overnight.",
    ),
    "science-health": (
        "{person}, who directs a community clinic, said patients have been asking about the issue.",
        "Funding came in part from a {money_small} grant.",
        "A similar report in {past_year} drew national attention.",
    ),
}


_DETAIL_MAKERS: dict[str, Callable[[random.Random], str]] = {
    "n_small": lambda rng: number_word(rng.randint(2, 9)),
    "n_mid": lambda rng: count(rng.randint(40, 400)),
    "money_small": lambda rng: dollars(rng.randrange(20, 900) * 1000),
    "past_year": lambda rng: str(rng.randint(1996, 2011)),
    "month": lambda rng: month_name(rng.randint(1, 12)),
    "day": lambda rng: str(rng.randint(1, 28)),
    "hour": lambda rng: str(rng.choice((7, 8))),
    "pct_small": lambda rng: percent(round(rng.uniform(1.2, 9.0), 1)),
    "person": lambda rng: random_person(rng).name,
    "street": lambda rng: rng.choice(STREETS),
    "wind": lambda rng: str(rng.randint(45, 95)),
}


class _Details(dict):
    """The story's slots, plus details made up on first use (only those a sentence asks for)."""

    def __init__(self, slots: dict[str, str], rng: random.Random) -> None:
        super().__init__(slots)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        value = self[key] = _DETAIL_MAKERS[key](self.rng)
        return value


def add_context(s: Story, pool: tuple[str, ...]) -> None:
    """Background sentences (the event's own, its kind's and its section's) and an outside voice."""
    s.background(
        pool + EVENT_CONTEXT[s.plan.event] + SECTION_CONTEXT[s.section], s.rng.randint(5, 12), _Details
    )
    s.background(SECTION_DETAILS[s.section], s.rng.randint(2, 5), _Details)
    descriptions, lines = SECTION_VOICES[s.section]
    for chance in (0.8, 0.3):
        if s.rng.random() < chance:
            s.quote(random_person(s.rng), "", s.rng.choice(descriptions), lines, lean=0.1)
