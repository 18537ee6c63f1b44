"""Surveys as data: the document is checked when published and its branching is a pure function."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from crm_core.surveys.definition import END, SurveyError, key_value, next_question, parse_survey


def example() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resources.files("crm_core.surveys").joinpath("satisfaction.json").read_text())
    return loaded


def test_the_example_survey_branches_to_the_reason_when_dissatisfied() -> None:
    survey = parse_survey(example())
    assert survey.first() == "satisfaction" and survey.agent_key == "0"
    assert next_question(survey, "satisfaction", {"satisfaction": 2}) == "reason"
    assert next_question(survey, "satisfaction", {"satisfaction": 1}) == "reason"
    assert next_question(survey, "satisfaction", {"satisfaction": 3}) == "recommend"
    assert next_question(survey, "reason", {"satisfaction": 1, "reason": 2}) == END
    assert next_question(survey, "recommend", {"satisfaction": 5, "recommend": 1}) == END
    assert set(survey.texts()) == {"intro", "thanks", "machine", "q:satisfaction", "q:reason", "q:recommend"}


def broken(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(example())
    change(doc)
    return doc


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["questions"][0].update(branches=[{"if": "satisfaction <= 2", "goto": "satisfaction"}]),
     "is not a later question"),
    (lambda d: d["questions"][0].update(branches=[{"if": "recommend <= 2", "goto": "reason"}]),
     "unknown attribute 'recommend'"),
    (lambda d: d["questions"][0].update(branches=[{"if": "satisfaction <=", "goto": "reason"}]), "branches[0].if"),
    (lambda d: d["questions"][1].update(keys="103"), "0 is the key for an agent"),
    (lambda d: d["questions"][1].update(keys=""), "keys"),
    (lambda d: d["questions"][2].update(id="reason"), "same id"),
    (lambda d: d["questions"][0]["text"].pop("en"), "a text in each of zh, en"),
    (lambda d: d["intro"].update(zh=" "), "intro: an empty text"),
    (lambda d: d.update(colour="red"), "unknown field(s) colour"),
    (lambda d: d.update(questions=[]), "a list of 1 to"),
    (lambda d: d["questions"][1].update(next="nowhere"), "'nowhere' is not a later question"),
    (lambda d: d["questions"][1].update(keys="12#"), "(* for 10)"),
    (lambda d: d["questions"][2].update(record=30), "and no keys"),
    (lambda d: d["questions"][2].update(keys="", record=600), "1 to 300"),
    (lambda d: d["questions"][0].update(keys="", record=30), "a recorded comment has no value to branch on"),
])
def test_a_bad_document_is_refused_with_where_and_why(change: Any, message: str) -> None:
    with pytest.raises(SurveyError, match=None) as raised:
        parse_survey(broken(change))
    assert message in str(raised.value), str(raised.value)


def test_not_json_is_refused() -> None:
    with pytest.raises(SurveyError, match="not JSON"):
        parse_survey("{questions: [")


def test_without_a_machine_message_a_machine_hears_nothing() -> None:
    survey = parse_survey(broken(lambda d: d.pop("machine")))
    assert survey.machine == {} and "machine" not in survey.texts()


def test_the_post_call_survey_asks_satisfaction_recommendation_0_to_10_and_an_optional_comment() -> None:
    survey = parse_survey(resources.files("crm_core.surveys").joinpath("post_call.json").read_text())
    assert [q.id for q in survey.questions] == ["satisfaction", "recommend", "comment"]
    assert survey.question("satisfaction").keys == "12345" and not survey.agent_key
    assert survey.question("recommend").keys == "0123456789*"  # * is 10
    assert survey.question("comment").record_seconds == 60 and not survey.question("comment").keys
    assert key_value("*") == 10 and key_value("0") == 0 and key_value("7") == 7
