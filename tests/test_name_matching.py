"""An article names what a question asks about under any of the spellings news uses."""

import pytest

from service.judge.answerability import QuestionName, context_names, missing_names_share, question_names
from service.judge.evidence import EvidenceSentence
from service.judge.evidence_judge import named_by_acronym, scored_text
from service.judge.name_matching import mentions_name


@pytest.mark.parametrize(
    ("text", "name", "named"),
    [
        ("According to the U.S. Centers for Disease Control", "US", True),
        ("Americans were told on Monday", "US", False),  # "Americans" is not "American"
        ("the American health agency said", "US", True),
        ("Murders were up 31% according to the CSO.", "Central Statistics Office", True),
        ("the Confederation of African Football elected Ahmad", "CAF", True),
        ("Irish murders rose last year", "Ireland", True),
        ("a meeting in Berlin", "Ireland", False),
        ("tell us what happened", "US", False),  # "us" is not the US
        ("the British government", "UK", True),
        ("Kim Jong-nam was killed", "Kim Jong-nam", True),
        # A hyphen between a name's parts is written as a space as often, and the other way.
        ("Kim Jong Nam was killed", "Kim Jong-nam", True),
        ("no evidence to charge Ri Jong Chol", "Ri Jong-chol", True),
        ("Moon Jae-in won", "Moon Jae In", True),
        ("Fianna Fáil justice spokesperson Jim O'Callaghan", "Fianna Fail", True),  # accents aside
        ("Beyonce announced her pregnancy", "Beyoncé", True),
        ("Fianna Fáil justice spokesperson", "Sinn Féin", False),
        # A chamber after its first mention; not a family's house, not the White House, not another chamber.
        ("The House voted 215-205 to reject the rule.", "House of Representatives", True),
        ("MPs in the Commons voted 494 to 122.", "House of Commons", True),
        ("The White House said the house was empty.", "House of Representatives", False),
        ("The House of Lords voted against it.", "House of Representatives", False),
        ("Apple™ said on Monday", "Apple", True),
        ("in the southern-German town of Arnstein", "German", True),  # a lower-case prefix hangs on
        ("the statement backing Clinton", "pro-Clinton", True),
        ("Kim Jong-un said", "Un", False),
        ("Samsung introduced the Galaxy S22 in February", "Galaxy S23", False),  # no initials for a model
        ("Team USA finished the Tokyo Olympics with 113 medals", "US", True),
        ("USA Today reported", "United States", True),
        ("The Australian team gave us a scare", "USA", False),  # aliases in capitals, as acronyms
        ("Let us move on, the coach said", "United States", False),
        ("Union Station was closed", "America", False),  # an alias has no initials
        ("The UN Security Council met", "America", False),
    ],
)
def test_a_name_is_found_under_its_other_spellings(text, name, named):
    assert mentions_name(text, name) is named


def test_a_person_is_not_found_by_initials():
    assert not mentions_name("Addie Maurine Schmeltekopf, 84", "Mitch Seavey", person=True)
    assert not mentions_name("the MS society said", "Mitch Seavey", person=True)
    assert mentions_name("Mitch  Seavey won", "Mitch Seavey", person=True)
    article = "Texas church bus crash\n\nAddie Maurine Schmeltekopf, 84, was among the dead."
    assert missing_names_share(question_names("How old was Mitch Seavey?"), article) == 1.0


def test_an_article_about_irish_crime_names_what_the_question_asks_about():
    question = (
        "By what percentage did murders in Ireland rise in 2016, according to the Central Statistics Office?"
    )
    article = "Irish crime figures\n\nMurders were up 31% in 2016, according to the CSO."
    assert missing_names_share(question_names(question), article) == 0.0
    assert missing_names_share(question_names(question), "Murders were up in France.") == 1.0


