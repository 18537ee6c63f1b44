"""Which calls get the post-call survey: the pure decision over a call's facts and the policy's settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm_core.surveys.dialing import PolicyError
from crm_core.surveys.post_call_policy import CallFacts, PostCallPolicy, choose, post_call_policy, sample_draw

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
ALL = PostCallPolicy("post-call")
CALL = CallFacts("c1", inbound=True, answered=True, category="trading", last_surveyed=None)


def test_every_answered_inbound_call_is_surveyed_when_the_policy_says_all() -> None:
    assert choose(ALL, CALL, NOW).surveyed
    assert choose(ALL, CALL, NOW).reason == "every call"


def test_no_survey_configured_no_outbound_call_no_unanswered_call() -> None:
    assert not choose(PostCallPolicy(""), CALL, NOW).surveyed
    outbound = CallFacts("c1", inbound=False, answered=True, category="trading", last_surveyed=None)
    assert choose(ALL, outbound, NOW).reason == "not an inbound call answered by an agent"
    unanswered = CallFacts("c1", inbound=True, answered=False, category="trading", last_surveyed=None)
    assert not choose(ALL, unanswered, NOW).surveyed


def test_only_the_categories_listed() -> None:
    policy = post_call_policy("post-call", 1.0, "account, complaints", 7)
    assert policy.categories == {"account", "complaints"}
    assert choose(policy, CALL, NOW).reason == "category trading not surveyed"
    assert choose(policy, CallFacts("c1", True, True, "account", None), NOW).surveyed


def test_never_twice_within_the_quiet_days_to_one_client() -> None:
    recent = CallFacts("c1", True, True, "trading", NOW - timedelta(days=6, hours=23))
    assert choose(ALL, recent, NOW).reason == "surveyed less than 7 days ago"
    week_ago = CallFacts("c1", True, True, "trading", NOW - timedelta(days=7))
    assert choose(ALL, week_ago, NOW).surveyed
    assert choose(PostCallPolicy("post-call", quiet_days=0), recent, NOW).surveyed


def test_the_sample_is_drawn_from_the_call_id_so_a_decision_can_be_repeated() -> None:
    ids = [f"call-{n}" for n in range(2000)]
    tenth = PostCallPolicy("post-call", sample=0.1)
    picked = [i for i in ids if choose(tenth, CallFacts(i, True, True, "trading", None), NOW).surveyed]
    assert 150 < len(picked) < 250  # about a tenth
    again = [i for i in ids if choose(tenth, CallFacts(i, True, True, "trading", None), NOW).surveyed]
    assert picked == again
    assert all(0.0 <= sample_draw(i) < 1.0 for i in ids)
    assert not any(choose(PostCallPolicy("post-call", sample=0.0), CallFacts(i, True, True, "x", None), NOW).surveyed
                   for i in ids[:100])


def test_an_unusable_policy_is_refused_with_the_reason() -> None:
    with pytest.raises(PolicyError, match="a share from 0 to 1"):
        post_call_policy("post-call", 1.5, "", 7)
    with pytest.raises(PolicyError, match="0 or more"):
        post_call_policy("post-call", 0.5, "", -1)
