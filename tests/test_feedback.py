"""Feedback: stored server-side, checked at POST /v1/feedback, exported as items `newsdesk eval` reads."""

import json

from click.testing import CliRunner

from eval.datasets import load_dataset
from newsdesk.cli import main
from service.feedback import (
    Feedback,
    FeedbackStore,
    Skipped,
    documents_holding,
    eval_item,
    export_items,
    first_quoted_sentence,
)
from tests.conftest import app_client

TEXTS = {
    "ferry": "Ferry crews ended their strike on Friday after the operator agreed to hire nine new deckhands.",
    "rail": "The council voted 7 to 2 on Tuesday. Construction would start in April 2017, the mayor said.",
    "other": "Nine people attended the meeting on Friday.",
}
CITATION = {"n": 1, "doc_id": "ferry", "title": "T", "snippet": "s", "start": 0, "end": 10, "score": 0.9}


def feedback(**fields):
    base = {
        "rating": "up",
        "question": "How many deckhands did the operator hire?",
        "answer": "Ferry crews ended their strike on Friday after the operator agreed to hire nine new "
        "deckhands. [1]",
        "grounded": True,
        "citations": [CITATION],
        "id": 1,
    }
    return Feedback(**{**base, **fields})


def item(record):
    return eval_item(record, documents_holding(TEXTS))


def test_a_thumbs_up_keeps_the_answer_with_its_cited_articles():
    direct = {"text": "nine", "doc_id": "ferry", "start": 70, "end": 74}
    assert item(feedback(direct_answer=direct)) == {
        "id": "feedback-1",
        "question": "How many deckhands did the operator hire?",
        "kind": "feedback",
        "answers": ["nine"],
        "doc_ids": ["ferry"],
    }
    # Without a direct answer, the first quoted sentence is what must come back.
    assert item(feedback())["answers"] == [TEXTS["ferry"]]


def test_a_thumbs_up_on_a_refusal_is_an_unanswerable_item():
    refusal = feedback(answer="The articles do not contain an answer to this question.", grounded=False)
    assert item(refusal) == {
        "id": "feedback-1",
        "question": "How many deckhands did the operator hire?",
        "kind": "feedback",
        "unanswerable": True,
    }


def test_a_thumbs_down_on_a_refusal_with_the_answer_finds_the_articles_holding_it():
    refusal = feedback(rating="down", answer="No answer.", grounded=False, citations=[], note=" “nine” ")
    exported = item(refusal)
    assert exported["answers"] == ["nine"]
    # Both articles hold "nine"; the one sharing the question's words comes first.
    assert exported["doc_ids"] == ["ferry", "other"]


def test_a_thumbs_down_saying_not_in_the_articles_is_an_unanswerable_item():
    for note in ("not in the articles", "The articles don't say", "Unanswerable: no article covers it"):
        assert item(feedback(rating="down", note=note))["unanswerable"] is True


def test_feedback_without_a_usable_correction_is_skipped_with_a_reason():
    assert item(feedback(rating="down")) == Skipped(1, "a thumbs down without a note naming the right answer")
    skipped = item(feedback(rating="down", note="fourteen"))
    assert isinstance(skipped, Skipped) and "fourteen" in skipped.reason


def test_the_latest_verdict_on_an_answer_wins_and_items_keep_their_conversation():
    followup = feedback(id=3, question="Since when has he led it?", history=["Who leads the union?"])
    items, skipped = export_items(
        [feedback(id=1), feedback(id=2, rating="down", note="not in the articles"), followup],
        documents_holding(TEXTS),
    )
    assert [i["id"] for i in items] == ["feedback-2", "feedback-3"] and not skipped
    assert items[0]["unanswerable"] and items[1]["history"] == ["Who leads the union?"]


def test_first_quoted_sentence_drops_the_markers():
    assert first_quoted_sentence("One  two. [1] Three. [2]") == "One two."


def test_the_store_keeps_records_and_notes(tmp_path):
    store = FeedbackStore.in_data_dir(tmp_path)
    saved = store.add(feedback(id=None, origin="ui"))
    assert saved.id == 1 and saved.created_at
    assert store.set_note(saved.id, "  nine  ") and not store.set_note(99, "x")
    [record] = list(store)
    assert record.note == "nine" and record.citations == [CITATION] and record.origin == "ui"
    store.close()
    assert FeedbackStore.in_data_dir(tmp_path).get(1).question == saved.question  # it survives a restart


def test_post_feedback_stores_it_and_export_writes_a_dataset_eval_reads(sample_engine, tmp_path):
    body = {
        "rating": "down",
        "question": "How many emails did WikiLeaks release on Wednesday?",
        "answer": "The articles do not contain an answer to this question.",
        "grounded": False,
        "note": "1,500",
    }
    with app_client(sample_engine) as client:
        saved = client.post("/v1/feedback", json=body)
        assert saved.status_code == 201, saved.text
        assert saved.json()["rating"] == "down" and saved.json()["id"] >= 1
        up = client.post("/v1/feedback", json={**body, "rating": "up", "question": "Who won the 2040 race?"})
        assert up.status_code == 201
    output = tmp_path / "feedback.jsonl"
    data_dir = str(sample_engine.settings.data_dir)
    result = CliRunner().invoke(main, ["--data-dir", data_dir, "feedback", "export", "-o", str(output)])
    assert result.exit_code == 0, result.output
    by_question = {item.question: item for item in load_dataset(output)}
    emails = by_question["How many emails did WikiLeaks release on Wednesday?"]
    assert emails.answers == ("1,500",) and emails.doc_ids == ("000_ed48cb7ca0d72a48",)
    assert by_question["Who won the 2040 race?"].unanswerable
    assert "answerable" in result.output  # the summary goes to standard error


def test_post_feedback_refuses_bad_input_naming_the_field_and_the_limit(sample_engine):
    good = {"rating": "up", "question": "Q?", "answer": "A. [1]", "grounded": True}
    with app_client(sample_engine, max_question_chars=50) as client:
        for change, field, words in [
            ({"rating": "meh"}, "rating", "'up' or 'down'"),
            ({"note": "x" * 2001}, "note", "2000 characters"),
            ({"question": "q" * 51}, "question", "at most 50 characters"),
            ({"question": "  "}, "question", "empty"),
            ({"citations": [CITATION] * 51}, "citations", "50 items"),
            ({"answer": "A \ud800 lone surrogate"}, "answer", "valid string"),  # SQLite could not store it
        ]:
            # json.dumps escapes a lone surrogate as JSON does ("\\ud800"), which a client may send.
            headers = {"content-type": "application/json"}
            response = client.post("/v1/feedback", content=json.dumps({**good, **change}), headers=headers)
            assert response.status_code == 422, (change, response.text)
            assert response.json()["fields"][0]["field"] == field
            assert words in response.json()["message"], response.json()["message"]


def test_export_without_feedback_says_so_and_fails(tmp_path):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "feedback", "export"])
    assert result.exit_code == 1 and "no feedback" in result.output


def test_export_writes_jsonl_to_standard_output(tmp_path):
    from ingest.catalog import Catalog

    Catalog(tmp_path / "catalog.sqlite3").close()  # an empty index
    FeedbackStore.in_data_dir(tmp_path).add(feedback(id=None, grounded=False, answer="No.", citations=[]))
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "feedback", "export"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["unanswerable"] is True