def test_a_passage_takes_places_and_the_person_it_points_back_to_from_its_article():
    article = "Iditarod winner\n\nMitch Seavey won in Nome, Alaska. The 57-year-old musher broke the record."
    seavey = QuestionName("Mitch Seavey", person=True, place=None)
    alaska = QuestionName("Alaska", person=False, place=None, where=True)
    pac = QuestionName("People's PAC", person=False, place=None)
    points_back = "The 57-year-old musher broke the record."
    assert context_names([seavey, alaska], points_back, article) == [seavey, alaska]
    # A passage that opens with its own subject is not about the question's person; a group is never lent.
    assert context_names([seavey], "Nome welcomed the teams.", article) == []
    assert context_names([seavey], "Heavy snow slowed the teams.", article) == []
    assert context_names([pac], points_back, article + " People's PAC raised money.") == []
    # An age before a verb stands for a person too; an age before a thing does not.
    hamon = QuestionName("Benoit Hamon", person=True, place=None)
    primary = "Benoit Hamon won the primary. The 49-year-old supports a universal basic income."
    assert context_names([hamon], "The 49-year-old supports a universal basic income.", primary) == [hamon]
    assert context_names([hamon], "The 150-year-old building burned.", primary) == []
    assert context_names([hamon], "The 150-year-old buildings were gutted.", primary) == []
    assert context_names([hamon], "The 5-year-old was pulled from the rubble.", primary) == []
    assert context_names([hamon], "The 49-year-old, who won the primary, spoke.", primary) == [hamon]
    # A name the article never mentions is not lent either: that is the wrong story.
    assert context_names([seavey], points_back, "The 57-year-old musher broke the record.") == []
    # A place the story only passes through, once and after its lead, is not where the story is set.
    nevada = QuestionName("Nevada", person=False, place=None, where=True)
    unions = "Unions backed Clinton. " + "The federation met. " * 30 + "Nevada caucus polls agreed."
    shy = "Mrs. Clinton was roughly one million votes shy of this total."
    assert context_names([nevada], shy, unions) == []
    assert context_names([nevada], shy, unions + " Nevada voted early.") == [nevada]


def _sentence_of(article: str, passage: str, title: str) -> EvidenceSentence:
    start = article.index(passage)
    return EvidenceSentence(
        doc_id="a", title=title, start=start, end=start + len(passage), passage_start=start,
        passage=passage, chunk_rank=0, sentence=passage, window=passage, document=article,
    )  # fmt: skip


def test_the_cross_encoder_reads_the_lent_names_but_not_a_person_before_someone_else():
    article = "Iditarod winner\n\nMitch Seavey won. The 57-year-old musher broke the record."
    passage = "The 57-year-old musher broke the record."
    sentence = _sentence_of(article, passage, "Iditarod winner")
    names = [QuestionName("Mitch Seavey", person=True, place=None)]
    assert scored_text(sentence, names) == f"Mitch Seavey. Iditarod winner. {passage}"
    assert scored_text(sentence, names, lambda text: True) == f"Iditarod winner. {passage}"


def test_a_body_named_only_by_its_acronym_is_spelled_out_for_the_cross_encoder():
    article = "Unions\n\nThe National Education Association met. Carrie Pugh, the NEA's director, spoke."
    passage = "Carrie Pugh, the NEA's director, spoke."
    sentence = _sentence_of(article, passage, "Unions")
    nea = QuestionName("National Education Association", person=False, place=None)
    assert scored_text(sentence, [nea]) == f"National Education Association. {passage}"
    # Named in full, or not at all, the passage reads as before.
    full = _sentence_of(article, "The National Education Association met.", "Unions")
    assert scored_text(full, [nea]) == "The National Education Association met."
    other = QuestionName("American Federation of Teachers", person=False, place=None)
    assert named_by_acronym(passage, [other]) == []
    assert named_by_acronym(passage, [nea]) == ["National Education Association"]
    # The other way round: the question's acronym, the passage's full name.
    acronym = QuestionName("NEA", person=False, place=None)
    assert named_by_acronym("The National Education Association met.", [acronym]) == ["NEA"]
    assert named_by_acronym(passage, [acronym]) == []


