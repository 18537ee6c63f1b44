"""The supervisor board's counts for today (moved from hotline/telephony_port.py to reports/live.py, figures
unchanged): per skill answered, abandoned, answered within 20 s of queueing; every call that entered today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm_core.call_figures import Step, Timeline
from crm_core.db import Database
from reports.live import today_stats
from tests.unit.reports.timelines import ensure_agents, write_call


def test_today_stats_as_the_board_shows_them(database: Database) -> None:
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    with database.session() as session:
        ensure_agents(session, 1)
        for entered, wait, skill in ((midnight + timedelta(seconds=1), 20, "trading"),
                                     (midnight + timedelta(seconds=2), 21, "trading"),
                                     (midnight - timedelta(seconds=60), 1, "trading")):  # yesterday
            queued = entered + timedelta(seconds=3)
            write_call(session, Timeline(entered_at=entered, ended_at=queued + timedelta(seconds=60),
                                         status="completed", skill=skill, queued_at=queued,
                                         steps=[Step(queued + timedelta(seconds=wait), "answered", {"agent_id": 1})]))
        write_call(session, Timeline(entered_at=midnight + timedelta(seconds=5), status="abandoned",
                                     ended_at=midnight + timedelta(seconds=9), skill="funds",
                                     queued_at=midnight + timedelta(seconds=6)))
        write_call(session, Timeline(entered_at=midnight + timedelta(seconds=7), status="completed",
                                     ended_at=midnight + timedelta(seconds=30)))
    with database.session() as session:
        assert today_stats(session) == {
            "by_skill": {"trading": {"answered": 2, "abandoned": 0, "within_target": 1},
                         "funds": {"answered": 0, "abandoned": 1, "within_target": 0}},
            "calls_today": 4}
