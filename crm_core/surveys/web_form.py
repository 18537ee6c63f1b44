"""The survey as a web form, one question a page like the phone asks them, so that the survey's branching is
followed exactly (crm_core.surveys.definition.next_question over the answers so far). Pure functions.

What a form cannot do, said on the page (`limits`): a recorded spoken comment (`"record"`) is asked only by
phone and skipped here; the key for an agent (`agent_key`) has no meaning on the web."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crm_core.surveys.definition import END, Question, Survey, key_value, next_question


class FormError(ValueError):
    """An answer the form refuses: not the question asked now, or not one of its choices."""


@dataclass(frozen=True)
class Choice:
    key: str  # stored as the phone stores it
    label: str  # what it answers: 1..9, or 10 for `*`


def values(answers: Mapping[str, str]) -> dict[str, int]:
    """Stored keys as the numbers branches compare."""
    return {question: key_value(key) for question, key in answers.items()}


def current(survey: Survey, answers: Mapping[str, str]) -> str:
    """The question to ask now given the stored answers (END when none is left), following the branches and
    skipping what a form cannot ask (a recorded comment)."""
    at = survey.first()
    while at != END:
        question = survey.question(at)
        if question.record_seconds:
            at = question.next  # no branches on a comment (checked when published)
        elif question.id in answers:
            at = next_question(survey, at, values(answers))
        else:
            return at
    return END


def choices(question: Question) -> list[Choice]:
    return [Choice(key, str(key_value(key))) for key in question.keys]


def check(survey: Survey, answers: Mapping[str, str], question_id: str, key: str) -> str:
    """The answer `key` to `question_id`, checked: it must be the question asked now (a stale page, a replayed
    post, a skipped branch are refused) and one of its keys. Returns the question after it (or END)."""
    asked = current(survey, answers)
    if asked == END:
        raise FormError("the survey is already answered")
    if question_id != asked:
        raise FormError("this question is not the one to answer now: reload the page")
    if not isinstance(key, str) or len(key) != 1 or key not in survey.question(asked).keys:
        raise FormError("choose one of the answers")
    return next_question(survey, asked, values({**answers, asked: key}))


def limits(survey: Survey) -> list[str]:
    """What the form leaves out that the phone does, in words for the page."""
    said = []
    if any(q.record_seconds for q in survey.questions):
        said.append("spoken comments are asked only by phone")
    if survey.agent_key:
        said.append("to speak to an agent, call us")
    return said
