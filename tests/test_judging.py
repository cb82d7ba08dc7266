"""The answerer's judgement rules: dates, focus coverage, attribution, passage choice."""

import pytest

from service.answer.extractive import choose_passages
from service.judge.answer_types import answer_type_penalty
from service.judge.answerability import (
    attribution_penalty,
    question_focus,
    uncovered_share,
)
from service.judge.dates import YEAR_CONFLICT_PENALTY, date_mismatch_penalty, months, years
from service.judge.evidence import EvidenceSentence, leans_on_previous
from service.judge.evidence_judge import JudgedPassage


def test_years_and_months():
    assert years("In 2016, not 1999 or 12345") == {2016, 1999}
    assert months("on Feb. 17, in May, Sept. 6 and May 2016; you may go") == {2, 5, 9}


@pytest.mark.parametrize(
    ("question", "passage", "window", "expected"),
    [
        (
            "When did the NEA endorse Clinton in 2016?",
            "The NEA endorsed Clinton in October 2015.",
            "",
            YEAR_CONFLICT_PENALTY,
        ),
        ("When did the NEA endorse Clinton in 2015?", "The NEA endorsed Clinton in October 2015.", "", 0.0),
        # An undated text naming no year cannot confirm or contradict the asked one; one naming others can.
        ("Who won in 2008?", "Obama won the election.", "Obama won the election.", 0.0),
        ("Who won in 2008?", "Obama won the election.", "Obama won the election. He ran again in 2012.", 3.0),
        ("Who won in 2008?", "Obama won the election.", "In 2008, Obama won the election.", 0.0),
        ("What happened in March?", "It happened in June.", "", 2.0),
        ("What happened?", "It happened in June 2015.", "", 0.0),
        # A year a figure is compared with is not the year the passage is about.
        (
            "How many Russian tourists visited Cyprus in 2016?",
            "Visitors neared 800,000, almost 50% more compared to 2015.",
            "Last year, in 2016, visitors neared 800,000, almost 50% more compared to 2015.",
            0.0,
        ),
        ("What target did Shanxi set for 2017?", "Growth will be lower than in 2016.", "", 3.0),
        ("How many visited Cyprus in 2016?", "In 2015, visitors neared 800,000.", "", YEAR_CONFLICT_PENALTY),
        # A range's start or a "since" is the passage's own year; so is a year also named on its own.
        ("What happened in 2019?", "The program ran from 2019 to 2021.", "", 0.0),
        ("Who was elected mayor in 2015?", "Smith has been mayor since 2015.", "", 0.0),
        ("What happened in 2016?", "In 2016 sales fell; they were up from 2016 levels by December.", "", 0.0),
    ],
)
def test_date_penalties(question, passage, window, expected):
    assert date_mismatch_penalty(question, passage, window) == expected


def test_another_quarter_of_the_year_is_another_date():
    from service.judge.dates import date_mismatch_penalty, quarters

    assert quarters("Q1 2021, the fourth quarter, 2nd-quarter sales") == {1, 2, 4}
    question = "What was Tesla's revenue in Q1 2021?"
    assert date_mismatch_penalty(question, "Revenue was stagnant in Q2 2021.") > 0
    assert date_mismatch_penalty(question, "Revenue in the first quarter of 2021 was $10.4 billion.") == 0
    assert date_mismatch_penalty(question, "Revenue in 2021 was $10.4 billion.") == 0  # no quarter named


def test_a_story_of_the_asked_month_may_name_a_month_ahead_in_passing():
    from datetime import date

    from service.judge.dates import MONTH_CONFLICT_PENALTY

    question = "Which French presidential candidate was charged in the fake jobs probe in March 2017?"
    passage = "Francois Fillon has been charged, which has damaged his chances of winning April's election."
    assert date_mismatch_penalty(question, passage, passage, date(2017, 3, 14)) == 0
    # Published before the asked month, or naming a month behind it, it is about another time.
    assert date_mismatch_penalty(question, passage, passage, date(2017, 2, 14)) == MONTH_CONFLICT_PENALTY
    earlier = "Francois Fillon was summoned by judges in February."
    assert date_mismatch_penalty(question, earlier, earlier, date(2017, 3, 14)) == MONTH_CONFLICT_PENALTY


def test_a_story_of_the_asked_year_may_name_other_years_in_passing():
    from datetime import date

    from service.judge.dates import OTHER_YEAR_IN_STORY_PENALTY

    question = "How big are the spending cuts departments were told to find in the February 2017 review?"
    passage = "Departments have been told to find cuts of up to 6% as part of plans to save £3.5bn by 2020."
    assert date_mismatch_penalty(question, passage, passage, date(2017, 2, 28)) == OTHER_YEAR_IN_STORY_PENALTY
    assert date_mismatch_penalty(question, passage, passage, date(2015, 2, 28)) == YEAR_CONFLICT_PENALTY
    # An article of the asked year whose lede recalls another year is still about the asked year.
    lede = "Fed Cup 2017\n\nBritain lost the 2016 play-off. The event this year takes place in Estonia."
    asked = "In which country was the 2017 Fed Cup Europe/Africa Group I event held?"
    estonia = "The event this year takes place in Estonia."
    assert (
        date_mismatch_penalty(
            asked, estonia, estonia, date(2017, 2, 9), lede.replace("Fed Cup 2017", "Fed Cup")
        )
        == 0
    )
    assert date_mismatch_penalty(asked, estonia, estonia, None, lede.replace("Fed Cup 2017", "Fed Cup")) == (
        YEAR_CONFLICT_PENALTY
    )


def test_a_question_asking_for_a_year_dates_something_else_with_its_own():
    question = "In what year did Gu Juan, named 2016 Chinese Culture Person of the Year, break her back?"
    passage = "In 2009, Gu fell from the sky in an accident and broke her back."
    assert date_mismatch_penalty(question, passage, passage) == 0
    # Any other question with a year still wants that year.
    dated = "When did Gu break her back in 2016?"
    assert date_mismatch_penalty(dated, passage, passage) == YEAR_CONFLICT_PENALTY


def test_year_on_year_asks_for_no_year():
    from datetime import date

    asked = "What year-on-year growth did China report for 2016?"
    assert (
        date_mismatch_penalty(asked, "Growth was 6.9% in 2017.", "", date(2018, 1, 19))
        == YEAR_CONFLICT_PENALTY
    )


