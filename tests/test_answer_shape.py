"""What an answer looks like to a reader: the short answer first, no sentence twice, a few sentences."""

import pytest

from ingest.models import Article
from service.judge.direct_answer import EntityFinder, answer_candidates, asked_kind, find_direct_answer

DOCUMENT = (
    "The Senate voted on Tuesday. Pence read the vote count 50-50 and then voted himself, rendering the "
    "tally 51-50 on February 7, 2017. Betsy DeVos was sworn in at the White House in Washington."
)


@pytest.fixture(scope="module")
def finder() -> EntityFinder:
    return EntityFinder()


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When was DeVos confirmed?", "time"),
        ("How many senators voted against DeVos?", "count"),
        ("How much will the wall cost?", "money"),  # a sum, not any number
        ("How old was the musher?", "age"),
        ("How tall is the statue?", "measure"),
        ("How long is the route in miles?", "length"),
        ("How long did the flight take?", "duration"),
        ("How many years had he worked at the CIA?", "duration"),  # counted in time, read as a date
        ("How many days of leave are officers entitled to?", "duration"),
        ("How many people were hurt?", "count"),
        ("Who cast the deciding vote?", "person"),
        ("Where was DeVos sworn in?", "place"),
        ("In which country did the attack happen?", "place"),
        ("Which party won the election?", "organization"),
        ("Why did the Senate vote?", None),
        # A clause before the question proper names the event; the kind is the question proper's.
        ("In February 2017, by what margin did MPs approve the bill?", "count"),
        ("When the bill returned to the Commons, how many MPs voted for it?", "count"),
        ("Under its original permit, when was the statue due to be removed?", "time"),
        ("In the 2016 race for mayor, who did the union back?", "person"),
        # A relative or time clause is not the question proper: no kind rather than a wrong one.
        ("In 2016, when the vote was held, who won the seat?", None),
        ("Angela Merkel, who leads Germany, met which leader in Paris?", None),
        ("After the raid, when police arrived, how many people were arrested?", "count"),
        ("When did the bill, which MPs amended, return to the Commons?", "time"),
        ("Who is his widow, who was honoured at the address?", "person"),
        # The noun a which-phrase ends on, after names and modifiers, says the kind.
        ("Which Australian airline had a propeller fall off?", "organization"),
        ("Which Bavaria-based construction company rejected the wall?", "organization"),
        ("Which wireless carrier's customers could not call 911?", "organization"),
        ("Which California dam's spillway was damaged?", "place"),
        ("In which West Cork village was the holiday home?", "place"),
        ("Which FDNY emergency medical technician was killed?", "person"),
        ("Which two Weather Channel contractors died in a crash?", "person"),
        ("What is the name of the Regional Express captain who landed the plane?", "person"),
        ("What was the name of the company that bought it?", "organization"),
        ("Which two men were arrested?", "person"),
        ("Which countries signed the deal?", "place"),
        ("Which party leader resigned?", "person"),
        ("Which team captain scored?", "person"),
        # A listed noun used as a verb ends the phrase.
        ("Which country chairs the EU presidency?", "place"),
        # ... unless another noun follows it: then it was a modifier.
        ("What prison sentence did the pilot receive?", None),
        ("Which Russian helicopter models was the UAE interested in?", None),
        # A hedge or a preposition before the asking words keeps their kind.
        ("Roughly how many employees does the company have?", "count"),
        ("After how many minutes was he shown the red card?", "count"),
        ("By what percentage did he say the budget would be cut?", "amount"),
        ("Since what year had he worked in India?", "time"),
        ("In which year did she win?", "time"),
        ("At about what time did the gunman approach them?", "time"),
        # A sum's noun after words that qualify it; an auxiliary makes it the subject.
        ("What annual salary will Oscar earn?", "amount"),
        ("What effective federal tax rate did Romney pay?", "amount"),
        ("What did its profit rise to?", None),
        ("What new tariffs did Trump impose?", "amount"),
        ("What tax plan did the senator propose?", None),
        ("What debt crisis hit Greece?", None),
        ("What fine art collection was stolen?", None),
        ("Precisely when did the fire start?", "time"),
        # A name asked for, whatever it names (a named thing only so); a people's name ending the phrase
        # makes it a person's.
        ("What is the name of the Dutch comedy show whose video went viral?", "name"),
        ("Which TV show did she host?", None),
        ("What is the name of the new surveillance law?", "name"),
        ("What is the name of the British law on surveillance?", "name"),
        ("What is the name of the 19-year-old Palestinian arrested after the attack?", "person"),
        ("Which countries fund the UN agency?", None),
        ("Which Russian zoo sued the studio?", "organization"),
        # A role word that opens a compound is no role: the firm is asked for, not a driver.
        ("Which Israeli driver-assistance technology firm did Intel buy?", "organization"),
        ("Which driver won the race?", "person"),
    ],
)
def test_the_kind_of_short_answer_follows_the_question(question, kind):
    assert asked_kind(question) == kind


def test_a_date_question_gets_the_date_span_with_document_offsets(finder):
    start = DOCUMENT.index("Pence")
    end = DOCUMENT.index("2017.") + len("2017.")
    found = find_direct_answer("When was DeVos confirmed?", "d1", DOCUMENT, start, end, finder)
    assert found is not None
    assert found.text == "February 7, 2017"
    assert DOCUMENT[found.start : found.end] == found.text
    assert start <= found.start < found.end <= end


def test_a_place_question_gets_the_place_and_never_a_name_it_already_asks_about(finder):
    start = DOCUMENT.index("Betsy")
    found = find_direct_answer(
        "Where was Betsy DeVos sworn in?", "d1", DOCUMENT, start, len(DOCUMENT), finder
    )
    assert found is not None and found.text == "Washington"


def test_no_short_answer_for_a_why_question_or_when_the_sentence_has_none(finder):
    start = DOCUMENT.index("Betsy")
    assert (
        find_direct_answer("Why was DeVos controversial?", "d1", DOCUMENT, start, len(DOCUMENT), finder)
        is None
    )
    assert find_direct_answer("How many votes?", "d1", DOCUMENT, start, len(DOCUMENT), finder) is None


