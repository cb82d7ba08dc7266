"""Which countries a question and a passage name: the near-miss that asks one country's figure of a story
that gives another's."""

import pytest

from service.judge.countries import another_country, countries_named


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("How many French MPs employ family members?", {"france"}),
        ("What share of South Korea's trade is with China?", {"south korea", "china"}),
        ("How many Russian tourists visited Turkey in 2016?", {"russia", "türkiye"}),
        (
            "The Americans met Kenyan, Sudanese and Qatari officials in the UK.",
            {"united states", "kenya", "sudan", "qatar", "united kingdom"},
        ),
        # Parties, faiths, US states and people's names are no countries.
        ("Republican Gov. Sam Brownback of Kansas and the Islamist party in Georgia", set()),
        # Nor is a country's name inside a title, a body's or a person's.
        ("U.S. District Judge William Conley met Roman Abramovich of British Airways.", set()),
    ],
)
def test_the_countries_a_text_names(text, countries):
    assert countries_named(text, in_titles=False) == countries


def test_a_passage_about_another_country_is_no_answer_unless_the_asked_one_is_near():
    asked = countries_named("How many French MPs employ family members?", in_titles=False)
    british = "About 150 of the 650 MPs in the British parliament employ family members."
    assert another_country(asked, british, british)
    # The asked country near the passage: the passage may be about it.
    window = british + " French MPs may employ family members too."
    assert not another_country(asked, british, window)
    # A passage that names no country, or a question that names none, says nothing either way.
    assert not another_country(asked, "About 150 MPs employ family members.", british)
    assert not another_country(set(), british, british)
    asked = countries_named("How many Russian tourists visited Cyprus in 2016?", in_titles=False)
    cyprus = (
        "The Cypriot statistics agency says the number of our fellow citizens visiting Cyprus neared 800,000."
    )
    assert not another_country(asked, cyprus, cyprus)


@pytest.mark.parametrize(
    "text",
    [
        # Surnames, ordinary words and regions that only look like a country or its people.
        "Pope Francis met Ashraf Ghani, Mark Cuban and Roman Polanski.",
        "The Libertarian candidate and a Paralympian from Indianapolis.",
        "Voters in New Mexico, New South Wales and Latin America.",
        "Bill English said so.",
    ],
)
def test_no_country_where_a_name_or_a_region_only_looks_like_one(text):
    assert countries_named(text, in_titles=False) == set()


def test_countries_by_abbreviation_and_their_peoples_plural():
    assert countries_named("UAE soldiers and Emirati officers", in_titles=False) == {"united arab emirates"}
    assert countries_named("Britons, Israelis and the Vatican", in_titles=False) == {
        "united kingdom",
        "israel",
        "vatican city",
    }
    assert countries_named("The United Arab Emirates is interested.", in_titles=False) == {
        "united arab emirates"
    }
    # A question word before a people's name is no first name.
    assert countries_named("Which South Korean defence spokesman said so?", in_titles=False) == {
        "south korea"
    }


def test_a_passage_about_a_third_country_is_no_answer_when_one_of_the_questions_is_missing():
    asked = countries_named("How many Russian tourists visited Turkey in 2016?", in_titles=False)
    cyprus = "Russians visiting Cyprus neared 800,000, the Cypriot statistics agency said."
    assert another_country(asked, cyprus, cyprus)
    # Every country the question names is near: a third one in passing is no reason to refuse.
    asked = countries_named("How many Syrian refugees has Germany taken in?", in_titles=False)
    germany = "Germany has taken in 890,000 refugees, many from Syria, Iraq and Afghanistan."
    assert not another_country(asked, germany, germany)