def test_this_year_and_last_year_are_read_against_the_articles_date():
    from datetime import date

    question = "What GDP growth target did Shanxi province set for 2017?"
    passage = "With growth of 4.5 percent in 2016, Shanxi set its GDP growth target at 5.5 percent this year."
    assert date_mismatch_penalty(question, passage, passage, date(2017, 2, 6)) == 0
    assert date_mismatch_penalty(question, passage, passage, None) == YEAR_CONFLICT_PENALTY
    recalled = "Shanxi set a growth target of 6 percent last year."
    assert date_mismatch_penalty(question, recalled, recalled, date(2017, 2, 6)) == YEAR_CONFLICT_PENALTY
    # The start of a span that runs on to the story's day is no other year.
    asked = "Who was RadioShack's chief executive when it filed for bankruptcy in 2017?"
    since = "Chief Executive Dene Rogers said since the company's bankruptcy filing in 2015, it had grown."
    assert date_mismatch_penalty(asked, since, since, date(2017, 3, 8)) == 0


def test_a_later_story_of_an_edition_asked_by_its_year_is_likely_a_later_edition():
    from datetime import date

    from service.judge.dates import LATER_EDITION_PENALTY, YEAR_ABSENT_PENALTY

    asked = "Which film won best picture at the 2016 Oscars?"
    passage = 'The award went to the cast and crew behind the indie film "Moonlight".'
    article = "Moonlight wins best picture\n\n" + passage
    assert date_mismatch_penalty(asked, passage, passage, date(2017, 2, 27), article) == LATER_EDITION_PENALTY
    # Dated in the asked year the story confirms it; dated before, it only fails to confirm it.
    assert date_mismatch_penalty(asked, passage, passage, date(2016, 2, 29), article) == 0
    assert date_mismatch_penalty(asked, passage, passage, date(2015, 12, 1), article) == YEAR_ABSENT_PENALTY
    # Only an edition of something held every year: "in 2016" may be told in a later story.
    shootings = "How many people were shot in Chicago in 2016?"
    tally = "More than 4,000 people were shot in the city."
    assert date_mismatch_penalty(shootings, tally, tally, date(2017, 1, 1), tally) == YEAR_ABSENT_PENALTY
    # A story that looks back ("last month", "the November election" told in January) may leave the year out.
    berlin = "How many people were killed in the 2016 Berlin Christmas market attack?"
    killed = "Twelve people were killed when Amri drove a lorry into the Christmas market last month."
    assert date_mismatch_penalty(berlin, killed, killed, date(2017, 1, 5), killed) == YEAR_ABSENT_PENALTY
    election = "Who won the 2016 US presidential election?"
    sworn_in = "Trump, who won the November election despite losing the popular vote, was sworn in on Friday."
    assert date_mismatch_penalty(election, sworn_in, sworn_in, date(2017, 1, 21), sworn_in) == (
        YEAR_ABSENT_PENALTY
    )
    # A story of January looking back on the asked month of the year before may leave the year out.
    december = "Where did the Dalai Lama preside over the symposium in December 2016?"
    looking_back = "The Dalai Lama presided over the symposium in Bylakuppe in December."
    assert (
        date_mismatch_penalty(december, looking_back, looking_back, date(2017, 1, 3), looking_back)
        == YEAR_ABSENT_PENALTY
    )


def test_a_lower_case_descriptor_or_two_run_together_names_do_not_hide_what_an_article_names():
    from service.judge.answerability import QuestionName, missing_names_share, question_names

    article = "Coal-rich Shanxi set its target. The Europe/Africa Group I event of the Fed Cup is in Estonia."
    asked = "What GDP growth target did Shanxi province set?"
    span = (asked.index("Shanxi"), asked.index(" set"), "GPE")
    [shanxi] = question_names(asked, lambda text: [span])
    assert shanxi == QuestionName("Shanxi province", False, "Shanxi", where=True)
    fed_cup = QuestionName("Fed Cup Europe/Africa Group", False, None)
    assert missing_names_share([shanxi, fed_cup], article) == 0
    assert missing_names_share([QuestionName("Kansas City", False, None)], "Kansas voted.") == 1


def test_a_question_word_is_no_name_and_a_ruler_is_named_without_his_numeral():
    from service.judge.answerability import QuestionName, missing_names_share, question_names

    asked = "Whom did Morocco's King Mohammed VI name as prime minister?"
    spans = [(0, 4, "PERSON"), (asked.index("King"), asked.index(" name"), "PERSON")]
    assert [n.text for n in question_names(asked, lambda text: spans)] == ["King Mohammed VI"]
    # The source ran a word into the numeral ("VI-announced"); "King Mohammed" still names him.
    article = "King Mohammed VI-announced he would replace Benkirane. The king named Othmani."
    assert missing_names_share([QuestionName("King Mohammed VI", True, None)], article) == 0
    assert missing_names_share([QuestionName("King Mohammed VI", True, None)], "The king spoke.") == 1


def test_a_person_is_named_by_surname_unless_the_article_gives_it_only_to_others():
    from service.judge.answerability import QuestionName, missing_names_share

    killed = "The two men killed were identified as Hossam al-Sufi, 24, and Mohammed al-Aqra, 38."
    assert missing_names_share([QuestionName("Mohammed al-Sufi", True, None)], killed) == 1
    assert missing_names_share([QuestionName("Hossam al-Sufi", True, None)], killed) == 0
    # A title, a short form of the first name, or the surname alone name the same person.
    for article in (
        "President Trumka spoke. But Trumka did not.",
        "Rich Trumka spoke.",
        "Trumka spoke.",
        "He spoke in London. Trumka then left.",  # a sentence's last word is no first name
        "AFL-CIO's Trumka spoke.",
        "Meanwhile Trumka spoke.",
    ):
        assert missing_names_share([QuestionName("Richard Trumka", True, None)], article) == 0
    # A short first name of another initial is the same person.
    mueller = "Special Counsel Robert Mueller filed the charges."
    assert missing_names_share([QuestionName("Bob Mueller", True, None)], mueller) == 0