def test_a_person_the_question_names_by_surname_is_no_answer_unless_kin_is_asked(finder):
    text = "The nomination comes one day after Andy Puzder, Donald Trump's first pick, withdrew."
    assert answer_candidates("Who did Trump pick instead of Andrew Puzder?", "person", text, finder) == []
    family = "Mitch Seavey finished ahead of his son Dallas Seavey."
    found = answer_candidates("Who is Mitch Seavey's son?", "person", family, finder)
    assert [family[s:e] for _, _, s, e in found] == ["Dallas Seavey"]


REPEATED = (
    "Ice Wolf Pass closed its mountain road on March 3 after an avalanche buried the pass under ten meters "
    "of snow, the county said.\n\n"
    "Crews from three towns worked through the night.\n\n"
    "Ice Wolf Pass closed its mountain road on March 3 after an avalanche buried the pass under ten meters "
    "of snow, the county said.\n\n"
    "The pass will reopen in April, officials said."
)


def test_an_answer_never_quotes_the_same_sentence_twice_and_leads_with_the_short_answer(fresh_engine):
    report = fresh_engine.ingest_articles(
        [Article(id="avalanche", title="Avalanche shuts pass", body=REPEATED)]
    )
    assert report.added == ["avalanche"]
    answer = fresh_engine.ask("When did Ice Wolf Pass close its mountain road?")
    assert answer.grounded, answer
    sentences = [part.split(" [")[0] for part in answer.answer.split("] ") if part]
    assert len(sentences) == len(set(sentences)), answer.answer
    assert answer.answer.count("Ice Wolf Pass closed") == 1
    assert len(sentences) <= 3
    assert answer.direct_answer is not None and answer.direct_answer.text == "March 3"
    document = fresh_engine.catalog.get_document("avalanche").text
    assert document[answer.direct_answer.start : answer.direct_answer.end] == "March 3"
    assert any(c.start <= answer.direct_answer.start < c.end for c in answer.citations)


def test_how_many_is_answered_by_the_number_that_counts_what_is_asked():
    finder = EntityFinder()
    question = "How many people were killed in the Chile earthquake?"
    sentence = "At least 12 people were killed when a magnitude 6.1 earthquake struck northern Chile."
    found = find_direct_answer(question, "d", sentence, 0, len(sentence), finder)
    assert found is not None and found.text.endswith("12")


def test_a_score_is_a_count_even_where_the_recognizer_reads_a_date():
    finder = EntityFinder()
    question = "What was the score of the 2022 Citrus Bowl?"
    sentence = "Kentucky defeated Iowa 20-17 after Wan'Dale Robinson caught a late pass."
    found = find_direct_answer(question, "d", sentence, 0, len(sentence), finder)
    assert found is not None and found.text == "20-17"


def test_a_model_number_the_articles_never_name_is_refused_however_the_question_is_typed(fresh_engine):
    fresh_engine.ingest_articles(
        [
            Article(
                id="s22",
                title="Samsung unveils new phone",
                body="Samsung introduced the Galaxy S22 in February 2022 at an event in San Francisco.",
            )
        ]
    )
    assert fresh_engine.ask("When did Samsung introduce the Galaxy S22?").grounded
    cased, typed = "When did Samsung introduce the Galaxy S23?", "when did samsung introduce the galaxy s23?"
    for question in (cased, typed):
        assert not fresh_engine.ask(question).grounded, question


def test_an_untitled_articles_first_sentence_is_evidence_not_a_headline(fresh_engine):
    # Web snippets and some feeds come without titles: ingest titles them with their first sentence, which
    # stays the article's own first sentence, quotable like any other.
    body = (
        "Annie Ernaux won the 2022 Nobel Prize in Literature.\n\n"
        "The Swedish Academy praised her courage and clinical acuity."
    )
    fresh_engine.ingest_articles([Article(id="snippet", title="", body=body)])
    answer = fresh_engine.ask("Who won the 2022 Nobel Prize in Literature?")
    assert answer.grounded, answer.answer
    assert answer.answer.startswith("Annie Ernaux won the 2022 Nobel Prize"), answer.answer


HEADLINE = "Mitch Seavey wins Iditarod"


@pytest.mark.parametrize(
    ("question", "sentence", "start", "furniture"),
    [
        ("Who won the Iditarod?", HEADLINE, 0, True),
        ("What was the headline of the story?", HEADLINE, 0, False),
        ("Who won the Iditarod?", "By Rachel D'Oro", 40, True),
        ("Who wrote the story?", "By Rachel D'Oro", 40, False),
        ("How did the union help Clinton?", "Branko Marcetic", 40, True),
        ("How did the union help Clinton?", "Clinton won.", 40, False),
        ("Where did the race end?", "Photo: Dan Joling/AP", 60, True),
        ("Where did the race end?", "(AP Photo/Diana Haecker)", 60, True),
        ("When were the talks held?", "ASTANA, March 15.", 60, True),
        ("When were the talks held?", "MOSCOW, February 9./TASS/.", 60, True),
        ("When were the talks held?", "/TASS/.", 60, True),
        ("When were the talks held?", "WASHINGTON (Reuters) -", 60, True),
        ("When were the talks held?", "The talks were held in Astana on March 14-15.", 80, False),
        ("Who won the Iditarod?", "Mitch Seavey won the race in Nome on Tuesday.", 80, False),
        ("Who won the Iditarod?", "By the end of the day Mitch Seavey had won the race in Nome.", 80, False),
    ],
)
def test_a_headline_byline_or_photo_credit_is_no_evidence_unless_asked_about(
    question, sentence, start, furniture
):
    from service.judge.answerability import is_furniture
    from service.judge.evidence import EvidenceSentence

    document = f"{HEADLINE}\n\nBy Rachel D'Oro\n\nPhoto: Dan Joling/AP\n\nMitch Seavey won the race in Nome."
    end = start + len(sentence)
    evidence = EvidenceSentence(
        "d", HEADLINE, start, end, start, sentence, 0, sentence, sentence, document=document
    )
    assert is_furniture(question, sentence, evidence.headline, start) is furniture


