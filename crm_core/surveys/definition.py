"""A survey as data: a JSON document, checked once when it is published, then evaluated by pure functions.

    {"title": "After-call satisfaction",
     "intro":   {"zh": "...", "en": "Hello, this is Hotline with a short survey."},
     "thanks":  {"zh": "...", "en": "Thank you. Goodbye."},
     "machine": {"zh": "...", "en": "We will call again."},          # optional: said to an answering machine
     "agent_key": "0",                                               # optional: "press 0 for an agent"
     "questions": [
       {"id": "satisfaction", "text": {...}, "keys": "12345",
        "branches": [{"if": "satisfaction <= 2", "goto": "reason"}], "next": "end"},
       {"id": "reason", "text": {...}, "keys": "123", "next": "end"}]}

A question is answered by one key (`keys`; `*` counts 10, for a 0 to 10 scale: "0123456789*"), or, with
`"record": SECONDS` instead of keys, by a spoken comment recorded for at most that long (optional: any key
during its prompt skips it; # ends it; so does hanging up). Questions are asked in order from the first;
after an answer the first branch whose condition holds (the expression language of crm_core.expr over the
answers so far, as numbers) gives the next question, else `next` (default: the following question; "end"
ends the survey). Branches only go forward, so a survey always ends. The client may press `agent_key` at any
question to be handed to an agent (the texts say where it is worth offering)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm_core.expr import ExpressionError, Node, compile_rule, evaluate, truthy

LANGUAGES = ("zh", "en")
END = "end"
MAX_QUESTIONS = 30
STAR = "*"  # the key that answers 10
MAX_RECORD_SECONDS = 300


class SurveyError(ValueError):
    """A survey document that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Branch:
    condition: str
    goto: str
    rule: Node


@dataclass(frozen=True)
class Question:
    id: str
    text: Mapping[str, str]
    keys: str  # the keys that answer it, one each ("" for a recorded comment)
    branches: tuple[Branch, ...]
    next: str  # a question id or END
    record_seconds: int = 0  # a spoken comment recorded for at most this long; 0: a keyed answer


@dataclass(frozen=True)
class Survey:
    title: str
    intro: Mapping[str, str]
    thanks: Mapping[str, str]
    machine: Mapping[str, str]  # empty: an answering machine hears nothing
    agent_key: str  # "" : no hand-over to an agent
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def first(self) -> str:
        return self.questions[0].id

    def texts(self) -> dict[str, Mapping[str, str]]:
        """Every text the survey speaks, by prompt name: "intro", "thanks", "machine", "q:<id>"."""
        found: dict[str, Mapping[str, str]] = {"intro": self.intro, "thanks": self.thanks}
        if self.machine:
            found["machine"] = self.machine
        found.update({f"q:{q.id}": q.text for q in self.questions})
        return found


def key_value(key: str) -> int:
    """What a key answers, as a number: its digit, or 10 for `*` (the top of a 0 to 10 scale)."""
    return 10 if key == STAR else int(key)


def next_question(survey: Survey, current: str, answers: Mapping[str, int]) -> str:
    """The question after `current` given the answers so far (END when the survey is over)."""
    question = survey.question(current)
    for branch in question.branches:
        if truthy(evaluate(branch.rule, answers)):
            return branch.goto
    return question.next


