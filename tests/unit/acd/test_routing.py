"""Routing decisions: skill level, idle time, VIP priority, overflow, languages."""

from ari_apps.acd.routing import RoutableAgent, Router, WaitingCall


def router() -> Router:
    return Router(overflow_skill="general", overflow_after=30, any_agent_after=120)


def agent(agent_id: int, skills: dict[str, int], idle_since: float = 0.0, languages=("zh",)) -> RoutableAgent:
    return RoutableAgent(agent_id, skills, frozenset(languages), idle_since)


def call(call_id: str, skill: str = "trading", priority: int = 0, entered_at: float = 0.0,
         language: str = "zh") -> WaitingCall:
    return WaitingCall(call_id, skill, language, priority, entered_at)


def test_highest_skill_level_wins_then_longest_idle() -> None:
    r = router()
    r.agent_free(agent(1, {"trading": 3}, idle_since=0))
    r.agent_free(agent(2, {"trading": 8}, idle_since=50))
    r.agent_free(agent(3, {"trading": 8}, idle_since=10))
    c = call("a")
    r.call_waiting(c, now=100)
    decision = r.best_agent_for(c)
    assert decision is not None and decision.agent_id == 3 and decision.reason == "skill"


def test_agent_without_skill_or_language_is_not_chosen() -> None:
    r = router()
    r.agent_free(agent(1, {"account": 9}))
    r.agent_free(agent(2, {"trading": 9}, languages=("en",)))
    c = call("a")
    r.call_waiting(c, now=1)
    assert r.best_agent_for(c) is None


def test_vip_overtakes_earlier_ordinary_call() -> None:
    r = router()
    r.call_waiting(call("ordinary", entered_at=0), now=5)
    r.call_waiting(call("vip", priority=10, entered_at=4), now=5)
    r.agent_free(agent(1, {"trading": 5}))
    decision = r.best_call_for(1)
    assert decision is not None and decision.call_id == "vip"
    assert r.position("ordinary") == 2


def test_overflow_after_wait_reaches_general_desk_then_anyone() -> None:
    r = router()
    r.agent_free(agent(1, {"general": 5}))
    r.agent_free(agent(2, {"account": 5}, idle_since=-1))
    c = call("a", entered_at=0)
    r.call_waiting(c, now=10)
    assert r.dispatch(now=10) == []
    decisions = r.dispatch(now=31)
    assert [(d.call_id, d.agent_id, d.reason) for d in decisions] == [("a", 1, "overflow")]
    c2 = call("b", entered_at=0)
    r.call_waiting(c2, now=31)
    assert r.dispatch(now=60) == []
    assert [(d.agent_id, d.reason) for d in r.dispatch(now=121)] == [(2, "any agent")]


def test_assigned_agent_and_call_leave_the_indexes() -> None:
    r = router()
    r.agent_free(agent(1, {"trading": 5}))
    r.call_waiting(call("a"), now=0)
    r.call_waiting(call("b", entered_at=1), now=1)
    decisions = r.dispatch(now=2)
    assert [d.call_id for d in decisions] == ["a"]
    assert not r.is_free(1)
    assert [c.id for c in r.waiting()] == ["b"]
    assert r.best_call_for(1) is None


def test_an_agent_whose_phone_cannot_be_rung_is_never_offered_a_call() -> None:
    r = router()
    r.agent_free(RoutableAgent(1, {"trading": 9}, frozenset({"zh"}), 0.0, reachable=False))
    r.agent_free(agent(2, {"trading": 3}))
    c = call("a")
    r.call_waiting(c, now=1)
    decision = r.best_agent_for(c)
    assert decision is not None and decision.agent_id == 2  # the better-skilled agent has no phone
    assert not r.is_free(1)
    r.agent_free(agent(1, {"trading": 9}))  # the phone registered
    assert r.best_call_for(1) is not None and r.best_agent_for(c).agent_id == 1  # type: ignore[union-attr]
