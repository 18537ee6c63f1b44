"""Review forms as data: the document is checked when read, and scoring weighs items and sections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm_core.reviews import STANDARD_FORM, ReviewFormError, ScoreError, parse, score

FORM = {"title": "Test form", "sections": [
    {"id": "opening", "title": "Opening", "weight": 1, "items": [
        {"id": "greeting", "text": "Greets", "weight": 1, "max": 5},
        {"id": "identity", "text": "Checks identity", "weight": 3, "max": 5}]},
    {"id": "compliance", "title": "Compliance", "weight": 3, "items": [
        {"id": "disclosure", "text": "Discloses risk", "weight": 1, "max": 10}]}]}


def test_full_marks_are_100_and_nothing_is_0() -> None:
    f = parse(json.dumps(FORM))
    assert score(f, {"greeting": 5, "identity": 5, "disclosure": 10}).total_pct == 100.0
    assert score(f, {"greeting": 0, "identity": 0, "disclosure": 0}).total_pct == 0.0


def test_items_weigh_within_a_section_and_sections_weigh_in_the_total() -> None:
    f = parse(json.dumps(FORM))
    result = score(f, {"greeting": 5, "identity": 0, "disclosure": 10})
    # opening: (5/5*1 + 0*3) / 4 = 25 %; compliance 100 %; total (25*1 + 100*3) / 4 = 81.25 %
    assert result.sections_pct == {"opening": 25.0, "compliance": 100.0}
    assert result.total_pct == 81.3  # one decimal, rounded once, halves up
    swapped = score(f, {"greeting": 0, "identity": 5, "disclosure": 10})
    assert swapped.sections_pct["opening"] == 75.0
    assert swapped.total_pct == 93.8
    assert swapped.total_tenths == 938


def test_a_missing_item_is_refused_by_name() -> None:
    f = parse(json.dumps(FORM))
    with pytest.raises(ScoreError, match="not scored: identity"):
        score(f, {"greeting": 5, "disclosure": 10})


def test_an_unknown_item_or_a_score_out_of_range_is_refused() -> None:
    f = parse(json.dumps(FORM))
    with pytest.raises(ScoreError, match="not an item of this form: smile"):
        score(f, {"greeting": 5, "identity": 5, "disclosure": 10, "smile": 1})
    with pytest.raises(ScoreError, match="disclosure: a whole number from 0 to 10"):
        score(f, {"greeting": 5, "identity": 5, "disclosure": 11})
    for bad in (-1, 2.5, True, "5", None):
        with pytest.raises(ScoreError, match="greeting"):
            score(f, {"greeting": bad, "identity": 5, "disclosure": 10})


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("sections"), "sections: a list"),
    (lambda d: d["sections"][0].update(weight=0), "section opening: weight must be a whole number from 1"),
    (lambda d: d["sections"][0]["items"][0].update(max=0), "item greeting: max must be a whole number from 1"),
    (lambda d: d["sections"][0]["items"][1].update(id="greeting"), "item id 'greeting' is used twice"),
    (lambda d: d["sections"][1].update(id="Bad id"), "section 2: id must be"),
    (lambda d: d["sections"][1].update(items=[]), "section compliance: items: a list of 1"),
    (lambda d: d.update(title=""), "the form: title"),
])
def test_an_unusable_form_is_refused_saying_where(change, message) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(json.dumps(FORM))
    change(document)
    with pytest.raises(ReviewFormError, match=message):
        parse(json.dumps(document))


def test_the_shipped_standard_form_is_usable() -> None:
    f = parse(Path(STANDARD_FORM).read_text())
    assert score(f, {item.id: item.max for item in f.items()}).total_pct == 100.0
    with pytest.raises(ReviewFormError, match="not valid JSON"):
        parse("{")