def test_the_focus_leaves_out_names_and_framing_words():
    assert question_focus("When did Richard Trumka retire from the AFL-CIO?").words == ("retire",)
    # What "how" measures is the kind of answer: "50-inch" answers "how tall" without saying "tall".
    assert question_focus("How tall is the Fearless Girl statue?").words == ("statue",)
    assert question_focus("Why is the old town famous?").words == ("old", "town", "famous")
    # "instead" frames the question: the passage names the new pick, not the word.
    assert question_focus("Who did Trump pick instead of Andrew Puzder?").words == ("pick",)
    # Nor is the measure "what" asks for: "Kentucky beat Iowa 20-17" never says "score".
    assert question_focus("What was the score of the 2022 Citrus Bowl?").words == ()
    assert question_focus("By what margin did MPs reject it?").words == ("reject",)
    assert question_focus("How did the score change?").words == ("score", "change")
    # "job" and "role" frame too: "labor outreach director Nikki Budzinski" never says "job".
    assert question_focus("What job did Nikki Budzinski hold before joining?").words == (
        "hold",
        "before",
        "joining",
    )
    # A hedge or a reader's impatience is no word the answer must say: "did not endorse Clinton until June".
    assert question_focus("When did the AFL-CIO finally endorse Clinton?").words == ("endorse",)
    assert question_focus("What nationality is Doan Thi Huong?").words == ()  # "Vietnamese suspect Doan ..."
    assert question_focus("Who was allegedly paid for the fake job?").words == ("paid", "fake")
    assert question_focus("Roughly how many employees does Bauer have?").words == ("employees",)
    # The unit a date question asks in is its kind, not its topic: "visited China in August last year".
    assert question_focus("In which month had Doris Leuthard visited China?").words == ("visited",)
    # "Since when" asks for a date; "since the vote" orders events and stays.
    assert question_focus("Since when had he held the post?").words == ("held", "post")
    assert question_focus("What has happened since the vote?").words == ("since", "vote")
    # "take place" says that something happens, and "to be held in Kiev on May 9-13" never says "place".
    assert question_focus("Where did the attack take place?").words == ("attack",)
    assert question_focus("Who finished in second place?").words == ("finished", "second", "place")
    # So does the closing verb of a how-long question: "after five months of talks" never says "gone on".
    assert question_focus("How long had the coalition talks gone on?").words == ("coalition", "talks")
    assert question_focus("How long did the strike last?").words == ("strike",)
    assert question_focus("How long did the last flight take?").words == ("last", "flight")
    # ... but a run that is a noun, a place finished in, or the only word asked about stays.
    assert question_focus("How long was Leicester's unbeaten run?").words == ("unbeaten", "run")
    assert "last" in question_focus("How long has it been since the UK finished last?").words
    assert question_focus("How long did Mo Farah run?").words == ("run",)
    # "from the Islamist PJD party" says which party he belongs to without the verb; whose a gun was does not.
    assert question_focus("Which party does he belong to?").words == ("party",)
    assert question_focus("Who did the gun belong to?").words == ("gun", "belong")
    # "early 2017" qualifies a date: "Ambassador Stanislav Osadchy said on Monday" never says "early".
    assert question_focus("Who was Russia's ambassador to Cyprus in early 2017?").words == ("ambassador",)
    assert question_focus("Who resigned in late February?").words == ("resigned",)
    assert question_focus("Which early vote was cancelled?").words == ("early", "vote", "cancelled")


def test_a_number_is_the_same_in_words_or_digits():
    ten_years = question_focus("How much will the bill cut deficits over ten years?")
    assert uncovered_share(ten_years, "The bill cuts deficits over a 10-year period.", None) == 0
    four = question_focus("Which 4 airlines were fined?")
    assert uncovered_share(four, "Four airlines were fined.", None) == 0
    assert uncovered_share(four, "Two airlines were fined.", None) > 0
    season = question_focus("When did Season 11 of The Walking Dead premiere?")
    assert uncovered_share(season, "The eleventh season of The Walking Dead premiered in August.", None) == 0
    # An ordinal is its digits, not the cardinal word: "second" is "2nd", not "two".
    second = question_focus("Who finished second?")
    assert uncovered_share(second, "Smith finished 2nd.", None) == 0
    assert uncovered_share(second, "Smith finished two places down.", None) > 0


def test_a_time_counted_from_a_dated_event_answers_when_a_bare_weekday_does_not():
    question = "When did Buffenbarger retire?"
    assert answer_type_penalty(question, "Five months after the vote, Buffenbarger retired.") == 0.0
    assert answer_type_penalty(question, "Buffenbarger retired on Tuesday.") == 1.0
    assert answer_type_penalty(question, "Buffenbarger retired months later.") == 1.0


def test_a_set_phrase_says_its_plain_word():
    from service.judge.answerability import with_idioms

    focus = question_focus("When did Al Jarreau die?")
    passage = 'His website read, "Al Jarreau passed away today, February 12."'
    assert uncovered_share(focus, with_idioms(passage), None) == 0
    assert uncovered_share(focus, with_idioms("Al Jarreau performed on February 12."), None) == 1
    resign = question_focus("When did Flynn resign?")
    assert uncovered_share(resign, with_idioms("Flynn stepped down on Monday."), None) == 0
    assert with_idioms("No set phrase here.") == "No set phrase here."
    # A deal's, a sale's and a release's own verbs.
    bought = question_focus("Who bought GitHub?")
    assert uncovered_share(bought, with_idioms("Microsoft will acquire GitHub for $7.5 billion."), None) == 0
    assert uncovered_share(bought, with_idioms("GitHub has been owned by Microsoft since 2018."), None) == 0
    sold = question_focus("How much did Salvator Mundi sell for?")
    assert uncovered_share(sold, with_idioms("Salvator Mundi fetched $450.3 million."), None) == 0
    assert uncovered_share(bought, with_idioms("GitHub hosts code for Microsoft."), None) == 1
    released = question_focus("When was Julian Assange released?")
    assert uncovered_share(released, with_idioms("Assange launched WikiLeaks in 2006."), None) == 1
    paid = question_focus("How much did Elon Musk pay for Twitter?")
    assert (
        uncovered_share(paid, with_idioms("Elon Musk completed his $44 billion takeover of Twitter."), None)
        == 0
    )
    # A window is lent only its passage's phrases.
    window = "He was hospitalized for exhaustion. " + passage
    assert with_idioms(window, "He was hospitalized for exhaustion.") == window


def test_uncovered_share_counts_stems_literally_without_word_vectors():
    focus = question_focus("When did the union retire its pension plan?")
    assert uncovered_share(focus, "The union retired the pension plan in 2015.", None) == 0.0
    assert uncovered_share(focus, "The union announced a vote.", None) == 0.75  # only "union" is there


def test_near_synonyms_count_with_word_vectors(sample_engine):
    focus = question_focus("How many officers knew about it?")
    literal = uncovered_share(focus, "Only three officers are aware of this.", None)
    soft = uncovered_share(focus, "Only three officers are aware of this.", sample_engine.word_vectors)
    assert soft < literal


