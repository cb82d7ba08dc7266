from datetime import date

import pytest

from ingest.cleaning import clean_article, normalize_text
from ingest.documents import clean_document
from ingest.loading import load_paths
from ingest.metadata import find_byline, find_published_date, parse_date

BOILERPLATE = [
    "Leave a Reply",
    "This site uses Akismet",
    "COMMENTS",
    "Please let us know if you're having issues with commenting",
    "If you experience technical problems",
    "SPECIAL DEAL",
    "Get 10 issues for $19.95",
    "Subscribe to the print magazine",
    "JIM WATSON/AFP/GettyImages",
    "Richard Trumka / AP",
    "(Karen Murphy/ Flickr)",
]


@pytest.fixture(scope="module")
def sample_documents(request):
    from service.engine import sample_corpus_path

    return {a.id: clean_document(a) for a in load_paths([sample_corpus_path()])}


def test_sample_corpus_loses_its_boilerplate(sample_documents):
    for document in sample_documents.values():
        for phrase in BOILERPLATE:
            assert phrase.lower() not in document.text.lower(), (document.id, phrase)


def test_article_text_survives_cleaning(sample_documents):
    text = sample_documents["002_56959c77431901b6"].text
    assert "Branko Marcetic is a staff writer at Jacobin magazine" in text
    assert "Buffenbarger didn’t want to wait" in text
    assert sample_documents["004_bd46c8d1508c9f8a"].text.endswith("eat her lunch.")


def test_headline_opens_the_reference_text(sample_documents):
    for document in sample_documents.values():
        assert document.text.startswith(document.title + "\n\n")


def test_dateline_and_byline_are_read(sample_documents):
    assert str(sample_documents["001_232c99f60a508717"].published) == "2016-11-01"
    assert sample_documents["002_56959c77431901b6"].byline == "Branko Marcetic"


def test_everything_after_a_comment_section_goes():
    body = "Real news paragraph one.\n\nReal paragraph two.\n\n3 Comments\n\nGreat article!\n\nI disagree."
    assert clean_article(body) == "Real news paragraph one.\n\nReal paragraph two."


def test_subscription_offers_go_but_prose_mentioning_subscribers_stays():
    body = (
        "The paper lost 5,000 subscribers after it asked readers to subscribe to the newsletter, "
        "a spokesman said, adding that the decline was expected.\n\n"
        "Subscribe now for just $1!\n\nThe story continues here."
    )
    cleaned = clean_article(body)
    assert "lost 5,000 subscribers" in cleaned
    assert "Subscribe now" not in cleaned
    assert cleaned.endswith("The story continues here.")


def test_normalisation_is_idempotent_and_removes_invisible_characters():
    messy = "Line\u200b one\r\nstill\u00a0one  \t\n\n\n\nTwo\ufeff"
    once = normalize_text(messy)
    assert once == normalize_text(once)
    assert "\u200b" not in once and "\ufeff" not in once and "\r" not in once
    assert once.split("\n\n")[-1] == "Two"


def test_hard_wrapped_prose_is_joined_but_stacked_lines_are_not():
    wrapped = (
        "The council voted on Tuesday to approve the budget after a long debate\n"
        "about police funding, with two members voting against the measure as a\n"
        "protest.\n\nNext paragraph."
    )
    assert normalize_text(wrapped).split("\n\n")[0].count("\n") == 0
    stacked = "Emails show aides were fed up\nNovember 1, 2016"
    assert normalize_text(stacked) == "Emails show aides were fed up\n\nNovember 1, 2016"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("November 1, 2016", "2016-11-01"),
        ("Nov. 1, 2016", "2016-11-01"),
        ("1 November 2016", "2016-11-01"),
        ("2016-11-01", "2016-11-01"),
        ("Published: Tuesday, Nov 1, 2016 at 10:30 am EST", "2016-11-01"),
        ("The vote was in November 2016", None),
        ("not a date", None),
    ],
)
def test_parse_date(value, expected):
    parsed = parse_date(value)
    assert (parsed.isoformat() if parsed else None) == expected


def test_byline_forms():
    assert find_byline("Title\n\nBy Jane Doe\n\nBody text here.", "Title") == "Jane Doe"
    assert find_byline("Title\n\nThe council met on Tuesday.", "Title") is None


def test_the_published_date_is_the_date_paragraph_near_the_top():
    assert find_published_date("Title\n\nMarch 3, 2015\n\nBody.") == date(2015, 3, 3)
    # A sentence holding a date is no dateline.
    assert find_published_date("Title\n\nThe council met on March 3, 2015, to vote.\n\nBody.") is None
