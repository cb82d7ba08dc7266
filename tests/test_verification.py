"""Verification of generated answers on crafted model outputs: markers, support, renumbering, streaming."""

from dataclasses import replace

import pytest

from ingest.embedding import Embedder
from service.answer.types import Answer, Citation
from service.answer.verification import (
    AnswerVerifier,
    SupportScorer,
    cited_support,
    content_words,
    parse_sentences,
    restates,
    verify_answer,
)
from service.judge.answerability import WordVectors
from service.settings import Settings

TANDEN = (
    "Ahead of the Illinois primary in March, liberal operative Neera Tanden asked Clinton campaign chairman "
    "John Podesta, who formerly worked on Mr Obama’s transition in 2008, if the president could give any "
    "kind of indication that he was supporting Clinton over Sanders."
)
EMAILS = (
    "The email exchange was contained in more than 1,500 emails released on Wednesday by the anti-secrecy "
    "group WikiLeaks."
)
NEUTRAL = (
    "Mr Obama stayed officially neutral in the primaries until Ms Clinton clinched the nomination in June."
)
SOURCES = [
    Citation(1, "000_a", "Clinton allies sought Obama backing", TANDEN, 100, 100 + len(TANDEN), 0.99),
    Citation(2, "000_a", "Clinton allies sought Obama backing", EMAILS, 700, 700 + len(EMAILS), 0.95),
    Citation(3, "000_a", "Clinton allies sought Obama backing", NEUTRAL, 500, 500 + len(NEUTRAL), 0.9),
]


@pytest.fixture(scope="module")
def scorer():
    return SupportScorer(WordVectors(Embedder()), threshold=Settings().support_threshold)


def test_markers_are_parsed_in_every_common_form():
    parsed = parse_sentences(
        "Tanden asked Podesta [1]. WikiLeaks released them. [2][3] Obama waited [Source 3, 1]."
    )
    assert [p.text for p in parsed] == ["Tanden asked Podesta.", "WikiLeaks released them.", "Obama waited."]
    assert [p.markers for p in parsed] == [(1,), (2, 3), (3, 1)]


def test_content_words_keep_names_and_numbers_apart():
    words, numbers = content_words("Neera Tanden asked about the 1,500 emails in 2008 [2].")
    assert "neera" in words and "tanden" in words and "emails" in words and "the" not in words
    assert numbers == ["1500", "2008"]


def test_a_supported_answer_is_kept_with_its_markers(scorer):
    result = verify_answer(
        "Neera Tanden asked John Podesta whether Obama could signal support for Clinton [1]. "
        "WikiLeaks released more than 1,500 emails on Wednesday. [2]",
        SOURCES,
        scorer,
    )
    assert result.text == (
        "Neera Tanden asked John Podesta whether Obama could signal support for Clinton. [1] "
        "WikiLeaks released more than 1,500 emails on Wednesday. [2]"
    )
    assert [c.snippet for c in result.citations] == [TANDEN, EMAILS]
    assert result.verification.kept == 2 and result.verification.dropped == 0


def test_a_marker_naming_no_source_is_removed(scorer):
    result = verify_answer("WikiLeaks released 1,500 emails on Wednesday [2][7].", SOURCES, scorer)
    assert result.text == "WikiLeaks released 1,500 emails on Wednesday. [1]"
    assert [c.snippet for c in result.citations] == [EMAILS]
    assert result.verification.removed_markers == 1


def test_a_marker_naming_no_source_at_all_leaves_the_sentence_to_attribution(scorer):
    result = verify_answer("WikiLeaks released 1,500 emails on Wednesday [9].", SOURCES, scorer)
    assert result.text == "WikiLeaks released 1,500 emails on Wednesday. [1]"
    assert result.citations[0].snippet == EMAILS
    assert result.verification.removed_markers == 1 and result.verification.attributed == 1


def test_an_unsupported_sentence_is_dropped_and_the_rest_kept(scorer):
    result = verify_answer(
        "WikiLeaks released 1,500 emails on Wednesday [2]. "
        "Tanden later became the ambassador to France [1]. "
        "Obama endorsed Sanders in the Illinois primary [1].",
        SOURCES,
        scorer,
    )
    assert result.text == "WikiLeaks released 1,500 emails on Wednesday. [1]"
    assert [c.kept for c in result.checked] == [True, False, False]
    assert result.verification.dropped == 2


def test_a_wrong_number_is_unsupported_however_many_words_match(scorer):
    result = verify_answer("WikiLeaks released more than 2,500 emails on Wednesday [2].", SOURCES, scorer)
    assert result.text == ""
    assert result.checked[0].support.missing_numbers == ("2500",)


def test_citing_the_wrong_source_drops_the_sentence(scorer):
    # Source 3 says nothing about emails; that source 2 would have supported it does not rescue the marker.
    result = verify_answer("WikiLeaks released 1,500 emails on Wednesday [3].", SOURCES, scorer)
    assert result.text == "" and result.citations == []


