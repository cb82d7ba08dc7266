import pytest

from service.answer.types import REFUSAL
from service.retrieve.followups import asked_part, find_entities, rewrite_followup


def turns(*pairs):
    return [{"role": role, "content": content} for role, content in pairs]


REFUSED = "The articles do not contain an answer to this question."


def after(
    asked: str,
    answered: str,
    follow_up: str,
    labels: dict[str, str] | None = None,
    short_answer: tuple[str, str] | None = None,
) -> str:
    """``follow_up`` rewritten after one exchange; ``short_answer`` is what the recognizer would find."""
    labeller = (lambda text: labels) if labels is not None else None
    finder = (lambda question, answer: short_answer) if short_answer is not None else None
    return rewrite_followup(follow_up, turns(("user", asked), ("assistant", answered)), labeller, finder)


def test_without_history_the_question_is_unchanged():
    assert rewrite_followup("When did he announce it?", []) == "When did he announce it?"


def test_person_pronouns_resolve_to_the_last_person_asked_about():
    history = turns(
        ("user", "What did Richard Trumka say about the AFL-CIO endorsement?"), ("assistant", "...")
    )
    assert (
        rewrite_followup("When did he announce it?", history)
        == "When did Richard Trumka announce the AFL-CIO?"
    )


def test_possessives_and_objects():
    history = turns(("user", "Who is Tom Buffenbarger?"), ("assistant", "The IAM president."))
    assert rewrite_followup("What was his role?", history) == "What was Tom Buffenbarger's role?"
    history = turns(("user", "What did Nikki Budzinski write?"), ("assistant", "x"))
    assert rewrite_followup("Who did Podesta send her memo to?", history).startswith(
        "Who did Podesta send Nikki Budzinski's memo"
    )


def test_her_before_a_determiner_is_an_object_and_a_named_pair_is_they():
    history = turns(
        ("user", "Which UK Culture Secretary asked regulators to examine the Sky bid?"),
        ("assistant", "Culture Secretary Karen Bradley asked regulators to examine the bid. [1]"),
    )
    rewritten = rewrite_followup("By what date do Ofcom and the CMA have to send her their reports?", history)
    assert rewritten.startswith("By what date do Ofcom and the CMA have to send ")
    assert rewritten.endswith("Karen Bradley their reports?")


def test_a_sentence_end_or_a_lost_space_is_no_part_of_a_name():
    def names(text: str) -> list[str]:
        return [e.text for e in find_entities(text)]

    assert names("It will take place in Hollywood. Oscars host Jimmy Kimmel spoke.") == [
        "Hollywood",
        "Oscars",
        "Jimmy Kimmel",
    ]
    # An initial's full stop is no sentence's end.
    assert names("U.S. President Donald Trump spoke.") == ["U.S. President Donald Trump"]
    assert names("The plane was landed by Capt. Sullenberger.") == ["Capt. Sullenberger"]
    glued = "Oscars host Jimmy Kimmel-shared his take."
    labels = {"Oscars": "ORG", "Jimmy Kimmel": "PERSON"}
    assert [e.text for e in find_entities(glued, lambda text: labels)] == ["Oscars", "Jimmy Kimmel"]
    # A short syllable after the hyphen is a name's, though the recognizer cut it off.
    moon = find_entities("President Moon Jae-in met Trump.", lambda text: {"Moon Jae": "PERSON"})
    assert moon[0].text == "Moon Jae-in"


def test_and_before_a_question_of_its_own_is_no_ellipsis():
    history = turns(
        ("user", "Which Japanese deputy foreign minister held Kuril Islands talks with Russia?"),
        ("assistant", "Deputy Foreign Minister Shinsuke Sugiyama met Igor Morgulov. [1]"),
    )
    rewritten = rewrite_followup("And who was his Russian counterpart?", history)
    assert rewritten.startswith("Who was ") and rewritten.endswith("Shinsuke Sugiyama's Russian counterpart?")


def test_what_about_after_and_is_still_an_ellipsis():
    history = turns(("user", "When did the AFL-CIO endorse Clinton?"), ("assistant", "In June 2016. [1]"))
    assert rewrite_followup("And what about the NEA?", history) == "When did the NEA endorse Clinton?"
    # A name that begins with a question word is a name.
    assert "Will Hurd" in rewrite_followup("What about Will Hurd?", history)


def test_they_is_never_a_peoples_adjective():
    history = turns(
        ("user", "Which Ukrainian lawmaker met Michael Cohen?"),
        ("assistant", "Ukrainian lawmaker Andrii Artemenko met Michael Cohen and the Kremlin. [1]"),
    )
    assert not rewrite_followup("What did they discuss?", history).startswith("What did Ukrainian")


def test_it_prefers_an_organisation():
    history = turns(("user", "Who leads the AFL-CIO?"), ("assistant", "Richard Trumka leads it."))
    assert (
        rewrite_followup("How many members does it have?", history)
        == "How many members does the AFL-CIO have?"
    )


