"""An article names what a question asks about under any of the spellings news uses."""

import pytest

from service.judge.answerability import missing_names_share, question_names
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