@pytest.mark.parametrize(
    ("passage", "no_answer"),
    [
        ("Seroy said the cause of death was not immediately known.", True),
        ("They haven't said when the twins are due.", True),
        ("The diamond, which has not yet been valued, is the biggest found.", True),
        ("Police declined to comment on the arrest.", True),
        ("The cause of death was acute carbon monoxide poisoning.", False),
        ("Walcott died on Friday at his home in St Lucia.", False),
    ],
)
def test_a_passage_that_says_there_is_no_answer_is_known_as_such(passage, no_answer):
    from service.judge.answerability import says_no_answer

    assert says_no_answer(passage) is no_answer


@pytest.mark.parametrize(
    ("sentence", "age"),
    [
        (
            "The 57-year-old musher broke the record for the decades-old race. His prize was $75,000 "
            "(70,650 euros).",
            "57",
        ),
        ("He became the oldest champion at the age of 57.", "57"),
        ("Derek Walcott, 87, died on Friday in St Lucia.", "87"),
        ("The race began in 1973 and its purse is $75,000.", None),
    ],
)
def test_how_old_is_answered_by_a_stated_age_not_any_number(sentence, age):
    found = find_direct_answer("How old was he?", "d", sentence, 0, len(sentence), EntityFinder())
    assert (found.text if found else None) == age


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # The name the sentence gives as its source is not who did it.
        (
            "Who offered a jet to get Clinton to the endorsement dinner?",
            "Buffenbarger was so insistent Clinton be at the event in person, Budzinski wrote, that he is"
            " even offering a jet to get her there.",
            "Buffenbarger",
        ),
        # "the" beside "the Clinton campaign's" is no word of the question to stand near.
        (
            "Who was the machinists' union president who moved up the endorsement vote?",
            "According to a July 8, 2015 email from Nikki Budzinski, the Clinton campaign's labor outreach"
            " director, the union's then-international president, Tom Buffenbarger, moved up the"
            " endorsement vote many months before it was scheduled.",
            "Tom Buffenbarger",
        ),
        # Asked who said it, the source is the answer.
        (
            "Who said the vote was rigged?",
            "The vote was rigged, Bernie Sanders said after meeting John Smith.",
            "Bernie Sanders",
        ),
        # Beside four of the question's words, not one.
        (
            "On what date did Trump sign his revised travel ban executive order?",
            "Trump signed the revised executive order on March 6, replacing his January 27 ban.",
            "March 6",
        ),
        # A tally or a range is one answer, and its second number no other.
        (
            "By what margin did MPs overturn the Lords amendment?",
            "MPs overturned the Lords amendment by a margin of 335 votes to 287 on Monday.",
            "335 votes to 287",
        ),
        (
            "How many seats was the party forecast to win?",
            "Polls forecast the party would win 24 to 28 seats.",
            "24 to 28",
        ),
        # "931 out of 1,239 valid votes": the count is the first number.
        ("How many votes did Steinmeier get?", "Steinmeier won 931 out of 1,239 valid votes.", "931"),
        # The source is demoted as a name only: an age before "said" is still the age.
        ("How old is Mitch Seavey?", "Mitch Seavey, 57, said his son Dallas Seavey, 30, would race.", "57"),
        # "told" introduces who was told, not a source; "Who was told" asks for no source.
        (
            "Who will replace Smith?",
            "Officials told the Times that Jane Doe will replace Smith, who was appointed by John Roe.",
            "Jane Doe",
        ),
        # The counted noun wins, whatever stands near the question's other words.
        (
            "How many people did the Kabul blast injure?",
            "The Kabul blast injured 3 guards and 40 people.",
            "40",
        ),
        (
            "How many votes did the motion get?",
            "The motion got 335 votes to 287, after an amendment won 12.",
            "335 votes to 287",
        ),
        # A measure converted in brackets is the same measure said again.
        (
            "How tall is the Fearless Girl statue?",
            "The 50-inch (127 cm) bronze statue of a defiant girl was installed on March 8.",
            "50-inch",
        ),
        (
            "How long did Qatar Airways' first Doha to Auckland flight take?",
            "The 14,535-kilometre flight took 16 hours and 23 minutes, arriving on Monday.",
            "16 hours and 23 minutes",
        ),
        # "How far short" is answered by the number a shortfall word follows.
        (
            "How far short of the endorsement threshold was Clinton?",
            "A candidate needs two-thirds of the federation's 9.3 million members. Clinton was roughly one"
            " million votes shy of this total.",
            "roughly one million",
        ),
        (
            "How long is the Doha-Auckland route in kilometres?",
            "The 14,535-kilometre route takes about 17 and a half hours.",
            "14,535-kilometre",
        ),
        # How long something lasted is not when it began.
        (
            "How long did the siege last?",
            "The siege, which began at 2 a.m. on Sunday, lasted 12 hours.",
            "12 hours",
        ),
        (
            "How long was the flight?",
            "The 14,535-kilometre flight took 16 hours and 23 minutes.",
            "16 hours and 23 minutes",
        ),
        (
            "How many years had Price worked at the CIA before that?",
            "Prior to his NSC job, Price worked at the CIA for eight years.",
            "eight years",
        ),
        (
            "How many days did the strike last?",
            "The strike, which began on March 3, lasted 12 days.",
            "12 days",
        ),
        # Only a number of the asked unit: not the year she began.
        ("How many years has she served?", "Merkel has served as chancellor since 2005.", None),
        # A contest is won by a team, a country or a player, never by the side beaten.
        (
            "Who won the 2023 Champions League final?",
            "Manchester City won the Champions League, Rodri's goal beating Inter Milan 1-0 in Istanbul.",
            "Manchester City",
        ),
        ("Who won the 2014 World Cup?", "Germany beat Argentina 1-0 in the final in Rio.", "Germany"),
        ("Who won the 2018 World Cup final?", "Croatia lost 4-2 to France in the World Cup final.", "France"),
        # "How high" and "how big" still take a share or a sum.
        ("How high is unemployment in Spain?", "Unemployment in Spain is 18.75 percent.", "18.75 percent"),
        ("How big is the deficit?", "The deficit is $587 billion.", "$587 billion"),
        # A call made is no source: the caller is who phoned.
        ("Who phoned the Taiwanese leader?", "Donald Trump called Tsai Ing-wen on Friday.", "Donald Trump"),
        # A sum is money: "5,000 euros" though the recognizer reads a number, and the sum, not its
        # conversion in brackets.
        (
            "How much was Jean-Marie Le Pen fined for the remark?",
            "He has been ordered to pay 5,000 euros ($5,300) after the remark.",
            "5,000 euros",
        ),
        (
            "How much did the Chicago plant cost?",
            "CRRC broke ground in Chicago at a $100 million (92 million euros) plant.",
            "$100 million",
        ),
        # A label ("Def Jam Records") is no person, and the "s" of the question's "New York's" is beside
        # every possessive ("Donald Trump's"), so it brings no name nearer.
        (
            "Who organised the rally in New York's Times Square?",
            "A judge blocked President Donald Trump's executive order, but a rally organized by Def Jam "
            "Records co-founder Russell Simmons remains slated for Sunday in Times Square.",
            "Russell Simmons",
        ),
    ],
)
def test_the_direct_answer_is_the_span_of_the_asked_kind_nearest_the_questions_words(
    question, sentence, expected
):
    found = find_direct_answer(question, "d", sentence, 0, len(sentence), EntityFinder())
    assert (found.text if found is not None else None) == expected


