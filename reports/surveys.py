"""Survey scores by the interval the survey was taken in, its channel (post-call, outbound, web), survey version,
question, agent and skill (crm_core.surveys.results `taken`): for each question answered on a scale (a score,
crm_core.surveys.definition `scale_of`): responses (the surveys of that version taken), answers (those that
answered the question: one a branch skipped, or a caller who hung up before it, counts in responses only), the
average score and the share of top scores (`Scale.is_top`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import SurveyVersion
from crm_core.surveys.definition import Scale, parse_survey, scale_of
from crm_core.surveys.results import Taken, taken
from reports.charts import BarChart
from reports.contact_centre import Cell, Options, Report, agent_names
from reports.periods import bucket, label

COLUMNS = ["interval", "channel", "survey", "question", "scale", "agent", "name", "skill", "responses", "answers",
           "avg_score", "top_pct"]


@dataclass(frozen=True)
class Version:
    name: str  # code v<version>
    scales: dict[str, Scale]  # question -> scale, in the survey's order


@dataclass
class Scores:
    responses: int = 0
    answers: int = 0
    total: int = 0
    top: int = 0

    def row(self) -> list[Cell]:
        return [self.responses, self.answers, round(self.total / self.answers, 2) if self.answers else None,
                round(100 * self.top / self.answers, 1) if self.answers else None]


Key = tuple[datetime, str, str, str, str, str, str]  # interval, channel, survey, question, scale, agent, skill


def scores(surveys: Iterable[Taken], versions: dict[int, Version], interval: str, zone: str,
           names: dict[str, tuple[str, str]]) -> list[list[Cell]]:
    """The report's rows: per interval, channel, version, scored question, agent and skill."""
    found: dict[Key, Scores] = {}
    for survey in surveys:
        version = versions[survey.version_id]
        agent = names.get(str(survey.agent_id), (f"#{survey.agent_id}", ""))[0] if survey.agent_id else ""
        for question, scale in version.scales.items():
            key = (bucket(survey.at, interval, zone), survey.channel, version.name, question,
                   f"{scale.low}-{scale.high}", agent, survey.skill or "")
            into = found.setdefault(key, Scores())
            into.responses += 1
            value = survey.values.get(question)
            if value is not None:
                into.answers, into.total = into.answers + 1, into.total + value
                into.top += scale.is_top(value)
    job_names = {job: name for job, name in names.values()}
    return [[label(at, interval), channel, survey, question, scale, agent or None, job_names.get(agent) or None,
             skill or None, *s.row()]
            for (at, channel, survey, question, scale, agent, skill), s in sorted(found.items())]


def by_agent(surveys: Iterable[Taken], versions: dict[int, Version],
             names: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Job number → the average of every score the agent got, each as a per cent of its scale (0 lowest, 100
    highest), so that 1-to-5 and 0-to-10 answers average together."""
    sums: dict[str, tuple[float, int]] = {}
    for survey in surveys:
        if survey.agent_id is None:
            continue
        agent = names.get(str(survey.agent_id), (f"#{survey.agent_id}", ""))[0]
        for question, scale in versions[survey.version_id].scales.items():
            if (value := survey.values.get(question)) is not None:
                total, count = sums.get(agent, (0.0, 0))
                sums[agent] = (total + scale.per_cent(value), count + 1)
    return {agent: round(total / count, 1) for agent, (total, count) in sums.items()}


def versions_of(session: Session, ids: set[int]) -> dict[int, Version]:
    out = {}
    for row in session.scalars(select(SurveyVersion).where(SurveyVersion.id.in_(ids))):
        survey = parse_survey(row.document)
        out[row.id] = Version(f"{row.code} v{row.version}",
                              {q.id: s for q in survey.questions if (s := scale_of(q)) is not None})
    return out


def surveys(session: Session, start: datetime, end: datetime, options: Options) -> Report:
    found = taken(session, start, end)
    versions = versions_of(session, {t.version_id for t in found})
    return Report(COLUMNS, scores(found, versions, options.interval, options.zone, agent_names(session)))


def survey_charts(session: Session, start: datetime, end: datetime, options: Options) -> list[BarChart]:
    found = taken(session, start, end)
    averages = by_agent(found, versions_of(session, {t.version_id for t in found}), agent_names(session))
    agents = sorted(averages)
    return [BarChart("Survey score per agent over the period (% of the scale)", agents,
                     [averages[a] for a in agents], "%", 100.0)]
