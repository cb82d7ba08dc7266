"""A question typed in lower case gets the capitals its retrieved articles give its words."""

import pytest

from service.judge.truecase import is_lower_case, truecase

ARTICLES = [
    "Samsung introduced the Galaxy S22 in February 2022.",
    "Apple unveiled the iPhone 14 at its September event in Cupertino.",
    "The Citrus Bowl was played in Orlando. The bowl game sold out; a bowl of soup cost $9.",
]


@pytest.mark.parametrize(
    ("question", "cased"),
    [
        ("when did samsung introduce the galaxy s23?", "When did Samsung introduce the Galaxy S23?"),
        ("when did apple unveil the iphone 15?", "When did Apple unveil the iPhone 15?"),
        # "bowl" is lower case more often than not in these articles: it stays so.
        ("who won the citrus bowl?", "Who won the Citrus bowl?"),
        # A question with capitals is the asker's own spelling.
        ("Who won the Citrus Bowl in orlando?", "Who won the Citrus Bowl in orlando?"),
    ],
)
def test_a_lower_case_question_takes_the_articles_capitals(question, cased):
    assert truecase(question, ARTICLES) == cased


def test_what_counts_as_lower_case():
    assert is_lower_case("when did samsung introduce the galaxy s23?")
    assert is_lower_case("When did samsung introduce it?")
    assert not is_lower_case("When did Samsung introduce it?")
    assert not is_lower_case("?")
