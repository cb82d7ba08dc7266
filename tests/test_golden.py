"""End to end through the FastAPI app: every golden question over the sample corpus.

Questions the answerer is known to get wrong are listed in KNOWN_MISSES with the reason; they are checked
too (strict xfail), so fixing one fails the suite until the list is updated.
"""

import pytest

from eval.datasets import load_dataset, sample_golden_path
from eval.metrics import contains_answer

ITEMS = load_dataset(sample_golden_path())

KNOWN_MISSES: dict[str, str] = {
    "q11": "heavy paraphrase: 'expect his team to object' vs 'our team will see it as a resource diversion'; "
    "no focus word is matched, so the passage's score falls under the refusal threshold",
    "q28": "paraphrase: 'knew about the plan to hold the vote early' vs 'are aware of this' after "
    "'will be moving his board to take a endorsement vote'; 'plan' and 'early' go unmatched",
    "q37": "the cross-encoder scores the TPP sentences low (about 2) for 'which trade agreement'; the "
    "answer is an acronym the question never names",
    # Refused by the learned judge (service.judge.model): the best passage holds the answer, but the model,
    # fitted to refuse rather than invent on the real news questions, puts it under 0.55.
    "q03": "refused: 'keep out of' vs 'stayed officially neutral ... until'; p 0.38",
    "q33": "the byline that answers 'who wrote the article' is never among the judged candidates",
    "q35": "'moved up' sits in the seventh-ranked passage; the best one does not hold it",
    "q36": "refused: 'change about Malaysia' vs 'improve its standing on that list'; p 0.44",
    "q38": "refused: the best passage is a photo caption naming Najib Razak (p 0.48); the memo's sentence "
    "naming him ranks second (p 0.34)",
}


def test_the_golden_set_is_big_and_varied_enough():
    answerable = [i for i in ITEMS if not i.unanswerable]
    assert len(answerable) >= 25 and len(ITEMS) - len(answerable) >= 5
    covered = {d for i in answerable for d in i.doc_ids}
    assert len(covered) == 5


def _case(item):
    marks = [pytest.mark.xfail(reason=KNOWN_MISSES[item.id], strict=True)] if item.id in KNOWN_MISSES else []
    return pytest.param(item, id=item.id, marks=marks)


@pytest.mark.parametrize("item", [_case(i) for i in ITEMS if not i.unanswerable])
def test_answerable_question_is_answered_with_a_gold_citation(client, item):
    body = client.post("/v1/ask", json={"question": item.question}).json()
    assert body["grounded"], body["answer"]
    assert contains_answer(body["answer"], item.answers), body["answer"]
    assert {c["doc_id"] for c in body["citations"]} & set(item.doc_ids), body["citations"]


@pytest.mark.parametrize("item", [_case(i) for i in ITEMS if i.unanswerable])
def test_unanswerable_question_is_refused(client, item):
    body = client.post("/v1/ask", json={"question": item.question}).json()
    assert body["grounded"] is False, body["answer"]
    assert body["citations"] == []
