"""Self-service funds enquiry by phone: trading password checked, funds read out, three failures lock."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from crm_core import audit, calls
from crm_core.models import Alert, CallEvent
from crm_core.trading.demo import seed_demo_trading
from hotline.scripted_call import CallScript
from tests.integration.conftest import Hotline
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor, place_calls, wait_for

PASSWORD = "246810"


def seed(hotline: Hotline) -> None:
    investor_id = add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    with hotline.db.session() as session:
        seed_demo_trading(session, investor_id, cash_cents=1_234_567, password=PASSWORD, bank_password="9999")
    add_agents(hotline.db, [AgentSpec("2003", {"account": 8}), AgentSpec("2005", {"general": 5})])


def finished(hotline: Hotline, call_id: str) -> bool:
    with hotline.db.session() as session:
        return calls.get_call(session, call_id).status in calls.FINAL_STATUSES


def test_funds_are_read_out_after_the_trading_password(hotline: Hotline) -> None:
    seed(hotline)
    hotline.service.start()
    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(
        HOTLINE, "13800000002", ["5", "100000002#", PASSWORD + "#", "2"], talk_seconds=1))]))
    assert wait_for(lambda: finished(hotline, obs.call_id))

    heard = obs.prompts
    start = heard.index("zh/self_funds_before")
    # 12345.67: 一万两千三百四十五 元 六十七 分
    assert heard[start:start + 12] == ["zh/self_funds_before", "zh/num/1", "zh/num/wan", "zh/num/liang",
                                       "zh/num/thousand", "zh/num/3", "zh/num/hundred", "zh/num/4", "zh/num/10",
                                       "zh/num/5", "zh/currency_yuan", "zh/num/6"]
    with hotline.db.session() as session:
        events = calls.events_of(session, obs.call_id)
        kinds = [e.kind for e in events]
        assert "self_service_funds" in kinds and kinds[-3:-1] == ["offered", "answered"]
        logins = audit.entries(session, action_prefix="login")
        assert [(e.outcome, e.call_id) for e in logins] == [("ok", obs.call_id)]
        stored = json.dumps([e.detail for e in session.scalars(select(CallEvent))] + [e.detail for e in logins])
        assert PASSWORD not in stored, "the password's digits are never stored"


def test_three_wrong_passwords_lock_the_account_and_reach_an_operator(hotline: Hotline) -> None:
    seed(hotline)
    hotline.service.start()
    keys = ["5"] + ["100000002#", "111111#"] * 3
    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", keys,
                                                                      talk_seconds=1))]))
    assert wait_for(lambda: finished(hotline, obs.call_id))
    with hotline.db.session() as session:
        call = calls.get_call(session, obs.call_id)
        assert call.category == "general" and call.status == "completed"
        outcomes = [e.detail["outcome"] for e in calls.events_of(session, obs.call_id)
                    if e.kind == "self_service_login"]
        assert outcomes[:2] == ["wrong_password", "wrong_password"] and len(outcomes) == 3
        assert session.scalars(select(Alert)).first() is not None, "the lock raised an alert"
    assert "zh/self_wrong_password" in obs.prompts and "zh/to_operator" in obs.prompts
