"""Which calls get the post-call survey, as a pure decision (no I/O, no clock: the time is given).

A call is surveyed when a post-call survey is configured, the call was an inbound one answered by an agent,
its skill is among the policy's categories (none listed: every skill), the client (or, unidentified, the
number) was not surveyed within `quiet_days`, and the call falls in the sample. The sample is drawn from the
call id (`sample_draw`), so a decision can be explained and repeated afterwards."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm_core.surveys.dialing import PolicyError


@dataclass(frozen=True)
class PostCallPolicy:
    survey: str = ""  # the survey's code; "" : no post-call survey
    sample: float = 1.0  # the share of eligible calls surveyed, 0 to 1
    categories: frozenset[str] = frozenset()  # only calls of these skills; empty: every skill
    quiet_days: int = 7  # a client surveyed less than this many days ago is not surveyed again

    def __post_init__(self) -> None:
        if not 0.0 <= self.sample <= 1.0:
            raise PolicyError(f"post-call sample: a share from 0 to 1, not {self.sample}")
        if self.quiet_days < 0:
            raise PolicyError(f"post-call quiet days: 0 or more, not {self.quiet_days}")


def post_call_policy(survey: str, sample: float, categories: str, quiet_days: int) -> PostCallPolicy:
    """The policy from its settings (`categories`: "trading, account"); PolicyError when unusable."""
    wanted = frozenset(c.strip() for c in categories.split(",") if c.strip())
    return PostCallPolicy(survey.strip(), float(sample), wanted, int(quiet_days))


@dataclass(frozen=True)
class CallFacts:
    call_id: str
    inbound: bool
    answered: bool  # an agent answered it
    category: str | None
    last_surveyed: datetime | None  # the client's (or number's) latest post-call survey


@dataclass(frozen=True)
class Choice:
    surveyed: bool
    reason: str  # why (or why not): recorded with a surveyed call, logged otherwise


def sample_draw(call_id: str) -> float:
    """A number in [0, 1) fixed by the call id."""
    return int.from_bytes(hashlib.sha256(call_id.encode()).digest()[:8], "big") / 2 ** 64


def choose(policy: PostCallPolicy, call: CallFacts, now: datetime) -> Choice:
    if not policy.survey:
        return Choice(False, "no post-call survey configured")
    if not call.inbound or not call.answered:
        return Choice(False, "not an inbound call answered by an agent")
    if policy.categories and call.category not in policy.categories:
        return Choice(False, f"category {call.category} not surveyed")
    if call.last_surveyed is not None and now - call.last_surveyed < timedelta(days=policy.quiet_days):
        return Choice(False, f"surveyed less than {policy.quiet_days} days ago")
    if policy.sample >= 1.0:
        return Choice(True, "every call")
    if sample_draw(call.call_id) < policy.sample:
        return Choice(True, f"sampled at {policy.sample:g}")
    return Choice(False, f"not in the {policy.sample:g} sample")