def test_a_name_after_a_role_or_title_is_a_person_though_the_small_recognizer_says_a_body():
    labels = EntityFinder().labels(
        "National political director Amanda Renteria urged Ms Tanden to call the president of Goldman Sachs."
    )
    assert labels["Amanda Renteria"] == "PERSON"
    assert (
        EntityFinder().labels("Virginia Gov. Terry McAuliffe renewed his push.")["Terry McAuliffe"]
        == "PERSON"
    )
    # A body's name after a role stays a body; a name after no role keeps its label.
    from service.judge.direct_answer import _relabelled

    text = "He met chairman Goldman Sachs Group and director Amanda Renteria."
    group, person = text.index("Goldman"), text.index("Amanda")
    assert _relabelled(text, group, group + len("Goldman Sachs Group"), "ORG") == "ORG"
    assert _relabelled(text, person, person + len("Amanda Renteria"), "ORG") == "PERSON"
    assert _relabelled("They met Amanda Renteria.", 9, 24, "ORG") == "ORG"


@pytest.mark.parametrize(
    ("text", "name", "read_as", "label"),
    [
        (
            "Frank-Walter Steinmeier became Germany's new president on Sunday.",
            "Frank-Walter Steinmeier",
            "ORG",
            "PERSON",
        ),
        ("Andrei Boginsky, the company's chief executive, said so.", "Andrei Boginsky", "ORG", "PERSON"),
        # The role is another's: the bank's chief, not the bank.
        ("Goldman Sachs, a bank whose chief executive spoke.", "Goldman Sachs", "ORG", "ORG"),
        ("Morgan Stanley was the lead adviser.", "Morgan Stanley", "ORG", "ORG"),
        ("Trump Tower, the president-elect's home, was shut.", "Trump Tower", "ORG", "ORG"),
        # A name ending in a body's word is no person, whatever the recognizer read.
        ("by Def Jam Records co-founder Russell Simmons", "Def Jam Records", "PERSON", "ORG"),
        ("the Liberal Party's leader", "Liberal Party's", "PERSON", "ORG"),
        ("by Def Jam Records co-founder Russell Simmons", "Russell Simmons", "PERSON", "PERSON"),
    ],
)
def test_a_name_is_a_person_or_a_body_by_what_the_text_says_of_it(text, name, read_as, label):
    from service.judge.direct_answer import _relabelled

    start = text.index(name)
    assert _relabelled(text, start, start + len(name), read_as) == label


def test_a_place_stays_a_place_whatever_role_follows_it():
    from service.judge.direct_answer import _relabelled

    for text, name in [
        ("The case was heard in New York, where a federal judge ruled.", "New York"),
        ("Palm Beach, the president's Florida retreat, was busy.", "Palm Beach"),
    ]:
        start = text.index(name)
        assert _relabelled(text, start, start + len(name), "GPE") == "GPE"


def test_an_entity_ends_where_the_name_does_not_in_an_aside_or_an_open_bracket():
    text = (
        "He faced opposition from Aziz Akhannouch - leader of the National Rally of Independents (RNI) and"
        " a former minister."
    )
    names = [text[start:end] for start, end, _ in EntityFinder().entities(text)]
    assert "Aziz Akhannouch" in names
    assert "the National Rally of Independents" in names