def test_attribution_is_required_for_what_did_x_say():
    question = "What did Bernie Sanders say about the IAM endorsement?"
    assert attribution_penalty(question, "The IAM endorsed Clinton. Sanders was in Iowa.") > 0
    assert attribution_penalty(question, "Sanders said the vote was rigged.") == 0
    assert attribution_penalty(question, "Bernie Sanders was angry. He told reporters it was unfair.") == 0
    assert attribution_penalty("When did Sanders visit Iowa?", "No attribution here.") == 0
    # A body named once is "the company" after; whether the article names it is the name checks' business.
    stores = "How many stores did RadioShack say it would close?"
    assert attribution_penalty(stores, "The company says it's closing about 200 stores.") == 0
    assert attribution_penalty(stores, "Sears said it would close 200 stores.") > 0
    # Named in passing, in what someone else said, is not saying it.
    trumka = "What did Trumka say about Sanders?"
    told = (
        'She told Podesta to "have a delegation of Presidents come to Trumka and ask him to call the vote".'
    )
    assert attribution_penalty(trumka, told) > 0
    assert attribution_penalty(trumka, "Budzinski said they should come to Trumka and ask him.") > 0
    assert (
        attribution_penalty(trumka, "Trumka, who held two rallies with Ohio members, said he was neutral.")
        == 0
    )
    assert attribution_penalty(trumka, 'AFL-CIO chief Trumka: "We stay neutral."') == 0


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("He is not motivated.", True),
        ("Only three officers at IAM are aware of this, so it is tightly held.", True),
        ("AFL-CIO president Richard Trumka announced that his union would stay neutral.", False),
        ("Budzinski informed the group in November that the endorsement would come later.", False),
        ("“I think it’s a good idea,” Podesta wrote.", True),
        ("Still, that margin may reflect a narrowing gap.", True),
        ("One is at a missile test site at Kapustin Yar and one was moved in December.", True),
        ("The other was moved to an operational base elsewhere in the country.", True),
    ],
)
def test_which_sentences_lean_on_the_one_before(sentence, leans):
    assert leans_on_previous(sentence) is leans


def _judged(doc, start, end, score):
    sentence = EvidenceSentence(doc, "T", start, end, start, f"passage {doc} {start}", 0, "s", "w")
    return JudgedPassage(sentence, score, 0.0, 0.0, score, confidence=score)


def test_choose_passages_refuses_under_the_threshold():
    assert choose_passages([_judged("a", 0, 10, 1.0)], threshold=2.0, limit=2) == []


def test_choose_passages_adds_only_close_runners_up():
    best, close, far = _judged("a", 0, 10, 9.0), _judged("b", 0, 10, 8.0), _judged("c", 0, 10, 3.0)
    assert choose_passages([best, close, far], threshold=2.0, limit=3) == [best, close]
    overlapping = _judged("a", 5, 20, 8.5)
    assert choose_passages([best, overlapping], threshold=2.0, limit=3) == [best]


@pytest.mark.parametrize(
    ("passage", "counts"),
    [
        ("An internal poll of nearly 2,000 of the union's members.", True),
        ("Three people died.", True),
        ("Before the New Hampshire primary in October 2015.", False),  # a year is no count
        ("They pushed for a 50 percent threshold.", False),  # nor a share
        ("The vote was held on May 14.", False),  # nor a day of the month
    ],
)
def test_how_many_questions_want_a_count(passage, counts):
    penalty = answer_type_penalty("How many votes did she get?", passage)
    assert (penalty == 0.0) is counts


class _NamesFinder:
    """Stands in for spaCy: tags the names it is given as PERSON wherever they occur."""

    def __init__(self, *names: str) -> None:
        self.names = names
        self.calls: list[str] = []

    def entities(self, text: str) -> list[tuple[int, int, str]]:
        self.calls.append(text)
        return [(text.index(n), text.index(n) + len(n), "PERSON") for n in self.names if n in text]


def _reading(doc_id: str, start: int, text: str, logit: float):
    from service.judge.model import FEATURES

    sentence = EvidenceSentence(doc_id, "", start, start + len(text), start, text, 0, text, text)
    features = {name: 0.0 for name in FEATURES} | {"logit": logit}
    return JudgedPassage(sentence, logit, 0.0, 0.0, logit, features)


def test_a_who_question_ranks_the_passage_naming_someone_first_and_checks_the_new_winner_too():
    from service.judge.evidence_judge import EvidenceJudge
    from service.judge.model import AnswerabilityModel

    finder = _NamesFinder("Hossam al-Sufi")
    model = AnswerabilityModel(weights={}, bias=0.0, means={}, scales={}, threshold=0.5)
    judge = EvidenceJudge(None, None, None, None, model, entities=finder, entity_checks=1)  # type: ignore[arg-type]
    lede = "Two Palestinian civilians were killed in an air strike on a tunnel."
    named = "The two men killed were identified as Hossam al-Sufi, 24."
    judged = [_reading("d1", 0, lede, 7.1), _reading("d1", 0, lede, 7.0), _reading("d1", 200, named, 6.4)]

    ranked = judge._check_entities("Who were the two Palestinians killed in the air strike?", judged)

    assert [j.sentence.passage for j in ranked] == [named, lede, lede]
    # The lede read twice (overlapping chunks) is checked once and both readings carry the result.
    assert finder.calls == [lede, named]
    assert all(j.features["entity_checked"] == 1.0 for j in ranked)
    assert [j.features["entity_answer"] for j in ranked] == [1.0, 0.0, 0.0]


def test_a_passage_saying_the_answer_is_not_known_is_no_answer_unless_it_holds_one_of_the_asked_kind():
    from dataclasses import replace

    from service.judge.evidence_judge import with_confidence
    from service.judge.model import AnswerabilityModel

    model = AnswerabilityModel(
        weights={"logit": 1.0}, bias=0.0, means={"logit": 0.0}, scales={"logit": 1.0}, threshold=0.5
    )
    unknown = _reading("d1", 0, "Seroy said the cause of death was not immediately known.", 8.0)
    named = replace(unknown, features={**unknown.features, "entity_answer": 1.0})
    declined = _reading("d2", 0, "Smith was charged with murder; police declined to comment.", 8.0)

    [says_unknown] = with_confidence([unknown], model)
    [holds_one] = with_confidence([named], model)
    [answers] = with_confidence([declined], model)
    assert says_unknown.confidence < model.threshold_log_odds < answers.confidence
    assert holds_one.confidence == answers.confidence