def test_sentences_without_markers_get_the_source_that_supports_them(scorer):
    result = verify_answer(
        "Obama stayed neutral until Clinton clinched the nomination in June. The emails were fake.",
        SOURCES,
        scorer,
    )
    assert result.text == "Obama stayed neutral until Clinton clinched the nomination in June. [1]"
    assert [c.snippet for c in result.citations] == [NEUTRAL]
    assert result.verification.attributed == 1 and result.verification.dropped == 1


def test_output_without_any_supported_sentence_verifies_to_nothing(scorer):
    result = verify_answer("I think the answer is probably yes. Sure!", SOURCES, scorer)
    assert result.text == "" and result.citations == [] and result.verification.kept == 0


def test_citations_are_renumbered_by_first_use_and_unused_sources_left_out(scorer):
    result = verify_answer(
        "Obama stayed officially neutral until June [3]. WikiLeaks released 1,500 emails [2]. "
        "Obama remained neutral in the primaries [3].",
        SOURCES,
        scorer,
    )
    assert result.text == (
        "Obama stayed officially neutral until June. [1] WikiLeaks released 1,500 emails. [2] "
        "Obama remained neutral in the primaries. [1]"
    )
    assert [(c.n, c.snippet) for c in result.citations] == [(1, NEUTRAL), (2, EMAILS)]
    assert {c.snippet for c in result.citations}.isdisjoint({TANDEN})


def test_a_cited_source_that_shares_nothing_with_the_sentence_is_left_out(scorer):
    result = verify_answer("WikiLeaks released 1,500 emails on Wednesday [2][3].", SOURCES, scorer)
    assert result.text == "WikiLeaks released 1,500 emails on Wednesday. [1]"
    assert [c.snippet for c in result.citations] == [EMAILS]


def test_repeated_sentences_are_kept_once(scorer):
    text = (
        "WikiLeaks released 1,500 emails on Wednesday [2]. Wikileaks released 1,500 emails on Wednesday! [2]"
    )
    assert verify_answer(text, SOURCES, scorer).text == "WikiLeaks released 1,500 emails on Wednesday. [1]"


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_streamed_verification_releases_the_same_answer_in_pieces(scorer, size):
    text = (
        "Obama stayed officially neutral until June [3]. Tanden became ambassador to France [1]. "
        "WikiLeaks released more than 1,500 emails on Wednesday. [2] It was a big story"
    )
    whole = verify_answer(text, SOURCES, scorer)
    verifier = AnswerVerifier(SOURCES, scorer)
    released = []
    for start in range(0, len(text), size):
        released.extend(verifier.feed(text[start : start + size]))
    # The first sentence is out before the output ends: verified text streams.
    assert released[:1] == ["Obama stayed officially neutral until June. [1]"]
    released.extend(verifier.finish())
    assert " ".join(released) == whole.text == verifier.result().text
    assert verifier.result().citations == whole.citations


def test_a_half_written_marker_holds_its_sentence_back(scorer):
    verifier = AnswerVerifier(SOURCES, scorer)
    assert verifier.feed("WikiLeaks released 1,500 emails on Wednesday. [") == []
    assert verifier.feed("2] Then") == ["WikiLeaks released 1,500 emails on Wednesday. [1]"]


def test_cited_support_counts_the_sentences_their_snippets_back(scorer):
    answer = Answer(
        "WikiLeaks released 1,500 emails on Wednesday. [1] Tanden became ambassador to France. [1] "
        "Obama stayed neutral.",
        True,
        [replace(SOURCES[1], n=1)],
    )
    tally = cited_support(answer, scorer)
    assert (tally.supported, tally.sentences) == (1, 3)
    assert cited_support(Answer("The articles do not say.", False, []), scorer).share is None


def test_a_sentence_that_only_restates_the_question_is_no_answer(scorer):
    question = "When did WikiLeaks release the emails?"
    assert restates("WikiLeaks released the emails. [2]", question)
    assert not restates("WikiLeaks released the emails on Wednesday. [2]", question)
    result = verify_answer(
        "WikiLeaks released the emails [2]. More than 1,500 were released on Wednesday [2].",
        SOURCES,
        scorer,
        question,
    )
    assert result.text == "More than 1,500 were released on Wednesday. [1]"
    assert [c.echo for c in result.checked] == [True, False]
    assert verify_answer("WikiLeaks released the emails [2].", SOURCES, scorer).text  # no question: kept


def test_template_tokens_answer_labels_and_questions_are_not_kept(scorer):
    # What a base model writes when a server wraps it in a chat template it was not trained on.
    output = (
        "Question: How many emails did WikiLeaks release? [2] [/INST] Answer: WikiLeaks released more than "
        "1,500 emails on Wednesday. [2]<end_of_turn> Answer: WikiLeaks released more than 1,500 emails on "
        "Wednesday. [2]"
    )
    result = verify_answer(output, SOURCES, scorer)
    assert result.text == "WikiLeaks released more than 1,500 emails on Wednesday. [1]"
    assert result.verification.sentences == 3 and result.verification.dropped == 2
