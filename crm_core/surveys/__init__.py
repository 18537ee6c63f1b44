"""Surveys as data and the outbound survey dialer's domain: versioned survey documents with branching
(definition.py), campaigns, their targets, attempts and answers (service.py, targets.py), the dialling
decisions (dialing.py: call windows, holidays, attempts, retry delays, pacing), and results (results.py)."""

from crm_core.surveys.calendar import Calendar, parse_dates
from crm_core.surveys.definition import END, Question, Survey, SurveyError, next_question, parse_survey
from crm_core.surveys.dialing import DialPolicy, Next, Outcome, Pacer, PolicyError, after_outcome, within_window
from crm_core.surveys.results import Progress, ResultRow, progress, results
from crm_core.surveys.service import (
    CampaignError,
    Claim,
    campaign_named,
    claim_due,
    create_campaign,
    finish_attempt,
    forbid,
    hand_back_lease,
    hand_to_agent,
    load_targets,
    mark_answered,
    next_callable,
    policy_of,
    publish,
    record_answer,
    release_lease,
    remaining,
    request_run,
    runnable,
    survey_of,
    take_lease,
)
from crm_core.surveys.targets import SourceError

__all__ = [
    "END", "Calendar", "CampaignError", "Claim", "DialPolicy", "Next", "Outcome", "Pacer", "PolicyError",
    "Progress", "Question", "ResultRow", "SourceError", "Survey", "SurveyError", "after_outcome",
    "campaign_named", "claim_due", "create_campaign", "finish_attempt", "forbid", "hand_back_lease",
    "hand_to_agent", "load_targets",
    "mark_answered", "next_callable", "next_question", "parse_dates", "parse_survey", "policy_of", "progress",
    "publish", "record_answer", "release_lease", "remaining", "request_run", "results", "runnable", "survey_of",
    "take_lease", "within_window",
]