def test_a_person_titled_by_another_office_answers_no_which_office_question(finder: EntityFinder) -> None:
    from service.judge.direct_answer import only_other_offices

    question = "Which High Court judge endorsed the arrest warrant for Ian Bailey?"
    detective = "Detective Sergeant Jim Kirwan told the court that he arrested Mr Bailey this morning."
    assert only_other_offices(question, detective, finder)
    assert find_direct_answer(question, "d", detective, 0, len(detective), finder) is None
    judge = "Mr Justice Tony Hunt endorsed the warrant, Detective Sergeant Jim Kirwan said."
    assert not only_other_offices(question, judge, finder)
    # "presiding" shares a stem with "President", not the office.
    bergdahl = "Which military judge is presiding over the court-martial?"
    assert only_other_offices(bergdahl, "It cited statements made by President Donald Trump.", finder)
    # Only a question for an office is checked.
    assert not only_other_offices("Who endorsed the warrant?", detective, finder)
    # A role set off by commas titles the name as well as a capitalised one does.
    fillon = "Which judge is investigating Francois Fillon?"
    lawyer = "The inquiry is illegal, Fillon's lawyer, Antonin Levy, told reporters."
    assert only_other_offices(fillon, lawyer, finder)
    assert only_other_offices(fillon, "Antonin Levy, Fillon's lawyer, told reporters.", finder)
    assert not only_other_offices(fillon, "Serge Tournaire, the investigating judge, summoned him.", finder)
    # The role follows the whole name, lower-case particles included.
    rayos = "Which judge heard the case?"
    assert only_other_offices(rayos, "Guadalupe Garcia de Rayos, Fillon's lawyer, spoke out.", finder)
    # The office itself is not its deputy.
    deputy = "Which Japanese deputy foreign minister held talks with Russia?"
    lavrov = "Russia's Foreign Minister Sergei Lavrov is coming, Foreign Minister Fumio Kishida said."
    assert only_other_offices(deputy, lavrov, finder)
    assert not only_other_offices(deputy, "Deputy Foreign Minister Igor Morgulov led the talks.", finder)
    assert not only_other_offices(deputy, "Vice Foreign Minister Liu Zhenmin led the talks.", finder)
    # Every lesser rank the office veto knows is a deputy here too.
    junior = "Which junior minister resigned?"
    assert only_other_offices(junior, "Prime Minister Theresa May said the aide resigned.", finder)
    assert not only_other_offices(junior, "Junior Minister Harriett Baldwin resigned.", finder)
    assert not only_other_offices(
        "Which deputy prime minister quit?", "Nick Clegg, the deputy prime minister, quit.", finder
    )
    raab = "Foreign Minister Dominic Raab was appointed deputy prime minister."
    assert not only_other_offices("Which minister was appointed deputy prime minister?", raab, finder)
    # A role once held is no title now; a minister is a secretary.
    watson = "Derrick Watson, a former federal prosecutor, issued the ruling."
    assert not only_other_offices("Which judge blocked the ban?", watson, finder)
    fallon = "Michael Fallon, Britain's defence secretary, resigned."
    assert not only_other_offices("Which minister resigned?", fallon, finder)


def test_a_person_named_after_a_bodys_acronym_is_a_person(finder: EntityFinder) -> None:
    # The recognizer reads "the UN Nikki Haley" as one body.
    envoy = "US ambassador to the UN Nikki Haley said the council must act."
    found = {envoy[start:end]: label for start, end, label in finder.entities(envoy)}
    assert found.get("Nikki Haley") == "PERSON" and found.get("UN") == "ORG"
    jaafari = "Syria's envoy to the UN Bashar Jaafari, who heads the government delegation, said."
    asked = "Who heads the Syrian government delegation at the Astana talks?"
    assert finder.short_answer(asked, jaafari) == ("Bashar Jaafari", "PERSON")
    # A body's own name after its acronym stays a body.
    for body in (
        "The UN Security Council met.",
        "He spoke to the BBC News Channel.",
        "the US Presidential Election",
        "He trained at the US Military Academy.",
        "A member of the US Olympic Team tested positive.",
        "He was a guest on the BBC Question Time panel.",
    ):
        assert [label for _, _, label in finder.entities(body)] == ["ORG"]


def test_leading_spaces_hide_no_name_and_shift_no_offset(finder: EntityFinder) -> None:
    # A follow-up reads the previous answer as the turns join it, after a space.
    text = " SpaceX, the company founded by Elon Musk, plans to fly two civilians around the moon."
    found = {text[start:end]: label for start, end, label in finder.entities(text)}
    assert found.get("SpaceX") == "ORG"
    assert "Elon Musk" in found


def test_a_name_that_has_called_something_so_is_a_source_not_the_doer():
    sentence = (
        "Kim Jong Nam was killed in what Prime Minister Najib Razak has called an assassination, and police"
        " arrested Siti Aisyah."
    )
    found = find_direct_answer("Who killed Kim Jong Nam?", "d", sentence, 0, len(sentence), EntityFinder())
    assert found is not None and found.text == "Siti Aisyah"


def test_a_count_the_recognizer_calls_money_is_a_count_and_a_role_is_no_part_of_a_name():
    finder = EntityFinder()
    passage = "More than 20 unions representing more than 10 million workers released a statement."
    assert finder.short_answer("How many workers do the unions represent?", passage) == (
        "more than 10 million",
        "CARDINAL",
    )
    raised = "Clinton had raised more than $45 million."
    assert finder.short_answer("How much had Clinton raised?", raised) == (
        "more than $45 million",
        "MONEY",
    )
    passage = "She was asked to a retirement dinner for IAM Secretary-Treasurer Robert Roach in August."
    assert finder.short_answer("Whose retirement dinner was it?", passage) == ("Robert Roach", "PERSON")
    # A title with one name after it stays: "Ms Tanden" is the name the article gives.
    assert finder.short_answer("Who asked?", "Ms Tanden asked Mr Podesta.") == ("Ms Tanden", "PERSON")


