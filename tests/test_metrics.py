import pytest

from eval.metrics import (
    contains_answer,
    direct_answer_matches,
    hit_at,
    ndcg_at,
    normalize_answer,
    percentile,
    reciprocal_rank,
    token_f1,
)


def test_normalisation_handles_quotes_punctuation_and_ordinals():
    assert (
        normalize_answer("“Strains credulity,given” The Ann O’Leary") == "strains credulity given ann o leary"
    )
    assert normalize_answer("August 14th") == "august 14"


@pytest.mark.parametrize(
    ("answer", "accepted", "expected"),
    [
        ("The vote was on August 14th in NYC.", ["August 14"], True),
        ("It raised more than $45 million.", ["$45 million"], True),
        ("It raised $450 million.", ["$45 million"], False),
        ("It raised more than $45 million.", ["45 million"], True),
        ("It raised more than 45 million.", ["$45 million"], False),
        ("It raised more than $450 million.", ["45 million"], False),
        ("Ann O’Leary said so.", ["Ann O'Leary"], True),
        ("A 12.5 million member union", ["12.5 million"], True),
        ("A 2.5 million member union", ["12.5 million"], False),
    ],
)
def test_contains_answer(answer, accepted, expected):
    assert contains_answer(answer, accepted) is expected


def test_token_f1():
    assert token_f1("October 2015", ["October 2015"]) == 1.0
    assert 0 < token_f1("in October 2015 the NEA", ["October 2015"]) < 1
    assert token_f1("nothing", ["October 2015"]) == 0.0


def test_ranking_metrics():
    ranked = ["b", "a", "a", "c"]
    assert hit_at(ranked, ["a"], 1) == 0.0 and hit_at(ranked, ["a"], 2) == 1.0
    assert reciprocal_rank(ranked, ["a"]) == 0.5 and reciprocal_rank(ranked, ["z"]) == 0.0
    assert ndcg_at(["a", "b"], ["a"], 10) == 1.0
    assert 0 < ndcg_at(["b", "a"], ["a"], 10) < 1


def test_percentile():
    assert percentile([], 95) == 0.0
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([5.0], 50) == 5.0


def test_an_answer_is_right_only_with_an_accepted_string_and_a_gold_citation():
    from eval.metrics import answered_and_cited

    assert answered_and_cited("Voters chose 33 seats.", True, ["a"], ["33"], ["a", "b"]) == (True, True)
    assert answered_and_cited("Voters chose 33 seats.", True, ["c"], ["33"], ["a"]) == (True, False)
    assert answered_and_cited("Voters chose 33 seats.", False, ["a"], ["33"], ["a"]) == (False, True)
    assert answered_and_cited("Voters chose 330 seats.", True, [], ["33"], ["a"]) == (False, False)


def test_a_direct_answer_is_right_when_it_holds_or_is_part_of_an_accepted_answer():
    assert direct_answer_matches("February 7, 2017", ["February 7"])
    assert direct_answer_matches("Buffenbarger", ["Tom Buffenbarger"])
    assert not direct_answer_matches("Budzinski", ["Tom Buffenbarger"])
    assert not direct_answer_matches("12", ["12.5 million"])  # a bare number inside a figure is not it
    assert not direct_answer_matches("June", ["June 22, 2015"])  # nor a month inside a date