def test_a_person_can_come_from_the_answer():
    history = turns(
        ("user", "Who is the president of the AFL-CIO?"), ("assistant", "AFL-CIO president Richard Trumka.")
    )
    assert "Richard Trumka" in rewrite_followup("When did he announce neutrality?", history)


def test_two_pronoun_families_get_two_entities():
    history = turns(("user", "Did Nikki Budzinski brief John Podesta?"), ("assistant", "Yes."))
    rewritten = rewrite_followup("What did she tell him?", history)
    assert rewritten == "What did Nikki Budzinski tell John Podesta?"


def test_chains_of_follow_ups_keep_their_subject():
    history = turns(
        ("user", "Who is Tom Buffenbarger?"),
        ("assistant", "x"),
        ("user", "When did he retire?"),
        ("assistant", "y"),
    )
    assert rewrite_followup("Why did he leave?", history) == "Why did Tom Buffenbarger leave?"


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("And the NEA?", "When did the NEA endorse Clinton?"),
        ("What about the IAM?", "When did the IAM endorse Clinton?"),
        ("How about Sanders?", "When did the AFL-CIO endorse Sanders?"),
    ],
)
def test_elliptical_questions_reuse_the_previous_one(follow_up, expected):
    history = turns(("user", "When did the AFL-CIO endorse Clinton?"), ("assistant", "In June."))
    assert rewrite_followup(follow_up, history) == expected


def test_entities_skip_question_words_and_titles():
    names = [e.text for e in find_entities("When did Mr Podesta meet Sen. Bernie Sanders in New York City?")]
    assert names == ["Podesta", "Bernie Sanders", "New York City"]


def test_the_api_returns_the_rewritten_query(client):
    body = client.post(
        "/v1/ask",
        json={
            "question": "When did he announce that it would stay neutral?",
            "history": turns(("user", "Who is Richard Trumka?"), ("assistant", "AFL-CIO president.")),
        },
    ).json()
    assert body["query"] == "When did Richard Trumka announce that AFL-CIO would stay neutral?"
    assert body["grounded"] and "Feb. 17" in body["answer"]


def test_a_who_answer_is_what_he_means_next():
    history = turns(
        ("user", "Who won the Iditarod in 2017?"),
        ("assistant", "Mitch Seavey won the race in Nome, Missouri-born rivals behind him. [1]"),
    )
    assert rewrite_followup("How old was he?", history) == "How old was Mitch Seavey?"


def test_a_recognizer_keeps_places_out_of_person_pronouns():
    history = turns(
        ("user", "Which musher finished first?"),
        ("assistant", "Missouri sent three teams; Dallas Seavey finished first. [1]"),
    )
    labels = {"Missouri": "GPE", "Dallas Seavey": "PERSON"}.copy
    assert rewrite_followup("How old was he?", history, lambda text: labels()) == "How old was Dallas Seavey?"


def test_when_was_that_asks_about_the_event_the_previous_question_names():
    history = turns(
        ("user", "Who offered a jet to get Clinton to the endorsement dinner?"),
        ("assistant", "Tom Buffenbarger offered a jet to get her there. [1]"),
    )
    assert rewrite_followup("When was that?", history) == "When was the endorsement dinner?"


@pytest.mark.parametrize(
    ("asked", "follow_up", "expected"),
    [
        (
            "How many people were injured in the March 2017 shooting at the Cameo nightclub in Cincinnati?",
            "When did this happen?",
            "When did the March 2017 shooting at the Cameo nightclub happen?",
        ),
        (
            "Where in India did the Dalai Lama preside over the Emory-Tibet Symposium in December 2016?",
            "When did that end?",
            "When did the Emory-Tibet Symposium in December 2016 end?",
        ),
        (
            "What did Trump say at Mar-a-Lago's New Year's Eve gala?",
            "Where was that?",
            "Where was Mar-a-Lago's New Year's Eve gala?",
        ),
        (
            "Who won the 2017 Iditarod sled dog race?",
            "When was that?",
            "When was the 2017 Iditarod sled dog race?",
        ),
        (
            "Who called for the vote on the health care bill?",
            "When was that?",
            "When was the vote on the health care bill?",
        ),
        ("Which senators boycotted hearings?", "When was that?", "When were the hearings?"),
        (
            "Who led the women's march in Washington?",
            "Where was that?",
            "Where was the women's march in Washington?",
        ),
    ],
)
def test_when_or_where_of_that_names_the_event_with_its_place_and_date(asked, follow_up, expected):
    assert after(asked, "Nobody said. [1]", follow_up) == expected