def test_a_passage_whose_article_never_names_what_the_question_is_about_is_no_answer():
    from dataclasses import replace

    from service.judge.evidence_judge import with_confidence
    from service.judge.model import AnswerabilityModel

    model = AnswerabilityModel(
        weights={"logit": 1.0}, bias=0.0, means={"logit": 0.0}, scales={"logit": 1.0}, threshold=0.5
    )
    other_model = _reading("d1", 0, "Samsung introduced the Galaxy S22 in February 2022.", 8.0)
    other_model = replace(other_model, features={**other_model.features, "name_gap": 1.0})
    [judged] = with_confidence([other_model], model)
    assert judged.confidence < model.threshold_log_odds


def test_a_passage_that_never_says_the_asked_place_in_an_order_is_no_answer():
    from dataclasses import replace

    from service.judge.evidence_judge import with_confidence
    from service.judge.model import AnswerabilityModel

    model = AnswerabilityModel(
        weights={"logit": 1.0}, bias=0.0, means={"logit": 0.0}, scales={"logit": 1.0}, threshold=0.5
    )
    winner = _reading("d1", 0, "Mitch Seavey won the 2017 Iditarod.", 8.0)
    [judged] = with_confidence([replace(winner, features={**winner.features, "never_says": 1.0})], model)
    [unasked] = with_confidence([winner], model)
    assert judged.confidence < model.threshold_log_odds < unasked.confidence


def test_a_vetoed_passage_does_not_stand_in_front_of_one_that_answers():
    """ "Who is the CEO of Google?": "Eric Schmidt, former CEO of Google" ranked first and, vetoed, refused
    the question that "Google CEO Sundar Pichai" behind it answers. It goes last; the answer still reads how
    far it leads it."""
    from dataclasses import replace

    from service.judge.evidence_judge import with_confidence
    from service.judge.model import AnswerabilityModel

    model = AnswerabilityModel(
        weights={"logit": 1.0, "margin": 1.0},
        bias=0.0,
        means={"logit": 0.0, "margin": 0.0},
        scales={"logit": 1.0, "margin": 1.0},
        threshold=0.5,
    )
    former = _reading("d1", 0, "Eric Schmidt, former CEO of Google, spoke.", 8.0)
    former = replace(former, features={**former.features, "never_says": 1.0})
    current = _reading("d2", 0, "Google CEO Sundar Pichai spoke.", 7.5)
    best, last = with_confidence([former, current], model)
    assert best.sentence.doc_id == "d2" and last.sentence.doc_id == "d1"
    assert best.features["margin"] == -0.5  # behind the vetoed passage's score still
    assert best.confidence > model.threshold_log_odds > last.confidence
    # "The gunman's identity has not been released" is the story's own word that nobody knows: it stays first.
    withheld = replace(former, features={**former.features, "never_says": 0.0, "withheld": 1.0})
    first, _ = with_confidence([withheld, current], model)
    assert first.sentence.doc_id == "d1" and first.confidence < model.threshold_log_odds


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("When did Apple unveil the iPhone 15?", ["Apple", "iPhone 15"]),
        ("When did Samsung introduce the Galaxy S23?", ["Samsung", "Galaxy S23"]),
        ("Which team won Super Bowl 51?", ["Super Bowl 51"]),
        ("Who hosted the 59th Grammy Awards?", ["59th Grammy Awards"]),
        ("Which city hosted COP24?", ["COP24"]),
        ("When did Chandrayaan-2 launch?", ["Chandrayaan-2"]),
        ("Who captained the Under-21 team?", []),
        ("Which 3 players scored?", []),
        ("What happened on March 15?", []),
    ],
)
def test_a_model_or_edition_with_its_number_is_one_name(question, names):
    from service.judge.answerability import question_names
    from service.judge.direct_answer import EntityFinder

    assert [n.text for n in question_names(question, EntityFinder().entities)] == names


@pytest.mark.parametrize(
    ("question", "names"),
    [
        # The year is the date rules' business: articles write "the World Cup in 2014".
        ("Who was the runner-up of the 2014 World Cup?", ["World Cup"]),
        ("Who won the US Presidential Election 2020?", ["US Presidential Election"]),
        # So is the occasion word after an event's name, and a verb the recognizer ran on into.
        (
            "Which actor won Best Actor at the 92nd Academy Awards Ceremony?",
            ["Best Actor", "92nd Academy Awards"],
        ),
        (
            "when was The Legend of Zelda: Breath of the Wild released?",
            ["Legend of Zelda: Breath of the Wild"],
        ),
        ("What is men's year-end No 1 in tennis in 2019?", []),  # a rank, not a name
    ],
)
def test_a_name_is_asked_as_articles_write_it(question, names):
    from service.judge.answerability import question_names
    from service.judge.direct_answer import EntityFinder

    assert [n.text for n in question_names(question, EntityFinder().entities)] == names


def test_a_title_with_a_subtitle_is_named_by_either_part():
    from service.judge.answerability import QuestionName, missing_names_share

    zelda = [QuestionName("Legend of Zelda: Breath of the Wild", False, None)]
    assert missing_names_share(zelda, "Nintendo said Breath of the Wild will release on March 3, 2017.") == 0
    assert missing_names_share(zelda, "Nintendo said Ocarina of Time will be re-released.") == 1


def test_a_nationality_or_a_place_that_describes_is_no_name_an_article_must_repeat():
    from service.judge.answerability import missing_names_share, question_names
    from service.judge.direct_answer import EntityFinder

    article = (
        "The Co-operative Bank says it is putting itself up for sale. The bank almost collapsed in 2013."
    )
    bank = question_names("Which British bank put itself up for sale?", EntityFinder().entities)
    assert missing_names_share(bank, article, descriptors=False) == 0.0
    assert missing_names_share(bank, article) == 1.0  # the ranking still prefers an article that says it
    actress = question_names("Which London-born actress will join Line of Duty?", EntityFinder().entities)
    newton = "Newton will appear in BBC One's Line of Duty."
    assert missing_names_share(actress, newton, descriptors=False) == 0
    # A place the question is about must still be named: "visited Turkey" is not "visited Cyprus".
    tourists = question_names("How many tourists visited Turkey in 2016?", EntityFinder().entities)
    cyprus = "The number of tourists visiting Cyprus neared 800,000."
    assert missing_names_share(tourists, cyprus, descriptors=False) == 1.0


