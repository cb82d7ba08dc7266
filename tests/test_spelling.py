"""British and American spellings meet in the judge's word matching, and only there."""

from ingest.keyword_index import analyze
from service.answer.verification import restates
from service.judge.answerability import question_focus, uncovered_share
from service.judge.spelling import american, stems


def test_british_spellings_are_written_the_american_way():
    assert american("Who organised the rally?") == "Who organized the rally?"
    assert american("The ORGANISED crime unit") == "The ORGANIZED crime unit"
    assert american("criticised, recognised, apologising, prioritisation") == (
        "criticized, recognized, apologizing, prioritization"
    )
    assert american("analysed the colour of the Centre's defence programme") == (
        "analyzed the color of the Center's defense program"
    )
    assert american("kilometres and tonnes") == "kilometers and tons"


def test_words_spelled_alike_on_both_sides_stay():
    text = "advertise exercise surprise promise compromise premise revise supervise crisis Paris hour tour"
    assert american(text) == text


def test_stems_meet_where_the_analyzer_keeps_them_apart():
    assert analyze("organised") != analyze("organized")
    assert stems("organised") == stems("organized")
    assert stems("criticised") == stems("criticized")
    assert stems("defence") == stems("defense")


def test_a_focus_word_is_found_in_either_spelling():
    focus = question_focus("Who organised the rally in Times Square?")
    assert uncovered_share(focus, "a rally organized by Russell Simmons", None) == 0
    honoured = question_focus("Which widow was honored at the address?")
    assert uncovered_share(honoured, "The widow was honoured at the address.", None) == 0


def test_an_answer_that_only_respells_the_question_still_restates_it():
    assert restates("The rally was organised.", "Who organized the rally?")