@pytest.mark.parametrize(
    "asked",
    [
        "Who did Trump meet in March?",  # a month, not a march
        "Why did Trump fire Comey?",  # a verb, not a fire
        "Did North Korea launch a missile?",
        "What did the Republican party announce?",  # a party is no event
    ],
)
def test_a_question_naming_no_event_keeps_the_previous_question_for_that(asked):
    assert after(asked, "Nobody said. [1]", "When was that?").startswith("When was that: ")


def test_that_means_the_previous_question_with_its_answer_filled_in_when_it_names_no_event():
    history = turns(
        ("user", "Who offered a jet to get Clinton to Washington?"),
        ("assistant", "Tom Buffenbarger offered a jet to get her there. [1]"),
    )
    assert rewrite_followup("When was that?", history) == (
        "When was that: Tom Buffenbarger offered a jet to get Clinton to Washington?"
    )


def test_the_issues_follow_up_is_answered_with_the_dinners_date(sample_engine):
    first = "Who offered a jet to get Clinton to the endorsement dinner?"
    answer = sample_engine.ask(first)
    history = turns(("user", first), ("assistant", answer.answer))
    follow_up = sample_engine.ask("When was that?", history=history)
    assert follow_up.grounded, follow_up.answer
    assert "dinner" in follow_up.answer and "August 14" in follow_up.answer


def test_a_refusal_lends_no_names():
    history = turns(
        ("user", "Who won the 2017 Eurovision Song Contest?"),
        ("assistant", "The articles do not contain an answer to this question."),
    )
    assert rewrite_followup("What happened then?", history) == (
        "What happened then: Who won the 2017 Eurovision Song Contest?"
    )
    # The event it names is asked about all the same.
    assert rewrite_followup("When was that?", history) == "When was the 2017 Eurovision Song Contest?"


def test_a_which_question_is_answered_by_the_name_that_he_then_means_and_dates_are_nobody():
    history = turns(
        ("user", "Which rock 'n' roll pioneer was found dead at his home in Missouri in March 2017?"),
        ("assistant", "US singer Chuck Berry, a pioneer of rock-and-roll, died in March at 90. [1]"),
    )
    labels = {"Missouri": "GPE", "March": "DATE", "Chuck Berry": "PERSON", "US": "GPE"}
    assert rewrite_followup("How old was he?", history, lambda text: labels) == "How old was Chuck Berry?"


def test_a_short_follow_up_that_names_nothing_is_about_the_previous_turn():
    history = turns(
        ("user", "Who was confirmed as US education secretary in February 2017?"),
        ("assistant", "Betsy DeVos was confirmed after Mike Pence broke the tie. [1]"),
    )
    labels = {"US": "GPE", "February 2017": "DATE", "Betsy DeVos": "PERSON", "Mike Pence": "PERSON"}
    assert rewrite_followup("What was the final vote?", history, lambda text: labels) == (
        "What was the final vote: Betsy DeVos was confirmed as US education secretary in February 2017?"
    )


def test_a_follow_up_that_points_back_at_a_noun_is_about_the_previous_turn_at_any_length():
    history = turns(
        ("user", "Which carmaker was developing self-driving cars with Uber?"),
        ("assistant", "Volvo has been working with Uber on self-driving cars since last year. [1]"),
    )
    labels = {"Uber": "ORG", "Volvo": "ORG"}
    rewritten = rewrite_followup(
        "By what year are those cars meant to be on sale?", history, lambda t: labels
    )
    assert rewritten.startswith("By what year are those cars meant to be on sale: ")
    assert "Volvo" in rewritten
    assert asked_part(rewritten) == "By what year are those cars meant to be on sale?"
    # Naming its own subject, with no noun pointed back at, it stands alone.
    standalone = "When did Uber start testing driverless taxis in Pittsburgh?"
    assert rewrite_followup(standalone, history, lambda t: labels) == standalone
    # Nor when it names what the previous turn did not, or says whom it means ("those arrested").
    own_labels = {"Dutch": "NORP", "March 2017": "DATE", "Volvo": "ORG"}
    for own in (
        "Which of these three parties won the Dutch election in March 2017?",
        "How many of those arrested in the raid had worked for Volvo before?",  # says whom it means
        "Did the share price rise at the same time as the sales figures?",
    ):
        assert rewrite_followup(own, history, lambda t: own_labels) == own


def test_the_turn_a_follow_up_carries_opens_with_a_capital_so_that_the_judge_can_find_its_own_words():
    history = turns(
        ("user", "Which carmaker was developing self-driving cars with Uber?"),
        ("assistant", "the Volvo company has been working with Uber since last year. [1]"),
    )
    labels = {"the Volvo company": "ORG", "Uber": "ORG"}
    rewritten = rewrite_followup("What happened then?", history, lambda t: labels)
    asked, _, carried = rewritten.partition(": ")
    assert asked == "What happened then" and carried.startswith("The Volvo")
    assert asked_part(rewritten) == "What happened then?"