def test_a_title_a_generic_company_word_or_a_place_before_an_office_keep_their_names():
    from service.judge.answerability import missing_names_share, question_names
    from service.judge.direct_answer import EntityFinder

    xi = question_names("What did Mr Xi say about Taiwan?", EntityFinder().entities)
    assert missing_names_share(xi, "Chinese President Xi Jinping spoke about Taiwan.") == 0.0
    united = question_names("Why did United Airlines remove a passenger?", EntityFinder().entities)
    assert missing_names_share(united, "A Delta flight in the United States was delayed.") == 1.0
    northern = question_names("What did the Northern Ireland Secretary say?", EntityFinder().entities)
    assert "Northern Ireland" in [n.text for n in northern]
    # A city defines the story: "the Paris prosecutor" is not Lyon's.
    paris = question_names("What did the Paris prosecutor say?", EntityFinder().entities)
    assert missing_names_share(paris, "The Lyon prosecutor said the suspect fled.", descriptors=False) == 1.0


def test_a_body_named_with_its_country_is_found_without_it():
    from service.judge.answerability import missing_names_share, question_names
    from service.judge.direct_answer import EntityFinder

    question = "What was the vote in the US House of Representatives to scrap the privacy rule?"
    names = question_names(question, EntityFinder().entities)
    assert missing_names_share(names, "The House of Representatives voted 215-205 to reject it.") == 0.0
    assert missing_names_share(names, "The Senate voted 50-48 to reject it.") == 1.0


def test_a_place_the_recognizer_runs_into_an_office_is_the_place_alone():
    from service.judge.answerability import missing_names_share, question_names
    from service.judge.direct_answer import EntityFinder

    question = "Which UK Home Secretary defended the decision to end the Dubs amendment scheme?"
    names = question_names(question, EntityFinder().entities)
    assert "UK" in [n.text for n in names] and "UK Home" not in [n.text for n in names]
    article = "Home Secretary Amber Rudd defended ending the Dubs amendment, which let children into the UK."
    assert missing_names_share(names, article) == 0.0


@pytest.mark.parametrize(
    ("passage", "not_known"),
    [
        ("The cause of death was not immediately known.", True),
        ("The deceased suspect's identity is unknown.", True),
        ("The officer and the two juveniles arrested have not been named.", True),
        ("Police declined to comment.", False),  # no word on what is known
        ("Manafort has not been charged with a crime.", False),
        ("It's not known as a brand which is innovative.", False),
        ("Kim Jong Nam was not known to be seeking political power.", False),
    ],
)
def test_what_counts_as_the_article_saying_the_answer_is_not_known(passage, not_known):
    from service.judge.answerability import says_not_known

    assert says_not_known(passage) is not_known


@pytest.mark.parametrize(
    ("passage", "withheld"),
    [
        ("Mr Musk declined to reveal their identities, only saying that they knew each other.", True),
        ("An older man who declined to give his name said he comes from a village.", True),
        ("The deputy's name has not yet been released.", True),
        ("Nunes has declined to name the person he met with at the White House complex.", True),
        ("Police did not identify the victim, a 34-year-old man.", True),
        ("The gunman has not been identified.", True),
        ("Tunisia did not provide him with identity documents.", False),
        ("Police named the victim as John Smith.", False),
        ("The company declined to name a date for the launch.", False),
        ("He refused to identify with either party.", False),
        ("The victims were not immediately identified.", True),
        ("The auction house declined to name the buyer.", True),
        ("Police named the shooter but did not identify the gunman's motive.", False),
        ("Southgate refused to name him in the squad.", False),
    ],
)
def test_a_withheld_identity_is_no_answer_to_who(passage, withheld):
    from service.judge.answerability import withholds_identity

    assert withholds_identity(passage) is withheld


def test_a_passage_that_names_nothing_new_has_no_name_to_give():
    from service.judge.answerability import asks_for_a_name, names_nothing_new
    from service.judge.direct_answer import EntityFinder

    finder = EntityFinder().entities
    question = "What is the name of the field hospital in Deraa that was hit by fighter jets?"
    assert asks_for_a_name(question)
    assert asks_for_a_name("What will the new company be called?")
    assert not asks_for_a_name("Who named the field hospital?")
    story = "Aid workers said fighter jets hit a field hospital in Deraa early in the Syrian conflict."
    assert names_nothing_new(question, story, finder)
    named = "Fighter jets hit the Al-Amal field hospital in Deraa, aid workers said."
    assert not names_nothing_new(question, named, finder)
    # A name the recognizer does not know still counts.
    hippo = "What was the name of the hippopotamus that died at the zoo?"
    assert not names_nothing_new(hippo, "The hippo, called Gustavito, died at the zoo.", finder)


@pytest.mark.parametrize(
    ("passage", "has_age"),
    [
        ("The 57-year-old musher also broke the record.", True),
        ("Hossam al-Sufi, 24, and Mohammed al-Aqra, 38, were killed.", True),
        ("Chuck Berry has died at the age of 90.", True),
        ("He was 76.", True),
        ("The victim was John Smith, 45. Police said more.", True),
        ("A four-year-old boy drowned.", True),
        ("He is in his 50s.", True),
        ("Mitch Seavey won the 2017 race and a prize of $75,000.", False),
        ("The meeting is at 10 a.m.", False),
        ("Unemployment stood at 5.2%.", False),
        ("They flew at 30,000 feet.", False),
        ("Inflation was 2.5 percent.", False),
        ("Under Section 5(2) of the act.", False),
    ],
)
def test_how_old_wants_an_age_not_any_number(passage, has_age):
    question = "How old was Mitch Seavey?"
    assert (answer_type_penalty(question, passage) == 0.0) is has_age


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which federal judge in Madison blocked the travel ban?", "person"),
        ("Which Kansas governor opposed the Medicaid bill?", "person"),
        ("Which Nobel Prize-winning poet died in St. Lucia?", "person"),
        ("Which bill did the governor sign?", None),
        ("Which state sued President Trump?", None),
        ("Which general election was held in March?", None),
        ("Whose Twitter account was hacked?", "person"),
        ("Which company announced the flight?", None),
        ("Which Wales defender was sent off?", "person"),
        ("Which UK Home Secretary defended the decision?", "person"),
        # Kin are people, a name's possessive does not end the phrase, and a participle follows a person.
        ("What is the name of Kim Jong Nam's daughter?", "person"),
        ("What is the name of the Syrian man suing in Wisconsin over the ban?", "person"),
        ("Which country's president visited Moscow?", "person"),
        ("What is the name of Trump's hotel?", None),
        ("Which city bombing killed 20 people?", None),
        ("Which Japanese deputy foreign minister held talks?", "person"),
        ("Which countries accept refugees?", None),
        ("What is the name of Trump's daughter's clothing brand?", None),
        ("Which country music star died?", "person"),
    ],
)
def test_a_role_after_a_modifier_still_asks_for_a_person(question, kind):
    from service.judge.answer_types import answer_type

    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("question", "passage", "missing"),
    [
        ("Who finished second in the 2017 Iditarod?", "Mitch Seavey won the 2017 Iditarod.", True),
        ("Who finished second in the 2017 Iditarod?", "Mitch Seavey won; his son was the runner-up.", False),
        ("Who came third in the Dutch election?", "The Green-Left came third with 14 seats.", False),
        ("Who was the runner-up?", "Smith won the race.", True),
        # "second" that is no place in an order asks nothing of the sort.
        (
            "How many stores did RadioShack close in its second bankruptcy?",
            "RadioShack will close 200 stores.",
            False,
        ),
        ("Who ran the Museum of the Second World War?", "Pawel Machcewicz ran the museum.", False),
    ],
)
def test_a_place_in_an_order_must_be_said_by_the_passage(question, passage, missing):
    from service.judge.answer_types import position_missing

    assert position_missing(question, passage) is missing