@pytest.mark.parametrize(
    ("question", "passage", "expected"),
    [
        # The office holder is the answer though the sentence quotes him.
        (
            "Who is Malaysia's health minister?",
            "The body of Kim Jong-nam, the half-brother of North Korean leader Kim Jong-un, is still in Kuala"
            " Lumpur, Health Minister Subramaniam Sathasivam said on Tuesday.",
            "Subramaniam Sathasivam",
        ),
        (
            "Who is Indonesia's deputy ambassador to Malaysia?",
            "Indonesia's deputy ambassador to Malaysia, Andriano Erwin, said that Aisyah was paid $90 by Kim"
            " Jong-nam's killers.",
            "Andriano Erwin",
        ),
        # The owner of what the question names is not who did what it asks.
        (
            "Which UK Culture Secretary asked regulators to examine 21st Century Fox's takeover bid for Sky?",
            "Culture Secretary Karen Bradley has asked regulators to examine Rupert Murdoch's 21st Century"
            " Fox's takeover bid for Sky.",
            "Karen Bradley",
        ),
        # ... while a title alone makes no one the answer: the one who did it is.
        (
            "Which senator blocked the bill?",
            "Senator John McCain said Rand Paul blocked the bill.",
            "Rand Paul",
        ),
        (
            "Which secretary did Trump fire?",
            "Press Secretary Sarah Sanders said Trump had fired Secretary of State Rex Tillerson.",
            "Rex Tillerson",
        ),
        # "airline Air Koryo" is a body, not the person the warrant names.
        (
            "Who did Malaysian police issue an arrest warrant for?",
            "Police issued a warrant for an employee of North Korean airline Air Koryo. [1] The warrant had"
            " been issued for Kim Uk Il, 37, police chief Khalid Abu Bakar said. [1]",
            "Kim Uk Il",
        ),
    ],
)
def test_who_holds_an_office_is_the_name_given_it_and_a_body_is_no_person(question, passage, expected):
    assert EntityFinder().short_answer(question, passage) == (expected, "PERSON")


def test_a_name_glued_to_the_next_word_by_a_lost_space_ends_at_the_hyphen():
    text = "Oscars host Jimmy Kimmel-shared his take on the gaffe."
    assert ("Jimmy Kimmel", "PERSON") in EntityFinder().labels(text).items()


def test_who_was_arrested_or_killed_is_not_the_person_the_sentence_quotes():
    finder = EntityFinder()
    quoted = "He had wounds over much of his body, said zoo director Vladen Henriquez."
    assert finder.short_answer("Who was arrested for the attack on the hippo?", quoted) is None
    killed = "Three died, police chief Ali Khan said."
    assert finder.short_answer("Who was killed in the attack?", killed) is None
    assert finder.short_answer("Who was the man shot dead at the airport?", killed) is None
    # Who said it, or who was arrested where the sentence says so, still has its answer.
    assert finder.short_answer("Who said the hippo had wounds?", quoted) == ("Vladen Henriquez", "PERSON")
    arrested = "Police arrested John Smith, 32, on Sunday, spokesman Tom Brown said."
    assert finder.short_answer("Who was arrested for the attack?", arrested) == ("John Smith", "PERSON")
    # A quoted source the sentence says it was done to is the answer.
    deported = "'I have nothing there,' said Guadalupe Garcia de Rayos, who was deported on Thursday."
    deportee = finder.short_answer("Who was deported to Mexico?", deported)
    assert deportee == ("Guadalupe Garcia de Rayos", "PERSON")
    # A source named with a capitalised title is a source too, and the sentence's "shot" is not said of him.
    orly = (
        "Two soldiers have shot a man dead at Orly airport, according to French Defence Minister"
        " Jean-Yves Le Drian."
    )
    assert finder.short_answer("Who was the man shot dead at Orly airport?", orly) is None


def test_a_sentence_naming_only_its_sources_says_not_who_it_was_done_to():
    from service.judge.direct_answer import only_sources

    finder = EntityFinder()
    question = "Who was the man shot dead at Orly airport?"
    orly = (
        "Two soldiers have shot a man dead at Orly airport, according to French Defence Minister"
        " Jean-Yves Le Drian."
    )
    assert only_sources(question, orly, finder)
    assert only_sources(question, "A man was shot dead at Orly, according to police chief Ali Khan.", finder)
    # A bare "X said" may be the one it was done to, and a plain "Trump said" names whom he spoke of.
    assert not only_sources("Who was shot?", "'I was shot twice,' said Ahmed Hassan, 24.", finder)
    assert not only_sources(
        "Who was shot dead?", "Officers shot dead Khalid Masood, said Scotland Yard.", finder
    )
    gorsuch = "Trump said Judge Neil Gorsuch, 49, would be a worthy successor to Justice Antonin Scalia."
    assert finder.short_answer("Who did Trump nominate?", gorsuch) == ("Neil Gorsuch", "PERSON")
    named = "Ziyed Ben Belgacem was shot dead at Orly, Defence Minister Jean-Yves Le Drian said."
    assert not only_sources(question, named, finder)
    # Who said it is asked of the source; and a sentence with no one in it is for the other checks.
    assert not only_sources("Who said a man was shot at Orly?", orly, finder)
    assert not only_sources(question, "Soldiers shot a man dead at Orly airport.", finder)
    deported = "'I have nothing there,' said Guadalupe Garcia de Rayos, who was deported on Thursday."
    assert not only_sources("Who was deported to Mexico?", deported, finder)


def test_a_name_after_a_bodys_noun_that_does_something_is_still_a_person():
    founder = EntityFinder().short_answer(
        "Who founded Snapchat?", "Snapchat, the app Evan Spiegel founded, grew."
    )
    assert founder == ("Evan Spiegel", "PERSON")
    # A body's noun said of the name, or a body's part after it, makes a body of what the recognizer calls
    # a person or a product.
    spacex = "SpaceX, the space exploration company founded by Elon Musk, plans to fly two civilians."
    assert EntityFinder().short_answer("Which company plans to fly two civilians?", spacex) == (
        "SpaceX",
        "ORG",
    )
    riot = "Four workers were sentenced for the riot at the Maruti Suzuki manufacturing unit in Manesar."
    assert EntityFinder().short_answer("Which carmaker's factory saw a riot?", riot) == (
        "Maruti Suzuki",
        "ORG",
    )
    founder = "Elon Musk, the billionaire founder of the company, spoke."
    assert EntityFinder().short_answer("Who founded the company?", founder) == ("Elon Musk", "PERSON")
    # The body's own verb keeps it a body.
    passage = "UK car maker Vauxhall is to end its sponsorship of the home nations football teams."
    maker = EntityFinder().short_answer("Which car maker will end its sponsorship of the teams?", passage)
    assert maker == ("Vauxhall", "ORG")