def test_the_person_the_answer_is_about_beats_a_full_name_it_mentions_in_passing():
    history = turns(
        ("user", "Who was elected German president by the Federal Assembly in February 2017?"),
        (
            "assistant",
            "A seasoned Social Democrat, Steinmeier had the support of Chancellor Angela Merkel's "
            "coalition. [1] "
            '"I would like to be a counterweight," Steinmeier, 61, said before the election. [1]',
        ),
    )
    # The small spaCy model's own labels: Steinmeier as a work of art; his age says he is a person.
    labels = {"Steinmeier": "WORK_OF_ART", "Angela Merkel's": "PERSON", "Social Democrat": "NORP"}
    assert rewrite_followup("How many votes did he get?", history, lambda text: labels) == (
        "How many votes did Steinmeier get?"
    )


def test_a_month_inside_a_labelled_date_is_nobody():
    labels = {"February 2017": "DATE", "German": "NORP"}
    found = find_entities("Who was elected German president in February 2017?", lambda text: labels)
    assert [e.text for e in found] == ["German"]


def test_a_place_that_shares_a_persons_name_stays_a_place():
    history = turns(
        ("user", "Where did Michael Jordan travel in May?"),
        ("assistant", "Michael Jordan arrived in Jordan on Monday; officials in Jordan hosted him. [1]"),
    )
    labels = {"Michael Jordan": "PERSON", "Jordan": "GPE", "Monday": "DATE", "May": "DATE"}
    assert rewrite_followup("What did its king say?", history, lambda text: labels) == (
        "What did Jordan's king say?"
    )


def test_an_unanswered_who_question_lends_not_the_person_it_names_but_its_event():
    nominee = "Whom did Trump nominate to the Supreme Court seat left vacant by Antonin Scalia?"
    assert after(nominee, REFUSED, "When were his confirmation hearings?") == (
        f"When were his confirmation hearings: {nominee}"
    )
    # Asked about by name, the person stays who "he" means, answered or not.
    assert (
        after("Who is Tom Buffenbarger?", REFUSED, "What was his role?")
        == "What was Tom Buffenbarger's role?"
    )


def test_an_answer_naming_nobody_for_a_which_person_question_leaves_he_unknown():
    # "he" is the employee asked about, whom the answer does not name; not the murdered man both name.
    labels = {
        "Air Koryo": "ORG", "Kim Jong Nam": "PERSON", "Kim Jong-nam": "PERSON", "Malaysian": "NORP",
        "North Korean": "NORP",
    }  # fmt: skip
    asked = "Which Air Koryo employee is wanted over Kim Jong Nam's murder?"
    answered = (
        "Malaysian police have issued an arrest warrant for an employee of North Korean airline Air Koryo in"
        " connection with the murder of Kim Jong-nam. [1]"
    )
    assert after(asked, answered, "How old is he?", labels) == f"How old is he: {asked}"
    # ... though the short-answer finder reads the question's own person as the answer's name.
    found = ("Kim Jong-nam", "PERSON")
    assert after(asked, answered, "How old is he?", labels, found) == f"How old is he: {asked}"
    # An answer whose subject is the question's person, not a nameless one of the asked kind, keeps him.
    lawyer = "Which lawyer represents Harvey Weinstein?"
    denies = "Weinstein's lawyer said his client denies the claims. [1]"
    weinstein = {"Harvey Weinstein": "PERSON", "Weinstein": "PERSON"}
    assert after(lawyer, denies, "Has he been charged?", weinstein) == "Has Harvey Weinstein been charged?"
    # A lower-case word of the question names no one: "Rice" is a new person.
    rice = "Which lawmaker wants to ban the export of rice?"
    bill = "Rice, a Republican from South Carolina, introduced the bill. [1]"
    senator = {"Rice": "PERSON", "Republican": "NORP", "South Carolina": "GPE"}
    assert after(rice, bill, "When did he introduce it?", senator) == "When did Rice introduce it?"
    # An answer that names the employee lends the name.
    named = "Police want Kim Uk Il, an Air Koryo employee, over the murder of Kim Jong Nam. [1]"
    labels["Kim Uk Il"] = "PERSON"
    assert after(asked, named, "How old is he?", labels) == "How old is Kim Uk Il?"


def test_instead_means_instead_of_the_one_the_last_answer_named():
    labels = {"Trump": "PERSON", "Andrew Puzder": "PERSON", "US": "GPE", "February 2017": "DATE"}
    asked = "Which nominee for US labor secretary withdrew in February 2017?"
    answered = "Trump's first nominee for secretary of labor, Andrew Puzder, formally withdrew. [1]"
    assert after(asked, answered, "Who did Trump pick instead?", labels) == (
        "Who did Trump pick instead of Andrew Puzder?"
    )