@pytest.mark.parametrize(
    ("question", "passage", "lapsed"),
    [
        (
            "Who is Morocco's agriculture minister?",
            "He faced Aziz Akhannouch, a billionaire former agriculture minister.",
            True,
        ),
        ("Who is the CEO of Thinx?", "Miki Agrawal, former CEO and founder of Thinx, resigned.", True),
        ("Who is the CEO of Thinx?", "Maria Molland, the new CEO, replaced former CEO Miki Agrawal.", False),
        # The same office in other words.
        ("Who is the CEO of Thinx?", "Miki Agrawal, the former chief executive of Thinx, resigned.", True),
        ("Who is the CEO of Thinx?", "Molland, its chief executive, replaced former CEO Agrawal.", False),
        # Asked about the past, a former holder is the answer.
        ("Who was Morocco's agriculture minister?", "Aziz Akhannouch, a former agriculture minister.", False),
        ("Who is Germany's new president?", "Frank-Walter Steinmeier became Germany's new president.", False),
    ],
)
def test_who_holds_an_office_is_not_answered_by_who_held_it(question, passage, lapsed):
    from service.judge.answer_types import office_lapsed

    assert office_lapsed(question, passage) is lapsed


@pytest.mark.parametrize(
    ("question", "passage", "deputy"),
    [
        (
            "Who is Indonesia's ambassador to Malaysia?",
            "Indonesia's deputy ambassador to Malaysia, Andriano Erwin, said on Saturday.",
            True,
        ),
        ("Who is the US president?", "Vice President Mike Pence cast the deciding vote.", True),
        ("Who is the US president?", "Vice-President Mike Pence cast the deciding vote.", True),
        # The office itself named too, or a deputy asked for.
        ("Who is the US president?", "Vice President Mike Pence and President Donald Trump met.", False),
        ("Who is the deputy ambassador?", "The deputy ambassador, Andriano Erwin, said.", False),
        ("Who is the chief executive of Tesla?", "Tesla chief executive Elon Musk said.", False),
        # "under" is a preposition: the office's holder.
        (
            "Who is India's prime minister?",
            "India, under Prime Minister Narendra Modi, has courted it.",
            False,
        ),
    ],
)
def test_who_holds_an_office_is_not_answered_by_a_deputy(question, passage, deputy):
    from service.judge.answer_types import never_says_what_is_asked, office_of_a_deputy

    assert office_of_a_deputy(question, passage) is deputy
    assert never_says_what_is_asked(question, passage) is deputy


@pytest.mark.parametrize(
    ("question", "passage", "conflict"),
    [
        # The question counts by one number, the passage by another: another figure's story.
        (
            "How many deaths could be prevented if everyone ate five portions of fruit a day?",
            "If everyone ate ten-portions of fruit each day then 7.8 million deaths could be prevented.",
            True,
        ),
        ("Which 11-year-old Chicago girl was shot?", "A 7-year-old girl was shot in Chicago.", True),
        # The same number, a number word, or nothing counted the same way: no conflict.
        (
            "How many deaths would five portions a day prevent?",
            "Eating 5 portions a day prevents deaths.",
            False,
        ),
        (
            "How many of the 136 trusts were rated inadequate?",
            "All 136 hospital trusts were reviewed.",
            False,
        ),
        ("How many people died in the 2016 fire?", "At least 36 people died.", False),
        (
            "Where is one battalion based?",
            "Two battalions are based at Kapustin Yar.",
            False,
        ),  # "one" is no count
        # A follow-up's carried turn is not what it asks.
        ("In which state is that factory: 13 workers were jailed?", "148 workers were charged.", False),
        # "10 more women" are another group than the eight killed, as are "two other" people.
        (
            "In which district did an air raid kill at least eight women and a child?",
            "At least 10 more women were wounded in the raid, which hit a funeral in Arhab district.",
            False,
        ),
        ("Where were three people arrested?", "Two other people were arrested in Paris.", False),
        ("Where were three people arrested?", "Two people were arrested in Paris.", True),
        # An added group is compared with added groups: "five more migrants" are not "three more".
        ("Where did five more migrants drown?", "Three more migrants drowned off Lampedusa.", True),
        (
            "Where were 10 more women wounded?",
            "Eight women were killed and at least 10 more women were wounded in Arhab district.",
            False,
        ),
        (
            "Where will 3,000 more troops go?",
            "About 4,000 troops are in Kuwait; 3,000 additional troops follow.",
            False,
        ),
    ],
)
def test_a_count_by_another_number_is_another_figure(question, passage, conflict):
    from service.judge.answer_types import count_conflict

    assert count_conflict(question, passage) is conflict


