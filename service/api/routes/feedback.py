"""POST /v1/feedback: a reader's thumbs up or down (and note) on an answer, for `newsdesk feedback export`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from service.api.deps import get_api_settings
from service.api.errors import check_question_length
from service.api.schemas import ErrorResponse, FeedbackIn, FeedbackSaved
from service.feedback import Feedback, FeedbackStore
from service.settings import Settings

router = APIRouter(prefix="/v1", tags=["feedback"])


def get_feedback(request: Request) -> FeedbackStore:
    return request.app.state.feedback


@router.post(
    "/feedback",
    response_model=FeedbackSaved,
    status_code=status.HTTP_201_CREATED,
    responses={422: {"model": ErrorResponse}},
)
def post_feedback(
    body: FeedbackIn,
    store: FeedbackStore = Depends(get_feedback),
    settings: Settings = Depends(get_api_settings),
) -> FeedbackSaved:
    """Record a verdict on an answer. Any key may send one; `newsdesk feedback export` turns them into
    test questions for `newsdesk eval` (a thumbs down whose note names the right answer becomes an answerable
    item, a note saying "not in the articles" an unanswerable one)."""
    check_question_length("question", body.question, settings.max_question_chars)
    fields = body.model_dump()
    saved = store.add(
        Feedback(
            rating=body.rating,
            question=body.question,
            answer=body.answer,
            grounded=body.grounded,
            citations=fields["citations"],
            direct_answer=fields["direct_answer"],
            query=body.query or body.question,
            history=body.history,
            note=body.note,
            origin="api",
        )
    )
    assert saved.id is not None
    return FeedbackSaved(id=saved.id, rating=saved.rating, created_at=saved.created_at)
