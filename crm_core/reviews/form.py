"""A quality-review form as data: a JSON document of sections and items with weights, checked once when it
is published, then scored by pure functions.

    {"title": "Call quality",
     "sections": [
       {"id": "opening", "title": "Opening", "weight": 20,
        "items": [{"id": "greeting", "text": "Greets with name and company", "weight": 1, "max": 5}, ...]},
       {"id": "compliance", "title": "Compliance", "weight": 50, "items": [...]}]}

An item is scored 0..max (whole points). A section's score is its items' points as a share of their
maximum, weighted by the items' weights; the total is the sections' scores weighted by theirs, in per cent
(one decimal). A review must score every item, and only the form's items: a missing or unknown item, or a
score out of range, is refused with the item named.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_SECTIONS = 20
MAX_ITEMS = 40
MAX_POINTS = 100
MAX_WEIGHT = 1000


class ReviewFormError(ValueError):
    """A review form document that cannot be used; the message says where and why."""


class ScoreError(ValueError):
    """Scores that do not fit the form (missing, unknown or out-of-range items); the message names the item."""


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    weight: int
    max: int


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    weight: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ReviewForm:
    title: str
    sections: tuple[Section, ...]

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]


@dataclass(frozen=True)
class Score:
    total_pct: float  # 0.0 .. 100.0, one decimal
    sections_pct: dict[str, float]  # section id -> its own score in per cent

    @property
    def total_tenths(self) -> int:
        return round(self.total_pct * 10)


def parse(text: str) -> ReviewForm:
    try:
        document = json.loads(text)
    except ValueError as bad:
        raise ReviewFormError(f"not valid JSON: {bad}") from None
    return from_document(document)


def from_document(document: Any) -> ReviewForm:
    if not isinstance(document, dict):
        raise ReviewFormError("the form must be a JSON object")
    title = _text(document, "title", "the form")
    sections = document.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= MAX_SECTIONS:
        raise ReviewFormError(f"sections: a list of 1 to {MAX_SECTIONS} sections")
    parsed = tuple(_section(raw, n) for n, raw in enumerate(sections, 1))
    _unique([s.id for s in parsed], "section")
    _unique([i.id for s in parsed for i in s.items], "item")
    return ReviewForm(title, parsed)


def _section(raw: Any, n: int) -> Section:
    where = f"section {n}"
    if not isinstance(raw, dict):
        raise ReviewFormError(f"{where}: must be an object")
    section_id = _id(raw, where)
    items = raw.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        raise ReviewFormError(f"section {section_id}: items: a list of 1 to {MAX_ITEMS} items")
    return Section(section_id, _text(raw, "title", f"section {section_id}"),
                   _whole(raw, "weight", f"section {section_id}", 1, MAX_WEIGHT),
                   tuple(_item(item, section_id, k) for k, item in enumerate(items, 1)))


def _item(raw: Any, section_id: str, k: int) -> Item:
    where = f"section {section_id}, item {k}"
    if not isinstance(raw, dict):
        raise ReviewFormError(f"{where}: must be an object")
    item_id = _id(raw, where)
    where = f"item {item_id}"
    return Item(item_id, _text(raw, "text", where), _whole(raw, "weight", where, 1, MAX_WEIGHT),
                _whole(raw, "max", where, 1, MAX_POINTS))


def _id(raw: Mapping[str, Any], where: str) -> str:
    value = raw.get("id")
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise ReviewFormError(f"{where}: id must be lowercase letters, digits and _ (starting with a letter)")
    return value


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > 300:
        raise ReviewFormError(f"{where}: {key} must be a text of 1 to 300 characters")
    return value.strip()


def _whole(raw: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ReviewFormError(f"{where}: {key} must be a whole number from {low} to {high}")
    return value


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ReviewFormError(f"{what} id {value!r} is used twice")
        seen.add(value)


def check_scores(form: ReviewForm, scores: Mapping[str, Any]) -> dict[str, int]:
    """The scores as {item id: points}, each item of the form scored once within 0..max; else ScoreError."""
    items = {item.id: item for item in form.items()}
    unknown = sorted(set(scores) - set(items))
    if unknown:
        raise ScoreError(f"not an item of this form: {', '.join(unknown)}")
    missing = [item_id for item_id in items if item_id not in scores]
    if missing:
        raise ScoreError(f"not scored: {', '.join(missing)}")
    checked: dict[str, int] = {}
    for item_id, item in items.items():
        value = scores[item_id]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= item.max:
            raise ScoreError(f"{item_id}: a whole number from 0 to {item.max}")
        checked[item_id] = value
    return checked


def score(form: ReviewForm, scores: Mapping[str, Any]) -> Score:
    """Weighted total (per cent) and each section's score; exact fractions, rounded once at the end."""
    points = check_scores(form, scores)
    sections: dict[str, Fraction] = {}
    for section in form.sections:
        weights = sum(item.weight for item in section.items)
        sections[section.id] = sum((Fraction(points[i.id] * i.weight, i.max) for i in section.items),
                                   Fraction(0)) / weights
    total = sum((sections[s.id] * s.weight for s in form.sections), Fraction(0)) / sum(s.weight for s in form.sections)
    return Score(_pct(total), {key: _pct(value) for key, value in sections.items()})


def _pct(share: Fraction) -> float:
    """Per cent with one decimal, halves rounded up (81.25 -> 81.3)."""
    tenths = share * 1000
    return float((tenths.numerator * 2 + tenths.denominator) // (2 * tenths.denominator)) / 10