def parse_survey(document: str | Mapping[str, Any]) -> Survey:
    """The survey a JSON document (text or already loaded) describes; SurveyError when it is not usable."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise SurveyError(f"not JSON: {exc}") from exc
    if not isinstance(document, Mapping):
        raise SurveyError("a survey is a JSON object")
    _only(document, {"title", "intro", "thanks", "machine", "agent_key", "questions"}, "survey")
    raw = document.get("questions")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_QUESTIONS:
        raise SurveyError(f"questions: a list of 1 to {MAX_QUESTIONS} questions")
    ids = [q.get("id") if isinstance(q, Mapping) else None for q in raw]
    for i, qid in enumerate(ids):
        if not isinstance(qid, str) or not qid.isidentifier() or qid == END:
            raise SurveyError(f"questions[{i}].id: a name of letters, digits and _ (not {END!r})")
    if len(set(ids)) != len(ids):
        raise SurveyError("questions: two questions have the same id")
    agent_key = str(document.get("agent_key", ""))
    if agent_key and agent_key not in "0123456789*#" or len(agent_key) > 1:
        raise SurveyError("agent_key: one key, or \"\" for no hand-over")
    questions = tuple(_question(q, i, ids, agent_key) for i, q in enumerate(raw))  # type: ignore[arg-type]
    return Survey(str(document.get("title", "")), _texts(document.get("intro"), "intro"),
                  _texts(document.get("thanks"), "thanks"),
                  _texts(document["machine"], "machine") if document.get("machine") else {},
                  agent_key, questions)


def _question(raw: Mapping[str, Any], index: int, ids: list[str], agent_key: str) -> Question:
    where = f"questions[{index}] ({raw['id']})"
    _only(raw, {"id", "text", "keys", "branches", "next", "record"}, where)
    keys = str(raw.get("keys", ""))
    record = raw.get("record", 0)
    if record:
        if keys or not isinstance(record, int) or isinstance(record, bool) or not 1 <= record <= MAX_RECORD_SECONDS:
            raise SurveyError(f"{where}.record: the longest comment in seconds, 1 to {MAX_RECORD_SECONDS}, "
                              "and no keys")
    elif not keys or not all(k in "0123456789" + STAR for k in keys) or len(set(keys)) != len(keys):
        raise SurveyError(f"{where}.keys: the keys that answer it, e.g. \"12345\" (* for 10)")
    if agent_key and agent_key in keys:
        raise SurveyError(f"{where}.keys: {agent_key} is the key for an agent")
    if record and raw.get("branches"):
        raise SurveyError(f"{where}.branches: a recorded comment has no value to branch on")
    later = set(ids[index + 1:]) | {END}
    default = ids[index + 1] if index + 1 < len(ids) else END
    following = str(raw.get("next", default))
    if following not in later:
        raise SurveyError(f"{where}.next: {following!r} is not a later question or {END!r}")
    branches = []
    for j, branch in enumerate(raw.get("branches", [])):
        if not isinstance(branch, Mapping) or set(branch) != {"if", "goto"}:
            raise SurveyError(f"{where}.branches[{j}]: {{\"if\": condition, \"goto\": question}}")
        if branch["goto"] not in later:
            raise SurveyError(f"{where}.branches[{j}].goto: {branch['goto']!r} is not a later question or {END!r}")
        try:
            rule = compile_rule(str(branch["if"]), set(ids[:index + 1]))
        except ExpressionError as exc:
            raise SurveyError(f"{where}.branches[{j}].if: {exc}") from exc
        branches.append(Branch(str(branch["if"]), str(branch["goto"]), rule))
    return Question(str(raw["id"]), _texts(raw.get("text"), f"{where}.text"), keys, tuple(branches), following,
                    int(record or 0))


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or set(value) != set(LANGUAGES):
        raise SurveyError(f"{where}: a text in each of {', '.join(LANGUAGES)}")
    texts = {lang: str(value[lang]).strip() for lang in LANGUAGES}
    if not all(texts.values()):
        raise SurveyError(f"{where}: an empty text")
    return texts


def _only(value: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise SurveyError(f"{where}: unknown field(s) {', '.join(unknown)}")


MIN_SCALE = 5  # keys in a run that make a question a score


@dataclass(frozen=True)
class Scale:
    """A question answered on a scale of numbers (a score): its lowest and highest values."""

    low: int
    high: int

    def is_top(self, value: int) -> bool:
        """A top score: the highest value; on a scale of more than 5 points (0 to 10) the top two (9 and 10, the
        promoters as NPS counts them)."""
        return value >= (self.high - 1 if self.high - self.low + 1 > MIN_SCALE else self.high)

    def per_cent(self, value: int) -> float:
        """Where the value sits on the scale, 0 (lowest) to 100 (highest): scales of different lengths side by side."""
        return 100 * (value - self.low) / (self.high - self.low)


def scale_of(question: Question) -> Scale | None:
    """The question's scale when its keys are a run of at least 5 consecutive values (1 to 5, 0 to 10); None for
    a choice (yes or no, a reason) or a spoken comment, which have no average."""
    if question.record_seconds or len(question.keys) < MIN_SCALE:
        return None
    values = sorted(key_value(k) for k in question.keys)
    return Scale(values[0], values[-1]) if values == list(range(values[0], values[-1] + 1)) else None