def test_a_he_after_sentences_about_someone_else_is_not_lent_the_questions_person():
    article = (
        "Penn State\n\nGraham Spanier was convicted. The NCAA erased Paterno's victories."
        " The coach was never charged. He died of cancer in 2012 at age 85."
    )
    passage = "He died of cancer in 2012 at age 85."
    sentence = _sentence_of(article, passage, "Penn State")
    names = [QuestionName("Graham Spanier", person=True, place=None)]
    people = {"Graham Spanier was convicted.": ["Graham Spanier"]}
    people["The NCAA erased Paterno's victories."] = ["Paterno"]
    assert (
        scored_text(sentence, names, people_in=lambda text: people.get(text, [])) == f"Penn State. {passage}"
    )
    # The nearest sentence naming anyone names the question's person: he is that person.
    people["The NCAA erased Paterno's victories."] = ["Graham Spanier"]
    lent = scored_text(sentence, names, people_in=lambda text: people.get(text, []))
    assert lent == f"Graham Spanier. Penn State. {passage}"
    # A quoted speaker in between is no change of subject.
    article = article.replace("The coach was never charged.", "Elizabeth Ainslie said he was never charged.")
    people["Elizabeth Ainslie said he was never charged."] = ["Elizabeth Ainslie"]
    quoted = _sentence_of(article, passage, "Penn State")
    lent = scored_text(quoted, names, people_in=lambda text: people.get(text, []))
    assert lent == f"Graham Spanier. Penn State. {passage}"


def test_a_chamber_named_with_its_country_is_its_story_short_form_too():
    from service.judge.direct_answer import EntityFinder

    question = "What was the vote in the US House of Representatives to scrap the FCC's online privacy rule?"
    names = question_names(question, EntityFinder().entities)
    assert missing_names_share(names, "The House voted 215-205 to reject the FCC rule.") == 0.0
    assert missing_names_share(names, "The FCC said the White House backed the rule.") == 1.0


def test_a_quoted_name_ends_at_its_closing_quote():
    from service.judge.direct_answer import EntityFinder

    # The recognizer reads "Charging Bull' for International Women's Day" as one name; no article has it.
    question = "What is the bronze statue facing Wall Street's 'Charging Bull' for International Women's Day?"
    names = [n.text for n in question_names(question, EntityFinder().entities)]
    assert "Charging Bull" in names
    assert not any("' for" in name for name in names)
    article = "The statue faces Wall Street's \"Charging Bull\" to mark International Women's Day."
    assert missing_names_share(question_names(question, EntityFinder().entities), article) == 0.0
    # A dropped letter or a plural's possessive closes no quote: the recognizer's whole title stays one name.
    song = "When did 'Livin' on a Prayer' top the charts?"
    title = [(10, 28, "WORK_OF_ART")]
    assert [n.text for n in question_names(song, lambda q: title)] == ["Livin' on a Prayer"]
    monument = "Where is the 'Soldiers' and Sailors' Monument'?"
    whole = [(14, 45, "FAC")]
    assert [n.text for n in question_names(monument, lambda q: whole)] == ["Soldiers' and Sailors' Monument"]


def test_an_edition_with_its_number_is_found_in_any_house_style():
    from service.judge.name_matching import mentions_name

    assert mentions_name("Cop24, the UN climate talks in Katowice", "COP24")
    assert mentions_name("COP 24 opened in Katowice", "COP24")
    assert not mentions_name("COP25 is held in Madrid", "COP24")
    assert mentions_name("Chandrayaan 2 launched in July", "Chandrayaan-2")
    assert mentions_name("the coronavirus pandemic", "Covid-19")
    assert not mentions_name("the us and them", "US")  # a plain acronym still wants its capitals