def test_how_many_counts_the_noun_after_a_peoples_name_and_a_share_counts_nobody():
    finder = EntityFinder()
    passage = (
        "About 150 of the 650 MPs in the British parliament, almost a quarter of the total, employ family."
    )
    assert finder.short_answer("How many British MPs employ family members?", passage) == (
        "About 150",
        "CARDINAL",
    )
    # A people's plural is the counted noun itself.
    troops = "Israeli troops killed 12 Palestinians on Friday; 3 soldiers died."
    assert finder.short_answer("How many Palestinians died?", troops) == ("12", "CARDINAL")
    kourou = "I'd say in Kourou about 80 percent of people work in the space industry."
    assert finder.short_answer("How many people work in the space industry?", kourou) is None
    assert finder.short_answer("What share of people work in the space industry?", kourou) == (
        "about 80 percent",
        "PERCENT",
    )


@pytest.mark.parametrize(
    ("question", "passage", "expected"),
    [
        # Who did it may be a group, a country or a company, and the one "by" names, not the one done to.
        (
            "Who do US intelligence officials say was behind the hacks?",
            "The US intelligence community has said Russia was behind the hacks of the Democratic National"
            " Committee and former Hillary Clinton campaign chairman John Podesta.",
            ("Russia", "GPE"),
        ),
        (
            "Who makes the HoloLens?",
            "Microsoft HoloLens is an augmented reality headset developed and manufactured by Microsoft.",
            ("Microsoft", "ORG"),
        ),
    ],
)
def test_who_did_it_may_be_a_group_a_country_or_a_company(question, passage, expected):
    assert EntityFinder().short_answer(question, passage) == expected


def test_a_short_answer_of_a_vague_date_keeps_its_label():
    assert EntityFinder().short_answer(
        "When did the vote take place?", "The vote took place on Tuesday. [1]"
    ) == ("Tuesday", "DATE")


def test_a_date_question_prefers_a_date_with_its_day_to_a_vague_one():
    question = "On what date did Nikki Budzinski warn that the NEA's Vermont affiliate might endorse?"
    sentence = (
        "On June 22, 2015, Nikki Budzinski warned that the NEA's Vermont affiliate could endorse on Tuesday"
        " (next week)."
    )
    found = find_direct_answer(question, "d", sentence, 0, len(sentence), EntityFinder())
    assert found is not None and found.text == "June 22, 2015"


def test_curly_quotes_hide_no_names_and_offsets_stay_the_texts():
    text = "Policy advisor Ann O’Leary called Trumka “annoying”."
    found = {text[start:end]: label for start, end, label in EntityFinder().entities(text)}
    assert found.get("Ann O’Leary") == "PERSON"


def test_a_figure_belongs_to_the_clause_that_names_the_questions_subject():
    finder = EntityFinder()
    weapons = (
        "The US has 6,800 nuclear weapons and Russia has 7,000, according to the Arms Control Association."
    )
    assert finder.short_answer("How many nuclear weapons does Russia have?", weapons) == ("7,000", "CARDINAL")
    assert finder.short_answer("How many nuclear weapons does the US have?", weapons) == ("6,800", "CARDINAL")
    polls = (
        "More than 60 percent of its Democratic members backed Mrs. Clinton, versus no more than 20 percent"
        " who backed Mr. Sanders."
    )
    share = finder.short_answer("What share of AFSCME's Democratic members backed Sanders?", polls)
    assert share == ("no more than 20 percent", "PERCENT")
    # Sentences are not compared: the one after the named one often holds its figure; nor are two nouns
    # that "and" joins clauses.
    plan = "Simon Communities released a ten-point plan. There are 198,000 vacant dwellings in the country."
    vacant = finder.short_answer(
        "How many vacant dwellings are there, according to the Simon Communities?", plan
    )
    assert vacant == ("198,000", "CARDINAL")
    # A clause that names nobody carries on the sentence's subject.
    macron = "Macron defeated Marine Le Pen on Sunday, and he appointed Edouard Philippe as prime minister."
    assert finder.short_answer("Who did Macron appoint as prime minister?", macron) == (
        "Edouard Philippe",
        "PERSON",
    )
    hamburg = "Some 20,000 police were deployed in Hamburg for the G20, and 186 people were arrested."
    assert finder.short_answer("How many people were arrested at the G20 in Hamburg?", hamburg)[0] == "186"
    # Brackets hold one figure said again, not clauses.
    yuan = "The Beijing fund will spend 40 million yuan ($5.8 million; 5.5 million euros) in Songyang."
    spend = finder.short_answer("How much will the fund spend in Songyang?", yuan)
    assert spend == ("40 million yuan", "MONEY")
    # One clause, or clauses that name the question's names alike, leave the nearest words to decide.
    signed = "Trump signed the revised executive order on March 6, replacing his January 27 ban."
    assert finder.short_answer("When did Trump sign his revised travel ban?", signed) == ("March 6", "DATE")


def test_a_which_phrases_noun_picks_the_name_that_ends_on_it():
    passage = (
        "At least 188,000 people have evacuated from Northern California after damage to the Oroville Dam."
    )
    found = EntityFinder().short_answer("Which California dam's spillway was damaged?", passage)
    assert found is not None and found[0].endswith("Oroville Dam")


@pytest.mark.parametrize(
    ("question", "passage", "expected"),
    [
        # A country the question names by its people is no answer to where in it.
        (
            "In which Chinese city is its industrial campus?",
            "Sonova has been investing in China for ten years and opened a campus in Suzhou in 2016.",
            "Suzhou",
        ),
        # A city named after its country, and a nation within one, are no country.
        (
            "In which Mexican city did the quake kill most?",
            "Most of the dead were in Mexico City.",
            "Mexico City",
        ),
        (
            "Where in Britain did the bomb explode?",
            "The bomb exploded in Northern Ireland on Monday.",
            "Northern Ireland",
        ),
        # A name ending on the which-phrase's noun wins, whatever its label and wherever it stands.
        (
            "Which university did he attend?",
            "He studied at Harvard University before joining Goldman Sachs.",
            "Harvard University",
        ),
        (
            "Which museum bought the painting?",
            "It sold at Christie's to the Louvre Museum for $10 million.",
            "the Louvre Museum",
        ),
    ],
)
def test_a_place_or_body_short_answer_is_what_the_which_phrase_asks_not_what_it_names(
    question, passage, expected
):
    found = EntityFinder().short_answer(question, passage)
    assert found is not None and found[0] == expected


