"""Quality review of calls: review forms as versioned data (form.py: sections, items, weights, scoring),
finding calls to review, saving reviews and who may read them (service.py)."""

from crm_core.reviews.form import ReviewForm, ReviewFormError, Score, ScoreError, parse, score
from crm_core.reviews.service import (
    CallFilter,
    ReviewError,
    find_calls,
    form_version,
    latest_forms,
    may_read,
    publish,
    review_of,
    reviews_of_agent,
    save_review,
    scores_by_agent,
)

STANDARD_FORM = __file__.rsplit("/", 1)[0] + "/standard.json"

__all__ = ["STANDARD_FORM", "CallFilter", "ReviewError", "ReviewForm", "ReviewFormError", "Score", "ScoreError",
           "find_calls", "form_version", "latest_forms", "may_read", "parse", "publish", "review_of",
           "reviews_of_agent", "save_review", "score", "scores_by_agent"]