@pytest.mark.parametrize(
    ("asked", "answered", "expected"),
    [
        (
            "Which company announced plans to fly two private citizens around the moon?",
            "Elon Musk said SpaceX has been approached to fly two private citizens. [1]",
            "SpaceX, the company announced plans to fly two private citizens around the moon",
        ),
        (
            "Whom did Trump choose to lead the opioid commission?",
            "Trump picked Chris Christie to lead it. [1]",
            "Chris Christie, whom did Trump choose to lead the opioid commission",
        ),
    ],
)
def test_the_event_a_follow_up_leans_on_carries_the_name_the_answer_gave(asked, answered, expected):
    labels = {"SpaceX": "ORG", "Elon Musk": "PERSON", "Trump": "PERSON", "Chris Christie": "PERSON"}
    assert after(asked, answered, "When was that?", labels) == f"When was that: {expected}?"


def test_a_weekday_after_a_name_is_when_not_who():
    found = find_entities("South Korea's Constitutional Court removed Park Geun-hye Friday.")
    assert "Park Geun-hye" in [e.text for e in found]


def test_the_name_an_answer_gives_is_the_one_nearest_the_questions_words():
    from service.judge.direct_answer import EntityFinder

    finder = EntityFinder()
    history = turns(
        ("user", "Who was confirmed as US education secretary in February 2017?"),
        (
            "assistant",
            "Vice President Mike Pence cast the deciding vote. [1] Pence said it was an honour. [1] "
            "Billionaire Betsy DeVos was confirmed as education secretary on Tuesday. [2]",
        ),
    )
    assert rewrite_followup("How old is she?", history, finder.labels, finder.short_answer) == (
        "How old is Betsy DeVos?"
    )
    assert rewrite_followup("What was the vote?", history, finder.labels, finder.short_answer) == (
        "What was the vote: Betsy DeVos was confirmed as US education secretary in February 2017?"
    )


def test_a_short_answer_grows_to_the_fullest_name_the_answer_gives():
    answered = "Zuma resigned late on Wednesday. [1] President Jacob Zuma had led since 2009. [1]"
    labels = {"Zuma": "PERSON", "Jacob Zuma": "PERSON", "Wednesday": "DATE", "2009": "DATE"}
    rewritten = after("Which president resigned?", answered, "How old is he?", labels, ("Zuma", "PERSON"))
    assert rewritten == "How old is Jacob Zuma?"


def test_instead_after_a_when_question_names_nothing():
    answered = "The vote was held on 7 February. [1]"
    rewritten = after(
        "When was the vote held?", answered, "What did they do instead?", {}, ("7 February", "DATE")
    )
    assert "instead of" not in rewritten


def test_it_after_a_who_question_means_what_the_question_was_about_not_the_answers_aside():
    from service.judge.direct_answer import EntityFinder

    finder = EntityFinder()
    history = turns(
        ("user", "Who was RadioShack's chief executive when it filed for bankruptcy in 2017?"),
        (
            "assistant",
            "RadioShack President and Chief Executive Officer Dene Rogers said the retailer had made"
            " progress. [1] Sprint will convert several hundred locations into Sprint stores. [2]",
        ),
    )
    assert rewrite_followup(
        "How many stores did it say it would close?", history, finder.labels, finder.short_answer
    ) == ("How many stores did RadioShack say RadioShack would close?")
    assert (
        rewrite_followup("How old is he?", history, finder.labels, finder.short_answer)
        == "How old is Dene Rogers?"
    )


def test_it_means_an_event_or_body_before_a_place_and_never_a_nationality():
    labels = {"India": "GPE", "the Emory-Tibet Symposium": "FAC", "Dalai Lama": "PERSON"}
    asked = "Where in India did the Dalai Lama preside over the Emory-Tibet Symposium?"
    answered = "He presided over the Emory-Tibet Symposium in Mundgod, India. [1]"
    assert after(asked, answered, "When did it end?", labels) == "When did the Emory-Tibet Symposium end?"
    # A country is still "its" when nothing else is at hand.
    assert after("Who leads France?", "Emmanuel Macron. [1]", "What is its capital?", {"France": "GPE"}) == (
        "What is France's capital?"
    )
    rewritten = after("Which Polish leader resigned?", "X. [1]", "When was it?", {"Polish": "NORP"})
    assert "Polish" not in rewritten.split(":")[0]
    # "Where did it happen?" is never Turkey's: the previous turn explains "it".
    asked = "Which Russian pilot was killed after the Su-24 was shot down by Turkey in 2015?"
    assert after(asked, REFUSED, "Where did it happen?", {"Turkey": "GPE", "Russian": "NORP"}) == (
        f"Where did it happen: {asked}"
    )