@pytest.mark.parametrize(
    ("question", "passage", "unsaid"),
    [
        # Another office: the deputy prime minister is not the foreign minister.
        (
            "Who is Malaysia's foreign minister?",
            "Malaysia's Deputy Prime Minister Ahmad Zahid Hamidi said foreign workers may stay.",
            True,
        ),
        ("Who is Malaysia's foreign minister?", "Foreign Minister Anifah Aman said so.", False),
        (
            "Who is Malaysia's foreign minister?",
            "Anifah Aman, the minister of foreign affairs, said so.",
            False,
        ),
        (
            "Who is the Paris assistant mayor for tourism?",
            "said the assistant mayor, Jean-Francois Martins.",
            False,
        ),
        # "new" says when, not which office; a passage that never names the office says nobody holds it.
        ("Who is Germany's new president?", "Steinmeier was elected president on Sunday.", False),
        ("Who is the US president?", "Donald Trump said so on Sunday.", True),
        # The same office in other words, a rank word, a country in lower case; and no office asked at all.
        ("Who is the CEO of Uber?", "Uber chief executive Travis Kalanick said so.", False),
        ("Who is the White House spokesman?", "White House spokeswoman Sarah Sanders said so.", False),
        ("Who is the Patriots' head coach?", "Patriots coach Bill Belichick said so.", False),
        ("who is the uk prime minister?", "Prime Minister Theresa May said so.", False),
        ("Who is accused of threatening the mayor?", "John Smith was charged on Monday.", False),
        # The office said by its verb.
        ("Who is the director of the Avatar movie?", "Avatar: Directed by James Cameron.", False),
        ("Who is the director of the Avatar movie?", "Avatar stars Sam Worthington.", True),
    ],
)
def test_who_holds_an_office_is_not_answered_by_a_passage_that_never_names_it(question, passage, unsaid):
    from service.judge.answer_types import never_says_what_is_asked, office_unsaid

    assert office_unsaid(question, passage) is unsaid
    assert never_says_what_is_asked(question, passage) is unsaid


@pytest.mark.parametrize(
    ("question", "passage", "sibling"),
    [
        ("Who is the CEO of Lego?", "Anne-Birgitte Albrectsen is the CEO of The LEGO Foundation.", True),
        (
            "Who is the director of the Assassin's Creed movie?",
            "Marc-Alexis Cote, creative director of Assassin's Creed Syndicate, spoke.",
            True,
        ),
        # The company under its legal name, a word of when, or the office said once without a body.
        ("Who is the CEO of Lego?", "Niels B. Christiansen, CEO of the LEGO Group, said sales rose.", False),
        ("Who is the new CEO of Vanguard?", "New Vanguard CEO Tim Buckley spoke.", False),
        ("Who is the CEO of Lego?", "The LEGO Foundation's CEO met the CEO, Niels Christiansen.", False),
        ("Who is the CEO of Lego?", "LEGO CEO Niels B. Christiansen said sales rose.", False),
    ],
)
def test_who_holds_an_office_is_not_answered_by_who_holds_it_at_a_sibling_body(question, passage, sibling):
    from service.judge.answer_types import never_says_what_is_asked, office_at_a_sibling

    assert office_at_a_sibling(question, passage) is sibling
    assert never_says_what_is_asked(question, passage) is sibling


@pytest.mark.parametrize(
    ("passage", "denied"),
    [
        ("There was no immediate claim of responsibility for the attack.", True),
        ("No group has yet claimed the attack.", True),
        ("The attack has not been claimed.", True),
        ("Islamic State claimed responsibility for the attack.", False),
    ],
)
def test_who_claimed_an_attack_is_not_answered_by_a_passage_saying_nobody_has(passage, denied):
    from service.judge.answer_types import claim_denied, never_says_what_is_asked

    question = "Who claimed responsibility for the Sufi shrine bombing?"
    assert claim_denied(question, passage) is denied
    assert never_says_what_is_asked(question, passage) is denied
    # Asked something else, or whether anyone claimed it, the same sentence is no refusal: it answers "no".
    assert not claim_denied("When was the Sufi shrine bombed?", passage)
    assert not claim_denied("Has anyone claimed responsibility for the bombing?", passage)


@pytest.mark.parametrize(
    ("passage", "denied"),
    [
        ("Police are continuing to investigate and have yet to make an arrest, the chief said.", True),
        ("No arrests have been made, but detectives appealed for witnesses.", True),
        ("No one has been charged.", True),
        ("Officers made no arrests.", True),
        ("The gunman had no arrest record, police said.", False),
        ("Police arrested a 22-year-old man on Sunday.", False),
        # Nobody at first, then someone: the passage reports an arrest.
        ("No one was arrested at the scene, but police later detained a 22-year-old man.", False),
        ("There were no arrests on Friday; on Saturday police arrested John Smith.", False),
    ],
)
def test_who_was_arrested_is_not_answered_by_a_passage_saying_nobody_was(passage, denied):
    from service.judge.answer_types import claim_denied, never_says_what_is_asked

    for question in ("Who was arrested for the Cameo Nightclub shooting?", "Who did police detain?"):
        assert claim_denied(question, passage) is denied
        assert never_says_what_is_asked(question, passage) is denied
    # "How many were arrested?" is answered by "no arrests": none; "in charge" is no arrest.
    assert not claim_denied("How many people were arrested after the shooting?", passage)
    assert not claim_denied("Who was in charge of the investigation?", passage)


@pytest.mark.parametrize(
    ("question", "passage", "unsaid"),
    [
        (
            "What did Al Jarreau die of?",
            'He was hospitalized for exhaustion. "Al Jarreau passed away today."',
            True,
        ),
        ("What was the cause of Derek Walcott's death?", "Walcott passed away on Friday at his home.", True),
        ("What did Al Jarreau die of?", "Jarreau died of respiratory failure.", False),
        ("How did Kim Jong Nam die?", "He was killed with VX nerve agent.", False),
        ("How did Paul Walker die?", "Paul Walker died in a car crash in 2013.", False),
        ("What did Alan Rickman die of?", "Rickman, who had been battling cancer, died on Thursday.", False),
        # A count or a place of the dead asks no cause.
        ("How many children died of flu in New York City?", "Four children, officials said.", False),
    ],
)
def test_what_someone_died_of_is_not_answered_by_a_passage_that_says_no_cause(question, passage, unsaid):
    from service.judge.answer_types import cause_unsaid, never_says_what_is_asked

    assert cause_unsaid(question, passage) is unsaid
    assert never_says_what_is_asked(question, passage) is unsaid


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        # A place's kind noun says what the answer is; the passage need not repeat it.
        ("Which Missouri town were they from?", ()),
        ("In which city is Snap Inc based?", ("based",)),
        # A person's or a body's noun stays: "Which Russian pilot" is told by "pilot" beside the name.
        ("Which Russian pilot was killed?", ("pilot", "killed")),
        ("Which companies bought the bank?", ("companies", "bought", "bank")),
        ("How many people died?", ("died",)),
    ],
)
def test_a_which_phrases_place_noun_is_no_word_the_passage_must_say(question, kept):
    from service.judge.answer_types import without_kind_noun
    from service.judge.answerability import question_focus

    assert without_kind_noun(question_focus(question), question).words == kept
