"""Outbound survey batches through the real Asterisk, with simulated clients (dialplan hotline-survey-sim)
whose numbers answer and key their answers, are busy, do not answer, answer as a machine (a recorded
greeting, so that AMD() really decides), or ask for an agent. Answers are stored as keyed, retries follow the
outcome's delay, the do-not-call list is respected, the pacing limits are never exceeded, and a service
killed mid-batch and restarted calls no one twice."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from sqlalchemy import select

from crm_core.models import Call, SurveyAnswer, SurveyAttempt, SurveyCampaign, SurveyTarget
from crm_core.surveys.service import create_campaign, forbid, publish, request_run
from tests.integration.conftest import Hotline
from tests.integration.test_phone_trading import sqlite_only
from tests.support.cli import HOTLINE, readme_command
from tests.support.hotline import add_investor, ari_list, ari_request, channels_left, wait_for
from tests.unit.surveys.test_definition import example

SURVEY_ENV = {
    "HOTLINE_SURVEY_DIAL": "Local/{number}@hotline-survey-sim/n", "HOTLINE_SURVEY_RING_SECONDS": "3",
    "HOTLINE_SURVEY_KEY_SECONDS": "3", "HOTLINE_SURVEY_ASKS": "2", "HOTLINE_SURVEY_MAX_CHANNELS": "3",
    "HOTLINE_SURVEY_CALLS_PER_SECOND": "2", "HOTLINE_SURVEY_POLL_SECONDS": "0.3",
    "HOTLINE_SURVEY_LEASE_SECONDS": "4", "HOTLINE_SURVEY_HOLIDAY_COUNTRY": "",
}
ALL_DAY = {"window_from": "00:00", "window_until": "23:59:59"}  # the test runs at any hour


def campaign(hotline: Hotline, code: str, phones: list[str], policy: dict[str, object],
             forbidden: tuple[str, ...] = (), run: bool = True) -> None:
    for phone in phones:
        add_investor(hotline.db, f"5{phone[-8:]}", f"Client {phone[-4:]}", phone, language="en")
    with hotline.db.session() as session:
        from crm_core.models import Campaign, CampaignTarget, Investor

        publish(session, "satisfaction", example())
        marketing = Campaign(code=f"list-{code}", name="list", segment_code="all")
        session.add(marketing)
        session.flush()
        for investor_id in session.scalars(select(Investor.id)):
            session.add(CampaignTarget(campaign_id=marketing.id, investor_id=investor_id))
        for number in forbidden:
            forbid(session, number, "asked not to be called")
        create_campaign(session, code, "satisfaction", f"list:list-{code}", {**ALL_DAY, **policy})
        if run:
            request_run(session, code)


def status(hotline: Hotline, code: str) -> str:
    with hotline.db.session() as session:
        return session.scalars(select(SurveyCampaign.status).where(SurveyCampaign.code == code)).one()


def targets(hotline: Hotline) -> dict[str, tuple[str, int, str | None]]:
    with hotline.db.session() as session:
        return {t.number: (t.status, t.attempts, t.outcome) for t in session.scalars(select(SurveyTarget))}


def attempts(hotline: Hotline) -> list[SurveyAttempt]:
    with hotline.db.session() as session:
        rows = list(session.scalars(select(SurveyAttempt).order_by(SurveyAttempt.id)))
        session.expunge_all()
        return rows


def answers(hotline: Hotline) -> dict[str, dict[str, str]]:
    with hotline.db.session() as session:
        found: dict[str, dict[str, str]] = {}
        for answer, number in session.execute(select(SurveyAnswer, SurveyTarget.number).join(
                SurveyTarget, SurveyTarget.id == SurveyAnswer.target_id)):
            found.setdefault(number, {})[answer.question] = answer.key
        return found


def most_at_once(rows: list[SurveyAttempt]) -> int:
    edges = sorted([(a.started_at, 1) for a in rows] + [(a.ended_at or datetime.max.replace(tzinfo=a.started_at.tzinfo),
                                                          -1) for a in rows], key=lambda e: (e[0], e[1]))
    now = peak = 0
    for _, step in edges:
        now += step
        peak = max(peak, now)
    return peak


def busiest_second(rows: list[SurveyAttempt]) -> int:
    starts = [a.started_at for a in rows]
    return max(sum(1 for s in starts if first <= s < first + timedelta(seconds=1)) for first in starts)


@sqlite_only
def test_a_batch_stores_answers_retries_by_outcome_and_keeps_to_the_limits(hotline: Hotline) -> None:
    hotline.service.start(**SURVEY_ENV)
    assert "hotline-survey" in hotline.asterisk.registered_apps()
    satisfied, unhappy, to_agent, busy, silent, machine, forbidden = (
        "13700000001", "13700000002", "13700000003", "13700000009", "13700000010", "13700000008", "13700000011")
    campaign(hotline, "dec", [satisfied, unhappy, to_agent, busy, silent, machine, forbidden],
             {"max_attempts": 2, "retry_seconds": {"busy": 2, "no_answer": 3, "machine": 3}}, (forbidden,))

    def agent_call() -> list[str]:
        return [c["id"] for c in ari_list(hotline.asterisk, "channels") if "13700000003@hotline-survey-sim" in c["name"]
                and c["id"].startswith("survey-")]

    assert wait_for(lambda: status(hotline, "dec") == "done", timeout=120), (targets(hotline), attempts(hotline))
    # The client who pressed 0 waits in the ACD's queue (no agent is logged in): hang up for the test's end.
    with hotline.db.session() as session:
        queued = session.scalars(select(Call).where(Call.dialed_number == "survey")).one()
        assert (queued.direction, queued.status, queued.category) == ("outbound", "queued", "general"), queued
    for channel_id in agent_call():
        try:
            urllib.request.urlopen(ari_request(hotline.asterisk, "DELETE", f"channels/{channel_id}"), timeout=5)
        except urllib.error.HTTPError as error:  # the ACD may have ended it meanwhile
            assert error.code == 404, error

    assert answers(hotline) == {satisfied: {"satisfaction": "5", "recommend": "1"},
                                unhappy: {"satisfaction": "2", "reason": "3"}}
    found = targets(hotline)
    assert found[satisfied] == ("done", 1, "completed") and found[unhappy] == ("done", 1, "completed")
    assert found[to_agent] == ("done", 1, "agent")
    assert found[busy] == ("exhausted", 2, "busy") and found[silent] == ("exhausted", 2, "no_answer")
    assert found[machine] == ("exhausted", 2, "machine")
    assert found[forbidden] == ("do_not_call", 0, None)
    rows = attempts(hotline)
    assert forbidden not in {a.number for a in rows}
    machine_rows = [a for a in rows if a.number == machine]
    assert all(a.amd and a.amd.startswith("MACHINE") for a in machine_rows), [a.amd for a in machine_rows]
    assert all(a.amd and a.amd.startswith("HUMAN") for a in rows if a.number == satisfied), rows
    for number, delay in ((busy, 2), (silent, 3), (machine, 3)):  # each retry waited its outcome's delay
        first, second = [a for a in rows if a.number == number]
        assert first.ended_at is not None and second.started_at - first.ended_at >= timedelta(seconds=delay)
    assert most_at_once(rows) <= 3 and busiest_second(rows) <= 2, [(a.started_at, a.ended_at) for a in rows]
    assert all(a.ended_at is not None for a in rows)
    assert wait_for(lambda: not channels_left(hotline.asterisk), timeout=10), channels_left(hotline.asterisk)


@sqlite_only
def test_a_service_killed_mid_batch_and_restarted_calls_no_one_twice(hotline: Hotline) -> None:
    hotline.service.start(**SURVEY_ENV)
    # Numbers ending in 4 answer and key nothing: each call lasts the intro and two prompts of the question.
    phones = [f"1370000{n:03d}4" for n in range(6)]
    campaign(hotline, "kill", phones, {"max_attempts": 1})

    def live() -> list[str]:
        return [name for name in channels_left(hotline.asterisk) if "@hotline-survey-sim" in name]

    assert wait_for(lambda: len(attempts(hotline)) >= 3 and live(), timeout=30), attempts(hotline)
    hotline.service.kill()
    dialled_before = {a.number for a in attempts(hotline)}
    assert live(), "Asterisk keeps the calls of a killed service"

    hotline.service.start()
    assert wait_for(lambda: status(hotline, "kill") == "done", timeout=120), (targets(hotline), attempts(hotline))
    rows = attempts(hotline)
    assert sorted(a.number for a in rows) == sorted(phones), "someone was called twice, or forgotten"
    closed_by_the_next = {a.number for a in rows if a.detail.startswith("left open by runner")}
    assert closed_by_the_next and closed_by_the_next <= dialled_before, [(a.number, a.detail) for a in rows]
    found = targets(hotline)
    assert set(found) == set(phones) and all(s in ("done", "exhausted") for s, _, _ in found.values()), found
    assert all(a.ended_at is not None for a in rows)


@sqlite_only
def test_hotline_survey_run_shows_the_batch_progress_to_its_end(hotline: Hotline) -> None:
    hotline.service.start(**SURVEY_ENV)
    campaign(hotline, "cli", ["13700000101", "13700000109", "13700000108"], {"max_attempts": 1}, run=False)

    done = subprocess.run([HOTLINE, *readme_command("hotline survey run dec")[:-1], "cli"], env=hotline.service.env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("cli\tsatisfaction v1\tdone\ttargets 3\tdialled 3\tanswered 2\tcompleted 1\t"
                                  "remaining 0"), done.stdout
    bars = done.stderr.splitlines()
    assert any(b.endswith("remaining 3") for b in bars), bars  # the targets loaded by the batch
    assert bars[-1].endswith("dialled 3  answered 2  completed 1  remaining 0"), bars
    assert len(bars) >= 4, bars  # the bar moved as the calls ended
    assert targets(hotline) == {"13700000101": ("done", 1, "completed"), "13700000109": ("exhausted", 1, "busy"),
                                "13700000108": ("exhausted", 1, "machine")}


@sqlite_only
def test_no_one_is_called_outside_the_window_or_on_a_holiday(hotline: Hotline) -> None:
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    hotline.service.start(**SURVEY_ENV)
    if now.hour >= 2:  # a window that closed earlier today: nobody is due before the day's end, the batch ends
        campaign(hotline, "closed", ["13700000201"], {"window_from": "00:00", "window_until": "01:00",
                                                      "max_attempts": 1})
        # The batch makes the survey's audio first (espeak-ng and sox): seconds on a quiet machine, more under load.
        assert wait_for(lambda: status(hotline, "closed") == "ready", timeout=60), status(hotline, "closed")
    else:  # 00:00-02:00 in Shanghai: no window closed yet today; one later today keeps the batch waiting for it
        campaign(hotline, "closed", ["13700000201"], {"window_from": "22:00", "window_until": "23:00",
                                                      "max_attempts": 1})
        assert wait_for(lambda: status(hotline, "closed") == "running", timeout=60), status(hotline, "closed")
        time.sleep(5)  # long enough for the runner's polls (HOTLINE_SURVEY_POLL_SECONDS in SURVEY_ENV) to dial
    assert attempts(hotline) == [] and targets(hotline) == {"13700000201": ("pending", 0, None)}

    hotline.service.stop()
    hotline.service.start(HOTLINE_SURVEY_EXTRA_HOLIDAYS=now.date().isoformat())  # today is a holiday
    campaign(hotline, "holiday", ["13700000202"], {"max_attempts": 1})
    assert wait_for(lambda: status(hotline, "holiday") == "ready", timeout=60), status(hotline, "holiday")
    assert attempts(hotline) == [] and targets(hotline)["13700000202"] == ("pending", 0, None)
    assert not [name for name in channels_left(hotline.asterisk) if "@hotline-survey-sim" in name]