def test_of_two_names_ending_on_the_which_noun_the_nearer_to_the_questions_words_wins():
    passage = (
        "Regulators at the Swiss National Bank approved the deal on Sunday, hours after Union Bank bought "
        "the lender for $3 billion."
    )
    found = EntityFinder().short_answer("Which bank bought the lender?", passage)
    assert found == ("Union Bank", "ORG")


@pytest.mark.parametrize(
    ("question", "passage", "expected"),
    [
        # A spokesman is the sentence's source, not who was killed or survived.
        (
            "Who were the two Palestinians killed in the air strike?",
            "Ashraf al-Qedra, Gaza's health ministry spokesperson, said the two men were killed.",
            None,
        ),
        ("Who survived the shooting?", '"Two men died," police spokesman John Fossi said.', None),
        # A bare speaker may be who is asked about.
        ("Who presented the budget?", '"This is a budget blueprint," Mulvaney said.', "Mulvaney"),
        # ... unless the question asks what was said, asks by the source's role, or the role is the answer.
        ("Who criticised the plan?", '"It is a disaster," Fossi said.', "Fossi"),
        (
            "Which engineer survived the shooting?",
            '"I am lucky," said engineer Alok Madasani.',
            "Alok Madasani",
        ),
        (
            "Who was Brazil's agriculture minister during the meat scandal?",
            "Brazil may lose markets over the scandal, Agriculture Minister Blairo Maggi said Saturday.",
            "Blairo Maggi",
        ),
        (
            "What is the name of the 19-year-old arrested after the attack?",
            "The gunman, 19, was arrested by officers, according to police spokeswoman Luba Samri.",
            None,
        ),
        (
            "Who was the budget director who presented the blueprint?",
            "It cuts the budget by 28 percent, the president's budget director Mick Mulvaney said.",
            "Mick Mulvaney",
        ),
        # ... or reports its own act.
        (
            "Who will resign?",
            "Michael Flynn, a former Pentagon official, said he would resign.",
            "Michael Flynn",
        ),
        (
            "Who was named FBI director?",
            "Christopher Wray, a former Justice official, said he was honoured to succeed James Comey.",
            "Christopher Wray",
        ),
        ("Who won the 2017 Iditarod?", '"It was a great race," said winner Mitch Seavey.', "Mitch Seavey"),
    ],
)
def test_the_sentences_source_answers_a_person_question_only_when_the_question_asks_for_it(
    question: str, passage: str, expected: str | None
) -> None:
    found = EntityFinder().short_answer(question, passage)
    assert (found[0] if found else None) == expected


def test_a_title_without_its_stop_hides_no_name_and_offsets_stay_the_texts():
    # British style: "Mr Gorsuch", which the small recognizer reads as no one without the stop.
    text = "Mr Trump nominated Mr Gorsuch to replace Justice Antonin Scalia, and Mrs May met Dr Fox."
    found = {text[start:end]: label for start, end, label in EntityFinder().entities(text)}
    assert found.get("Mr Gorsuch") == "PERSON"
    people = {name for name, label in found.items() if label == "PERSON"}
    assert {"Mrs May", "Dr Fox", "Antonin Scalia"} <= people
    question = "Whom did Trump nominate to the Supreme Court?"
    assert EntityFinder().short_answer(question, text) == ("Mr Gorsuch", "PERSON")


def test_the_direct_answer_may_lie_in_the_sentence_a_quoted_one_leans_on():
    from service.answer.extractive import direct_answer_of
    from service.judge.evidence import EvidenceSentence
    from service.judge.evidence_judge import JudgedPassage

    lead = "In September 2015, policy advisor Ann O'Leary referred to Trumka as annoying."
    reply = "Budzinski replied that he was."
    document = f"{lead} {reply}"
    start = len(lead) + 1
    sentence = EvidenceSentence(
        "d", "", start, len(document), 0, document, 0, reply, document, document=document
    )
    passage = JudgedPassage(sentence, 5.0, 0.0, 0.0, 5.0, {})
    found = direct_answer_of(
        "Which policy advisor referred to Trumka as annoying?", [passage], EntityFinder()
    )
    assert found is not None and found.text == "Ann O'Leary"
    assert document[found.start : found.end] == found.text


@pytest.mark.parametrize(
    ("question", "passage", "penalty"),
    [
        # The time of day asked: a clock time is the answer, not a vague date.
        ("At what time did Trump call Ryan?", "A GOP aide says Trump called Ryan at 3 p.m.", 0.0),
        ("At about what time did the gunman approach them?", "He approached them at about 6:15p.m.", 0.0),
        # A date asked: a clock time alone stays vague.
        ("When did Trump call Ryan?", "Trump called Ryan at 3 p.m. on Friday.", 1.0),
        ("In what year did the war end?", "The war ended at 11 a.m.", 3.0),
    ],
)
def test_a_clock_time_answers_what_time_but_not_when_nor_what_year(
    question: str, passage: str, penalty: float
) -> None:
    from service.judge.answer_types import answer_type_penalty

    assert answer_type_penalty(question, passage) == penalty


def test_how_much_ransom_asks_for_a_sum_not_any_number():
    from service.judge.direct_answer import answer_candidates, asked_kind

    question = "How much ransom did the Somali pirates demand for the hijacked oil tanker?"
    assert asked_kind(question) == "money"
    crew = "Sri Lanka's foreign ministry confirmed an eight-member Sri Lankan crew piloted the tanker."
    assert answer_candidates(question, "money", crew, EntityFinder()) == []
    assert asked_kind("How much did temperatures rise?") == "amount"
