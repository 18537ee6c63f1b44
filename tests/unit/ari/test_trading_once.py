"""Which confirmation a recovered call must finish: the last one written down and not reported."""

from __future__ import annotations

from ari_apps.ivr.trading.once import CONFIRMED, REPORTED, _confirm, pending
from crm_core import calls
from crm_core.db import Database


def test_the_unreported_confirmation_is_pending_and_steps_keep_counting(database: Database) -> None:
    with database.session() as session:
        call = calls.open_call(session, channel_id="c1", caller_number="13800000001", dialed_number="95500")
        call_id = call.id
        assert pending(session, call_id) is None
        first = _confirm(session, call_id, "order", {"side": "buy", "code": "600036"})
        calls.record_event(session, call_id, REPORTED, request_id=first, outcome="accepted")
        assert pending(session, call_id) is None
        second = _confirm(session, call_id, "transfer", {"direction": "bank_to_broker", "amount_cents": 100})
    assert (first, second) == (f"{call_id}:1", f"{call_id}:2")
    with database.session() as session:
        detail = pending(session, call_id)
        assert detail is not None and detail["request_id"] == second and detail["action"] == "transfer"
        assert [e.kind for e in calls.events_of(session, call_id)][-3:] == [CONFIRMED, REPORTED, CONFIRMED]
