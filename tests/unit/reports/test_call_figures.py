"""Every figure of hand-made call timelines whose answers are known: a short abandon, a call answered exactly
at the service-level threshold, transfers (attended and blind), hold, overflow, IVR containment and trades,
a call spanning two intervals and midnight, and an agent's call-back (outbound), which is no queue call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm_core.call_figures import Step, Timeline, contributions, interval_of

T0 = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def queued(steps: list[Step], *, ended: float, status: str = "completed", skill: str = "trading",
           queued_after: float = 10) -> Timeline:
    return Timeline(entered_at=T0, ended_at=at(ended), status=status, skill=skill, queued_at=at(queued_after),
                    steps=steps)


def skill_row(call: Timeline, skill: str = "trading") -> dict[str, int]:
    return contributions(call)[(interval_of(call.entered_at), "skill", skill)]


def test_an_abandon_inside_the_short_threshold_counts_apart() -> None:
    row = skill_row(queued([], ended=14, status="abandoned"))  # waited 4 s
    assert (row["offered"], row["answered"], row["abandoned"]) == (1, 0, 1)
    assert row["abandoned_within_5"] == 1 and row["abandoned_within_10"] == 1
    assert row["max_wait_ms"] == 4000 and row["answer_wait_ms"] == 0
    assert row["answered_within_180"] == 0 and row["talk_ms"] == 0


def test_an_abandon_after_the_short_threshold() -> None:
    row = skill_row(queued([], ended=16.5, status="abandoned"))  # waited 6.5 s
    assert row["abandoned_within_5"] == 0 and row["abandoned_within_10"] == 1 and row["max_wait_ms"] == 6500


def test_a_call_answered_exactly_at_the_threshold_is_within_it() -> None:
    row = skill_row(queued([Step(at(30), "answered", {"agent_id": 7})], ended=90))  # waited 20.000 s
    assert row["answered_within_20"] == 1 and row["answered_within_15"] == 0
    assert (row["answered"], row["answer_wait_ms"], row["talk_ms"], row["hold_ms"]) == (1, 20000, 60000, 0)
    late = skill_row(queued([Step(at(30.001), "answered", {"agent_id": 7})], ended=90))
    assert late["answered_within_20"] == 0 and late["answered_within_30"] == 1


def test_hold_is_taken_out_of_talk_per_agent() -> None:
    call = queued([Step(at(12), "answered", {"agent_id": 3}), Step(at(20), "hold", {"agent_id": 3}),
                   Step(at(35), "unhold", {"agent_id": 3}), Step(at(50), "hold", {"agent_id": 3})], ended=60)
    rows = contributions(call)
    assert (rows[(T0, "skill", "trading")]["talk_ms"], rows[(T0, "skill", "trading")]["hold_ms"]) == (23000, 25000)
    assert rows[(T0, "agent", "3")] == {"answered": 1, "talk_ms": 23000, "hold_ms": 25000, "transferred": 0}


def test_an_attended_transfer_splits_the_call_between_the_agents() -> None:
    call = queued([Step(at(15), "answered", {"agent_id": 1}), Step(at(40), "hold", {"agent_id": 1}),
                   Step(at(70), "transferred", {"from_agent_id": 1, "to_agent_id": 2, "attended": True}),
                   Step(at(100), "hold", {"agent_id": 2}), Step(at(110), "unhold", {"agent_id": 2})], ended=130)
    rows = contributions(call)
    assert rows[(T0, "agent", "1")] == {"answered": 1, "talk_ms": 25000, "hold_ms": 30000, "transferred": 1}
    assert rows[(T0, "agent", "2")] == {"answered": 1, "talk_ms": 50000, "hold_ms": 10000, "transferred": 0}
    skill = rows[(T0, "skill", "trading")]
    assert (skill["answered"], skill["transferred"], skill["talk_ms"], skill["hold_ms"]) == (1, 1, 75000, 40000)
    assert skill["answer_wait_ms"] == 5000


def test_a_blind_transfer_waits_again_and_counts_one_answer() -> None:
    call = queued([Step(at(20), "answered", {"agent_id": 1}),
                   Step(at(50), "transferred", {"from_agent_id": 1, "to_agent_id": 2}),
                   Step(at(51), "offered", {"agent_id": 2, "reason": "transfer"}),
                   Step(at(58), "answered", {"agent_id": 2})], ended=100)
    rows = contributions(call)
    skill = rows[(T0, "skill", "trading")]
    assert (skill["answered"], skill["answer_wait_ms"], skill["talk_ms"], skill["overflowed"]) == (1, 10000, 72000, 0)
    assert rows[(T0, "agent", "1")]["talk_ms"] == 30000 and rows[(T0, "agent", "2")]["talk_ms"] == 42000
    assert rows[(T0, "agent", "1")]["transferred"] == 1


def test_an_overflowed_call() -> None:
    call = queued([Step(at(40), "offered", {"agent_id": 9, "reason": "overflow"}),
                   Step(at(45), "answered", {"agent_id": 9})], ended=60)
    assert skill_row(call)["overflowed"] == 1


def test_a_call_spanning_two_intervals_and_midnight_counts_in_the_interval_it_entered() -> None:
    entered = datetime(2026, 12, 1, 23, 59, 50, tzinfo=UTC)
    call = Timeline(entered_at=entered, ended_at=entered + timedelta(minutes=20), status="completed",
                    skill="funds", queued_at=entered + timedelta(seconds=5),
                    steps=[Step(entered + timedelta(seconds=25), "answered", {"agent_id": 4})])
    rows = contributions(call)
    assert set(rows) == {(datetime(2026, 12, 1, 23, 45, tzinfo=UTC), kind, key)
                         for kind, key in (("ivr", ""), ("skill", "funds"), ("agent", "4"))}
    skill = rows[(datetime(2026, 12, 1, 23, 45, tzinfo=UTC), "skill", "funds")]
    assert (skill["answered_within_20"], skill["talk_ms"]) == (1, 20 * 60_000 - 25_000)


def test_ivr_containment_and_phone_trades() -> None:
    served = Timeline(entered_at=T0, ended_at=at(80), status="completed",
                      steps=[Step(at(30), "trade_confirmed", {"action": "order"}),
                             Step(at(60), "trade_confirmed", {"action": "order"}),
                             Step(at(70), "trade_confirmed", {"action": "cancel"})])
    assert contributions(served) == {(T0, "ivr", ""): {"entered": 1, "contained": 1, "trades": 3},
                                     (T0, "trade", "order"): {"trades": 2}, (T0, "trade", "cancel"): {"trades": 1}}
    failed = Timeline(entered_at=T0, ended_at=at(1), status="failed")
    assert contributions(failed) == {(T0, "ivr", ""): {"entered": 1, "contained": 0, "trades": 0}}
    to_agent = queued([], ended=20, status="abandoned")
    assert contributions(to_agent)[(T0, "ivr", "")]["contained"] == 0


def test_an_agents_call_back_is_not_a_queue_call() -> None:
    """Call-backs exist only as an agent's click-to-dial (outbound): no queue, IVR or agent-answer figure."""
    outbound = Timeline(entered_at=T0, ended_at=at(60), status="completed", inbound=False,
                        steps=[Step(at(5), "answered", {"agent_id": 1})])
    assert contributions(outbound) == {}


def test_a_caller_who_keeps_their_place_waits_only_while_on_the_line() -> None:
    """Queued at 10 s, asked to be called back at 40 s and hung up; called back and answered an hour later: the
    wait is the 30 s on the line (the service level and ASA are not charged the hour the call kept its place)."""
    call = queued([Step(at(40), "callback_requested", {"callback_id": 1}),
                   Step(at(3600), "answered", {"agent_id": 7})], ended=3660)
    row = skill_row(call)
    assert (row["offered"], row["answered"], row["abandoned"]) == (1, 1, 0)
    assert (row["max_wait_ms"], row["answer_wait_ms"]) == (30000, 30000)
    assert row["answered_within_30"] == 1 and row["answered_within_20"] == 0
    assert row["talk_ms"] == 60000
    never = skill_row(queued([Step(at(40), "callback_requested", {"callback_id": 2})], ended=7200, status="failed"))
    assert (never["answered"], never["abandoned"], never["max_wait_ms"]) == (0, 0, 30000)