def test_they_means_the_groups_the_question_named_not_a_place_or_the_answers_aside():
    labels = {"Herero": "ORG", "Nama": "GPE", "Germany": "GPE", "New York": "GPE", "Deutsche Bank": "ORG"}
    asked = "Which lawyer represents the Herero and Nama leaders suing Germany in New York?"
    answered = "The plaintiffs' lawyer, Kenneth McCallion, also sued Deutsche Bank. [1]"
    rewritten = after(asked, answered, "What are they demanding?", labels, ("Kenneth McCallion", "PERSON"))
    assert rewritten == "What are the Herero and Nama demanding?"
    labels = {"Russian": "NORP", "Palestinians": "NORP"}
    assert after("Why did Russian hackers do it?", "x", "When did they meet?", labels).startswith(
        "When did they meet: "
    )
    assert after("Why did the Palestinians protest?", "x", "When did they meet?", labels) == (
        "When did the Palestinians meet?"
    )


def test_a_which_thing_question_is_answered_by_the_first_name_whatever_the_recognizer_calls_it():
    # The small recognizer calls the unknown retailer a person, and "Luxury" opens the sentence.
    labels = {"Tripidi": "PERSON", "Frankfurt Airport": "FAC", "Alipay": "PERSON", "Europe": "LOC"}
    asked = "Which retailer was the first in Europe to accept Alipay?"
    answered = "Luxury retailer Tripidi at Frankfurt Airport became the first to accept Alipay in 2015. [1]"
    assert after(asked, answered, "Where is it based?", labels) == "Where is Tripidi based?"
    assert after(asked, answered, "When did that happen?", labels) == (
        "When did that happen: Tripidi, the retailer was the first in Europe to accept Alipay?"
    )


def test_a_capital_that_only_opens_a_sentence_is_no_name_to_a_recognizer():
    found = find_entities(
        "Veteran musher Mitch Seavey won. Luxury retailer Tripidi opened.",
        lambda t: {"Mitch Seavey": "PERSON", "Tripidi": "ORG"},
    )
    assert [e.text for e in found] == ["Mitch Seavey", "Tripidi"]
    # Without a recognizer nothing tells a name from a capital, so both stay.
    assert "Veteran" in [e.text for e in find_entities("Veteran musher Mitch Seavey won.")]


def test_a_subject_and_an_object_of_one_gender_are_two_people():
    asked = "Who urged Hillary Clinton to call Trumka and apologize?"
    answered = "National political director Amanda Renteria was urging Hillary Clinton to call Trumka. [1]"
    labels = {"Amanda Renteria": "PERSON", "Hillary Clinton": "PERSON", "Trumka": "PERSON"}
    rewritten = after(
        asked, answered, "Why did she want her to apologize?", labels, ("Amanda Renteria", "PERSON")
    )
    assert rewritten == "Why did Amanda Renteria want Hillary Clinton to apologize?"
    # A possessive "her" is the subject's own.
    assert after(asked, answered, "Why did she change her mind?", labels, ("Amanda Renteria", "PERSON")) == (
        "Why did Amanda Renteria change Amanda Renteria's mind?"
    )


def test_they_is_never_one_person():
    asked = "How many unions signed the statement reaffirming support for Clinton?"
    answered = "More than 20 unions are releasing a statement reaffirming support for Mrs. Clinton. [1]"
    rewritten = after(asked, answered, "How many workers do they represent?", {"Clinton": "PERSON"})
    assert rewritten == f"How many workers do they represent: {asked}"


def test_he_and_him_apart_in_a_question_are_one_man():
    asked, answered = "Who won the Iditarod?", "Mitch Seavey won, beating his son Dallas Seavey. [1]"
    labels = {"Mitch Seavey": "PERSON", "Dallas Seavey": "PERSON", "Iditarod": "EVENT"}
    rewritten = after(
        asked, answered, "Did officials fine him after he won?", labels, ("Mitch Seavey", "PERSON")
    )
    assert rewritten == "Did officials fine Mitch Seavey after Mitch Seavey won?"


def test_it_may_be_the_place_a_which_country_question_was_answered_with():
    labels = {"Portugal": "GPE", "Eurovision": "EVENT", "2017": "DATE"}
    asked, answered = "Which country won Eurovision in 2017?", "Portugal won the contest. [1]"
    rewritten = after(asked, answered, "How many times has it won?", labels, ("Portugal", "GPE"))
    assert rewritten == "How many times has Portugal won?"


def test_a_capital_after_a_citation_marker_opens_a_sentence_too():
    found = find_entities(
        "It made progress. [1] Luxury retailer Tripidi opened.", lambda t: {"Tripidi": "ORG"}
    )
    assert [e.text for e in found] == ["Tripidi"]


def test_it_may_be_a_landmark_and_a_title_before_a_person_keeps_the_person():
    labels = {"the Eiffel Tower": "LOC", "Paris": "GPE"}
    asked = "How tall will the glass wall planned around the Eiffel Tower be?"
    answered = "The Eiffel Tower in Paris is to have a 2.5m-high wall of glass. [1]"
    assert after(asked, answered, "How old is it?", labels) == "How old is the Eiffel Tower?"
    labels = {"Brazil": "GPE", "Agriculture": "ORG", "Blairo Maggi": "PERSON"}
    found = find_entities(
        "Brazil fears it may lose markets, Agriculture Minister Blairo Maggi said.", lambda t: labels
    )
    assert [(e.text, e.kind) for e in found] == [
        ("Brazil", "group"),
        ("Agriculture Minister Blairo Maggi", "person"),
    ]


