"""`[survey]` in hotline.toml: how survey calls are dialled, paced and run; hotline/settings.py composes it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SurveySettings:
    dial: str = ""  # the dial string for a client's number ("{number}"); "" : acd.outbound_dial
    ring_seconds: int = 30
    key_seconds: float = 6.0  # the wait for a key once a question has been asked
    asks: int = 2  # how many times a question is asked before the call gives up on it
    max_channels: int = 10  # survey calls under way at once, never more
    calls_per_second: float = 2.0  # calls started in any second, never more
    amd: bool = True  # AMD() decides between a person and an answering machine before the survey
    machine_message: bool = True  # a machine hears the survey's short message; false: hung up at once
    agent_skill: str = "general"  # the ACD skill a client who asks for an agent is queued for
    lease_seconds: float = 30.0  # a runner's hold on a campaign, renewed while it runs
    holiday_country: str = "CN"  # public holidays of this country are never called ("" : none)
    extra_holidays: str = ""  # more dates no one is called on, "2026-12-24, 2026-12-31"
    poll_seconds: float = 1.0  # how often a running batch looks for targets that became due
    batch_campaigns: str = ""  # campaigns the nightly batch runs, "satisfaction-dec, vip-dec"
    # The post-call survey: the caller stays on the line when the agent hangs up and hears this survey.
    post_call: str = ""  # the survey's code (published with `hotline survey publish`); "" : none
    post_call_sample: float = 1.0  # the share of eligible calls surveyed, 0 to 1
    post_call_categories: str = ""  # only calls of these skills, "trading, account"; "" : every skill
    post_call_quiet_days: int = 7  # never surveyed again within this many days (per client, else number)
