"""Staff and customer rows for the console tests, on both database backends (the `database` fixture)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from aiohttp.test_utils import TestClient, TestServer

from console.app import build_app
from console.ports import LiveEvents
from crm_core import calls
from crm_core.agents import create_agent
from crm_core.attributes.definitions import seed_definitions
from crm_core.attributes.values import set_value
from crm_core.db import Database
from crm_core.models import (
    Call,
    CallDisposition,
    Complaint,
    Investor,
    InvestorPhone,
    Reminder,
    SegmentMembership,
    TradingAccount,
    TradingPosition,
)
from crm_core.models.base import utcnow
from tests.unit.console.doubles import FakeTelephony

T = TypeVar("T")
PASSWORD = "correct horse 42"


@dataclass(frozen=True)
class Staff:
    agent_id: int
    supervisor_id: int
    other_agent_id: int


@dataclass(frozen=True)
class Customer:
    investor_id: int
    call_id: str
    previous_call_id: str


@pytest.fixture
def staff(database: Database) -> Staff:
    with database.session() as session:
        agent = create_agent(session, job_number="1001", name="Li Na", password=PASSWORD, sip_password="sip1001",
                             languages=["zh"], skills={"general": 5})
        supervisor = create_agent(session, job_number="9001", name="Wang Fang", password=PASSWORD,
                                  sip_password="sip9001", languages=["zh"], skills={}, role="supervisor")
        other = create_agent(session, job_number="1002", name="Zhao Lei", password=PASSWORD, sip_password="s1002",
                             languages=["en"], skills={"general": 3})
        return Staff(agent.id, supervisor.id, other.id)


def add_customer(database: Database, agent_id: int, *, name: str = "Chen Jing", risk_class: str = "C4",
                 number: str = "13800138000") -> Customer:
    """An investor assessed `risk_class` (declared and computed), with a trading account holding 100 600519,
    a segment, a complaint, a reminder, a past call with a note, and a current call that took the IVR path
    menu 2 → invalid → menu 1 and was answered by `agent_id`."""
    now = utcnow()
    with database.session() as session:
        investor = Investor(account_number=f"A{number[-6:]}", name=name, investor_class="professional",
                            risk_class=risk_class, vip=True)
        session.add(investor)
        session.flush()
        account = TradingAccount(investor_id=investor.id, account_number=f"T{number[-6:]}", cash_cents=1_234_567,
                                 frozen_cents=34_567, password_hash="x")
        session.add(account)
        session.flush()
        seed_definitions(session)
        set_value(session, investor.id, "risk_class", risk_class)
        session.add_all([
            InvestorPhone(investor_id=investor.id, number=number),
            TradingPosition(account_id=account.id, security_code="600519", quantity=100, cost_cents=15_000_000),
            SegmentMembership(investor_id=investor.id, segment_code="hnw", path="all/retail/hnw"),
            Complaint(investor_id=investor.id, category="fees", summary="commission too high"),
            Complaint(investor_id=investor.id, category="old", summary="closed one", status="closed"),
            Reminder(investor_id=investor.id, agent_id=agent_id, text="renew questionnaire",
                     due_at=now + timedelta(days=3)),
        ])
        previous = Call(channel_id="old-1", caller_number=number, investor_id=investor.id, status="completed",
                        agent_id=agent_id, entered_at=now - timedelta(days=2))
        session.add(previous)
        session.flush()
        session.add(CallDisposition(call_id=previous.id, agent_id=agent_id, code="resolved",
                                    note="explained the fee schedule"))
        call = calls.open_call(session, channel_id="chan-1", caller_number=number, dialed_number="95555")
        calls.identify(session, call.id, investor, "number")
        calls.record_event(session, call.id, "menu", choice="2")
        calls.record_event(session, call.id, "invalid_choice", choice="9")
        calls.record_event(session, call.id, "menu", choice="1")
        calls.mark_queued(session, call.id, category="trading", language="zh", priority=1)
        calls.mark_answered(session, call.id, agent_id)
        return Customer(investor.id, call.id, previous.id)


@asynccontextmanager
async def console_client(database: Database, telephony: FakeTelephony, events: LiveEvents | None = None,
                         **options: Any) -> AsyncIterator[TestClient[Any, Any]]:
    app = build_app(database, telephony, events or LiveEvents(), **options)
    async with TestClient(TestServer(app)) as client:
        yield client


async def login(client: TestClient[Any, Any], job_number: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/login", json={"job_number": job_number, "password": password})
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


def run(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the scenario on a fresh loop in its own thread (safe even when the caller's thread has a loop)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, scenario()).result()