def test_after_a_where_question_a_one_word_person_is_the_place_misread_not_he():
    labels = {"Lampedusa": "PERSON", "UNHCR": "ORG"}
    rewritten = after(
        "Where was the sole survivor of the migrant raft taken?",
        "The boy was the only one to survive, the UNHCR said. He was taken to Lampedusa. [1]",
        "How old was he?",
        labels,
    )
    assert "Lampedusa" not in rewritten
    assert rewritten.startswith("How old was he: Where was the sole survivor")
    # A surname the answer gives as who was found there is still who "he" is.
    labels = {"Amri": "PERSON", "Milan": "GPE", "Berlin": "GPE", "Italian": "NORP"}
    assert (
        after(
            "Where was the Berlin attack suspect shot dead?",
            "Italian police shot Amri dead in Milan. [1]",
            "How old was he?",
            labels,
        )
        == "How old was Amri?"
    )


def test_the_name_a_follow_up_means_comes_from_the_answers_lead_passage():
    from service.judge.direct_answer import EntityFinder

    answer = (
        "Morocco's king has named Saad Eddine El Othmani from the PJD as the country's new prime minister."
        " [1] The king said he would replace Abdelilah Benkirane as prime minister. [2]"
    )
    name = EntityFinder().short_answer("Who is Morocco's new prime minister?", answer)
    assert name == ("Saad Eddine El Othmani", "PERSON")
    # The lead's vague date does not outrank a later full one.
    vote = "The vote took place on Tuesday. [1] It was set on June 2, 2017 by the board. [2]"
    assert EntityFinder().short_answer("When did the vote take place?", vote) == ("June 2, 2017", "DATE")


def test_a_name_the_answer_gives_in_the_possessive_stands_for_he_without_it():
    asked = "Which former Penn State president was convicted of child endangerment?"
    answered = "Graham Spanier's lawyers said he would appeal. [1]"
    labels = {"Graham Spanier's": "PERSON", "Penn State": "ORG"}
    assert after(asked, answered, "How old is he?", labels) == "How old is Graham Spanier?"


def test_the_company_after_which_company_is_the_company_answered():
    asked = "Which company priced its IPO at $17 a share in March 2017?"
    answered = "Snap Inc priced its initial public offering above its target range. [1]"
    labels = {"Snap Inc": "ORG"}
    rewritten = after(asked, answered, "In which city is the company based?", labels, ("Snap Inc", "ORG"))
    assert rewritten == "In which city is Snap Inc based?"
    # Another kind of thing is left alone.
    bank = after(asked, answered, "Who led the bank?", labels, ("Snap Inc", "ORG"))
    assert not bank.startswith("Who led Snap")
    # The answer's name must be of the kind asked: a company's CEO is no company.
    ceo = "Which company's CEO resigned?"
    resigned = "Uber's chief executive Travis Kalanick resigned. [1]"
    labels = {"Uber": "ORG", "Travis Kalanick": "PERSON"}
    rewritten = after(ceo, resigned, "Who will run the company now?", labels, ("Travis Kalanick", "PERSON"))
    assert not rewritten.startswith("Who will run Travis Kalanick")


def test_there_after_a_question_for_a_place_is_the_place_answered():
    asked = "In which Japanese prefecture did an avalanche kill seven high school students?"
    answered = "About 62 students were in Tochigi Prefecture when the avalanche hit. [1]"
    labels = {"Tochigi Prefecture": "GPE"}
    given = ("Tochigi Prefecture", "GPE")
    school = after(asked, answered, "Which school there did most of the victims attend?", labels, given)
    assert school == "Which school in Tochigi Prefecture did most of the victims attend?"
    # "Were there ...?" points at no place, and after a question for no place "there" is left to the rules.
    assert "Tochigi" not in after(asked, answered, "Were there any survivors?", labels, given)
    who = "Who won the 2017 Iditarod?"
    assert "Nome" not in after(
        who, "Mitch Seavey won in Nome. [1]", "Who else was there?", {}, ("Nome", "GPE")
    )


def test_where_did_it_happen_asks_about_the_previous_turns_event_not_a_body_it_named():
    asked = "Which FDNY emergency medical technician was killed when a man stole her ambulance?"
    answered = "The FDNY is mourning an emergency medical technician who was run over. [1]"
    rewritten = after(asked, answered, "In which borough did it happen?", {"FDNY": "ORG"})
    assert rewritten == f"In which borough did it happen: {asked}"


