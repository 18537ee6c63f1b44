"""Callbacks in the queue report, on both backends: asked in the queue, at the desk and on the portal; made once
however many attempts (and a restart's lost one); reached, failed after all attempts, cancelled, each counted
once whatever is called twice, in the interval the callback was asked in; a rebuild gives the same rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm_core import callbacks, calls
from crm_core.call_figures import interval_of
from crm_core.callback_figures import CallbackFacts, callback_rows
from crm_core.db import Database
from crm_core.models.base import utcnow
from crm_core.models.report_interval import CALLBACK_COUNTS
from crm_core.report_intervals import rebuild
from reports import contact_centre
from reports.contact_centre import Options
from tests.support.hotline import AgentSpec, add_agents, add_investor
from tests.unit.reports.timelines import aggregate_rows

ASKED = datetime(2026, 12, 2, 9, 37, 12, tzinfo=UTC)


def test_what_a_callback_adds_where_it_was_asked() -> None:
    slot = (datetime(2026, 12, 2, 9, 30, tzinfo=UTC), "skill", "trading")
    assert callback_rows(CallbackFacts(ASKED, "trading", "portal", False, "cancelled")) == {
        slot: {"callbacks_portal": 1, "callbacks_cancelled": 1}}
    assert callback_rows(CallbackFacts(ASKED, "trading", "scheduled", True, "failed")) == {
        slot: {"callbacks_desk": 1, "callbacks_made": 1, "callbacks_failed": 1}}
    assert callback_rows(CallbackFacts(ASKED, "trading", "queue", True, "pending")) == {
        slot: {"callbacks_queue": 1, "callbacks_made": 1}}  # retried later: made, not ended yet


def test_callbacks_in_the_queue_report_once_each_and_rebuilt_the_same(database: Database) -> None:
    agent = add_agents(database, [AgentSpec("2001", {"trading": 9})])["2001"]
    desk_client = add_investor(database, "100000002", "Li Wei", "13800000002")
    portal_client = add_investor(database, "100000003", "Wang Fang", "13800000003")
    now = utcnow()
    with database.session() as session:
        # The caller keeps their place, is called back and answers (connected twice: counted once).
        inbound = calls.open_call(session, channel_id="ch-1", caller_number="13800000001", dialed_number="95500")
        calls.mark_queued(session, inbound.id, category="trading", language="zh", priority=0)
        callbacks.take_in_queue(session, inbound.id, number="13800000001", skill="trading", language="zh",
                                priority=0, entered_at=now)
        assert callbacks.claim_attempt(session, inbound.id)
        callbacks.attempt_started(session, inbound.id, agent_id=agent)
        callbacks.connected(session, inbound.id)
        callbacks.connected(session, inbound.id)
        # The desk's: dialled, lost in a restart, dialled again, not answered, dialled, attempts spent.
        callbacks.schedule(session, agent_id=agent, investor_id=desk_client, at=now, skill="trading", note="",
                           key="desk:1")
        [due] = callbacks.open_due(session, now)
        assert callbacks.claim_attempt(session, due.call_id)
        callbacks.attempt_started(session, due.call_id, agent_id=agent)
        callbacks.open_pending(session)
        assert callbacks.claim_attempt(session, due.call_id)
        callbacks.attempt_started(session, due.call_id, agent_id=agent)
        callbacks.retry_later(session, due.call_id, attempts=1, due_at=now.timestamp())
        assert callbacks.claim_attempt(session, due.call_id)
        callbacks.attempt_started(session, due.call_id, agent_id=agent)
        callbacks.give_up(session, due.call_id, attempts=2, agent_id=agent)
        callbacks.give_up(session, due.call_id, attempts=2, agent_id=agent)
        # The client asks on the portal, then cancels (twice: one).
        asked = callbacks.request_for_client(session, portal_client, at=now + timedelta(hours=1), topic="trading",
                                             now=now, key="portal:1")
        callbacks.cancel(session, portal_client, asked.id, now, by=f"investor:{portal_client}")
        callbacks.cancel(session, portal_client, asked.id, now, by=f"investor:{portal_client}")
    day = interval_of(now).replace(hour=0, minute=0)
    period = (day, day + timedelta(days=1))
    with database.session() as session:
        [row] = contact_centre.queues(session, *period, Options("day")).rows
        figures = dict(zip(CALLBACK_COUNTS, row[-len(CALLBACK_COUNTS):], strict=True))
        assert row[1:3] == ["trading", 0]  # no inbound call ended yet: none offered
        assert figures == {"callbacks_queue": 1, "callbacks_desk": 1, "callbacks_portal": 1, "callbacks_made": 2,
                           "callbacks_reached": 1, "callbacks_failed": 1, "callbacks_cancelled": 1}
        kept = aggregate_rows(session)
        rebuild(session, *period)
        assert aggregate_rows(session) == kept