def test_the_asked_part_of_a_follow_up_leaves_the_previous_turn_out():
    from service.retrieve.followups import asked_part

    asked = "How many projects did he say had been concluded"
    query = after("Who was the EU spokesman who defended the deal?", REFUSAL, f"{asked}?")
    assert query == f"{asked}: Who was the EU spokesman who defended the deal?"
    assert asked_part(query) == f"{asked}?"
    assert asked_part("Who said: 'we will win'?") == "Who said: 'we will win'?"
    assert asked_part("How much did Avengers: Endgame make?") == "How much did Avengers: Endgame make?"
    assert asked_part("What was the cause of death: Chuck Berry died?") == "What was the cause of death?"
    assert asked_part("When did it start?") == "When did it start?"


def test_they_after_which_two_people_are_the_people_answered():
    asked = "Which two Weather Channel contractors died in a car crash in Texas?"
    answered = (
        "Two contractors for the Weather Channel, Kelley Williamson and Randy Yarnall, died. [1]"
        " Kelley and Randy were storm chasers. [1]"
    )
    labels = {"Weather Channel": "ORG", "Kelley Williamson": "PERSON", "Randy Yarnall": "PERSON"}
    labels |= {"Kelley": "PERSON", "Randy": "PERSON"}
    assert after(asked, answered, "Which Missouri town were they from?", labels) == (
        "Which Missouri town were Kelley Williamson and Randy Yarnall from?"
    )
    # Two countries are no people, whoever the answer names beside them.
    countries = "Which two countries signed the deal?"
    signed = "Vladimir Putin and Recep Tayyip Erdogan signed for Russia and Turkey. [1]"
    labels = {"Vladimir Putin": "PERSON", "Recep Tayyip Erdogan": "PERSON", "Russia": "GPE", "Turkey": "GPE"}
    assert "Putin and" not in after(countries, signed, "When did they sign it?", labels)


def test_the_two_of_them_are_the_person_answered_and_the_person_asked_about():
    asked = "Which Ukrainian lawmaker says he gave Michael Cohen a Ukraine peace plan?"
    answered = "Ukrainian lawmaker Andrii Artemenko said he discussed his proposal with Michael Cohen. [1]"
    labels = {"Ukrainian": "NORP", "Michael Cohen": "PERSON", "Ukraine": "GPE", "Andrii Artemenko": "PERSON"}
    found = ("Andrii Artemenko", "PERSON")
    assert after(asked, answered, "Who introduced the two of them?", labels, found) == (
        "Who introduced Andrii Artemenko and Michael Cohen?"
    )
    # ... though the answer names another new person apart.
    lawyer = (
        "Ukrainian lawmaker Andrii Artemenko said he discussed his proposal with US President Donald Trump's"
        " personal lawyer Michael Cohen. [1]"
    )
    labels |= {"US": "GPE", "Donald Trump": "PERSON"}
    assert after(asked, lawyer, "Who introduced the two of them?", labels, found) == (
        "Who introduced Andrii Artemenko and Michael Cohen?"
    )
    # An answer naming two new people together names the pair itself.
    killed = "Who killed Kim Jong Nam?"
    women = "Siti Aisyah and Doan Thi Huong smeared VX on his face. [1]"
    labels = {"Kim Jong Nam": "PERSON", "Siti Aisyah": "PERSON", "Doan Thi Huong": "PERSON", "VX": "ORG"}
    assert after(killed, women, "Where were the two women arrested?", labels) == (
        "Where were Siti Aisyah and Doan Thi Huong arrested?"
    )
    # Without a second person in the question or in the answer there is no pair to name.
    alone = "Which Ukrainian lawmaker proposed a peace plan?"
    proposed = "Ukrainian lawmaker Andrii Artemenko proposed it. [1]"
    lawmaker = {"Ukrainian": "NORP", "Andrii Artemenko": "PERSON"}
    met = after(alone, proposed, "When did the two of them meet?", lawmaker, found)
    assert "Andrii Artemenko and" not in met


def test_they_after_how_many_are_the_ones_counted():
    asked = "How many Palestinians were killed in the Gaza tunnel air strike?"
    answered = "Two Palestinian civilians were killed in an air strike on a tunnel. [1]"
    assert (
        after(asked, answered, "Who were they?")
        == "Who were the Palestinians killed in the Gaza tunnel air strike?"
    )
    officers = "How many police officers were suspended over the arrest?"
    assert after(officers, "Four were. [1]", "What were their names?") == (
        "What were the names of the police officers suspended over the arrest?"
    )
    # Only who they were: "Did they win a majority?" keeps the usual rules, as does a count of things done.
    seats = "How many seats were won by the Conservatives?"
    assert "the seats won" not in after(seats, "331 seats. [1]", "Did they win a majority?")
    assert after("How many seats did the VVD win?", "33 seats. [1]", "Who were they?") != (
        "Who were the seats did the VVD win?"
    )
