"""Synthetic investors with realistic data (details, questionnaires, valuations, positions, trades, calls)
and a staff of service commissioners, for tests and benchmarks. Deterministic for a given seed.

Written in chunks with bulk inserts, so a million investors fit in memory and in minutes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from crm_core.db import Database
from crm_core.models import (
    Agent,
    AgentSkill,
    Call,
    DailyValuation,
    Investor,
    InvestorContact,
    InvestorDetail,
    InvestorPhone,
    Position,
    QuestionnaireResponse,
    Skill,
    Trade,
)
from crm_core.staff import grant_role, set_profile

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰")
CITIES = ["上海", "北京", "深圳", "广州", "杭州", "成都", "南京", "武汉", "Shanghai", "Hong Kong"]
SECURITIES = [f"{600000 + i}" for i in range(40)] + [f"{1 + i:06d}" for i in range(40)]
CHANNELS = np.array(["", "", "phone", "sms", "app", "wechat", "email"], dtype=object)


@dataclass(frozen=True)
class SynthOptions:
    investors: int = 1000
    valuation_days: int = 20
    trades_per_investor: float = 5.0
    seed: int = 7
    as_of: date = date(2026, 11, 20)
    chunk: int = 20_000
    staff_per_investors: int = 2_000  # one commissioner per this many investors (at least 3)


def synthesize(db: Database, options: SynthOptions, progress: Callable[[int, int], None] | None = None) -> int:
    """Add `options.investors` investors after the existing ones; returns the first new id."""
    with db.session() as session:
        first = (session.scalar(select(func.max(Investor.id))) or 0) + 1
        _staff(session, options, first)
    for start in range(0, options.investors, options.chunk):
        count = min(options.chunk, options.investors - start)
        rng = np.random.default_rng([options.seed, first + start])
        with db.session() as session:
            _chunk(session, rng, first + start, count, options)
        if progress:
            progress(start + count, options.investors)
    return first


def _chunk(session: Session, rng: np.random.Generator, first: int, count: int, options: SynthOptions) -> None:
    ids = np.arange(first, first + count)
    base = np.where(rng.random(count) < 0.05, 0, np.round(rng.lognormal(12.5, 1.4, count))).astype(np.int64)
    rows = _investors(rng, ids)
    session.execute(insert(Investor), rows)
    session.execute(insert(InvestorPhone), [
        {"investor_id": int(i), "number": f"13{int(i):09d}", "kind": "mobile"} for i in ids
    ])
    session.execute(insert(InvestorDetail), _details(rng, ids, options.as_of))
    session.execute(insert(InvestorContact), [
        {"investor_id": int(i), "channel": "email", "value": f"investor{int(i)}@example.cn", "preferred": bool(p),
         "hours": ""}
        for i, p in zip(ids, rng.random(count) < 0.1, strict=True)
    ])
    answered = ids[rng.random(count) < 0.85]
    session.execute(insert(QuestionnaireResponse), [
        {"investor_id": int(i), "questionnaire": "standard-v1", "answers": [int(s) // 10] * 10, "score": int(s),
         "answered_at": datetime.combine(options.as_of, time(9), tzinfo=UTC)}
        for i, s in zip(answered, rng.integers(5, 100, len(answered)), strict=True)
    ])
    _valuations(session, rng, ids, base, options)
    _positions(session, rng, ids, base)
    _trades(session, rng, ids, base, options)
    _calls(session, rng, ids, options)


def _investors(rng: np.random.Generator, ids: np.ndarray) -> list[dict[str, Any]]:
    count = len(ids)
    surname = rng.integers(0, len(SURNAMES), count)
    given = rng.integers(0, len(GIVEN), (count, 2))
    two = rng.random(count) < 0.6
    language = np.where(rng.random(count) < 0.1, "en", "zh")
    risk = rng.choice(["C1", "C2", "C3", "C4", "C5"], count, p=[0.1, 0.25, 0.35, 0.2, 0.1])
    return [
        {"id": int(i), "account_number": f"{10_000_000_000 + int(i)}",
         "name": SURNAMES[s] + GIVEN[g[0]] + (GIVEN[g[1]] if t else ""), "investor_class": "ordinary",
         "risk_class": str(r), "language": str(lang), "vip": bool(v)}
        for i, s, g, t, lang, r, v in zip(ids, surname, given, two, language, risk, rng.random(count) < 0.03,
                                          strict=True)
    ]


def _details(rng: np.random.Generator, ids: np.ndarray, as_of: date) -> list[dict[str, Any]]:
    count = len(ids)
    ages = rng.integers(20, 85, count)
    experience = rng.integers(0, 25, count)
    known = rng.random(count) < 0.9
    income = np.round(rng.lognormal(12.2, 0.9, count)).astype(np.int64) * 100
    declared = np.round(rng.lognormal(13.0, 1.5, count)).astype(np.int64) * 100
    channel = rng.choice(CHANNELS, count)
    city = rng.integers(0, len(CITIES), count)
    return [
        {"investor_id": int(i), "birth_date": as_of - timedelta(days=int(a) * 365 + int(i) % 365),
         "investing_since": (as_of - timedelta(days=int(e) * 365 + int(i) % 300)) if k else None,
         "annual_income_cents": int(inc), "financial_assets_cents": int(dec), "occupation": "",
         "email": f"investor{int(i)}@example.cn", "city": CITIES[c], "address": f"{CITIES[c]} No. {int(i) % 999}",
         "preferred_channel": str(ch), "notes": ""}
        for i, a, e, k, inc, dec, ch, c in zip(ids, ages, experience, known, income, declared, channel, city,
                                               strict=True)
    ]


def _valuations(session: Session, rng: np.random.Generator, ids: np.ndarray, base: np.ndarray,
                options: SynthOptions) -> None:
    days = np.where(rng.random(len(ids)) < 0.02, 1, options.valuation_days)
    vol = rng.uniform(0.005, 0.03, len(ids))
    rows: list[dict[str, Any]] = []
    for investor_id, start_value, n, sigma in zip(ids, base, days, vol, strict=True):
        path = start_value * np.cumprod(1 + rng.normal(0.0003, sigma, int(n)))
        for offset, value in enumerate(np.round(path).astype(np.int64) * 100):
            rows.append({"investor_id": int(investor_id),
                         "day": options.as_of - timedelta(days=int(n) - offset), "value_cents": int(value)})
    for start in range(0, len(rows), 50_000):
        session.execute(insert(DailyValuation), rows[start : start + 50_000])


def _positions(session: Session, rng: np.random.Generator, ids: np.ndarray, base: np.ndarray) -> None:
    counts = rng.integers(0, 6, len(ids))
    rows = []
    for investor_id, value, count in zip(ids, base, counts, strict=True):
        if value == 0 or count == 0:
            continue
        weights = rng.dirichlet(np.ones(int(count)))
        codes = rng.choice(SECURITIES, int(count), replace=False)
        for code, weight in zip(codes, weights, strict=True):
            rows.append({"investor_id": int(investor_id), "security_code": str(code),
                         "quantity": int(rng.integers(100, 10_000)), "market_value_cents": int(value * weight * 100)})
    if rows:
        session.execute(insert(Position), rows)


def _trades(session: Session, rng: np.random.Generator, ids: np.ndarray, base: np.ndarray,
            options: SynthOptions) -> None:
    counts = rng.poisson(options.trades_per_investor, len(ids))
    owner = np.repeat(ids, counts)
    total = len(owner)
    if total == 0:
        return
    amounts = np.round(rng.lognormal(10.5, 1.0, total)).astype(np.int64) * 100
    sells = rng.random(total) < 0.45
    pnl = np.round(amounts * rng.normal(0.01, 0.08, total)).astype(np.int64)
    holding = rng.integers(1, 400, total)
    offsets = rng.integers(0, 360 * 24 * 3600, total)
    end = datetime.combine(options.as_of, time(7), tzinfo=UTC)
    rows = [
        {"investor_id": int(i), "security_code": SECURITIES[int(i + k) % len(SECURITIES)], "side": "S" if s else "B",
         "quantity": 100 * (1 + int(k) % 50), "amount_cents": int(a), "realised_pnl_cents": int(p) if s else None,
         "holding_days": int(h) if s else None, "traded_at": end - timedelta(seconds=int(o))}
        for k, (i, a, s, p, h, o) in enumerate(zip(owner, amounts, sells, pnl, holding, offsets, strict=True))
    ]
    for start in range(0, len(rows), 50_000):
        session.execute(insert(Trade), rows[start : start + 50_000])


def _calls(session: Session, rng: np.random.Generator, ids: np.ndarray, options: SynthOptions) -> None:
    callers = ids[rng.random(len(ids)) < 0.1]
    end = datetime.combine(options.as_of, time(0), tzinfo=UTC)
    rows = []
    for investor_id in callers:
        for _ in range(int(rng.integers(1, 4))):
            entered = end - timedelta(days=int(rng.integers(1, 300)), hours=-int(rng.integers(1, 13)))
            rows.append({"id": hashlib.md5(f"{investor_id}-{entered}".encode()).hexdigest(),
                         "channel_id": f"synth-{investor_id}", "caller_number": f"13{int(investor_id):09d}",
                         "dialed_number": "95500", "investor_id": int(investor_id), "status": "completed",
                         "entered_at": entered, "vip": False, "priority": 0})
    unique = list({row["id"]: row for row in rows}.values())
    if unique:
        session.execute(insert(Call), unique)


def _staff(session: Session, options: SynthOptions, first: int) -> None:
    """Service commissioners sized to the population, plus an administrator and a marketing manager."""
    skills = {}
    for code, name in (("vip", "VIP service"), ("professional", "Professional investors")):
        skill = session.scalars(select(Skill).where(Skill.code == code)).one_or_none()
        if skill is None:
            skill = Skill(code=code, name=name)
            session.add(skill)
            session.flush()
        skills[code] = skill.id
    rng = np.random.default_rng([options.seed, first, 99])
    count = max(3, options.investors // options.staff_per_investors)
    capacity = int(np.ceil(options.investors * 1.3 / count))
    for n in range(count):
        job = f"S{first:07d}{n:04d}"
        agent = Agent(job_number=job, name=f"服务专员{n}", role="agent", password_hash="!", sip_username=job.lower(),
                      sip_ha1="0" * 32, languages="zh,en" if n % 3 == 0 else "zh")
        session.add(agent)
        session.flush()
        grant_role(session, agent.id, "service_commissioner")
        set_profile(session, agent.id, capacity=capacity, licences="SAC", hired_on=options.as_of - timedelta(
            days=int(rng.integers(30, 4000))))
        for skill_id in skills.values():
            session.add(AgentSkill(agent_id=agent.id, skill_id=skill_id, level=int(rng.integers(1, 11))))
    for job, role_code in ((f"A{first:07d}", "distribution_admin"), (f"M{first:07d}", "marketing_manager")):
        agent = Agent(job_number=job, name=role_code, role="supervisor", password_hash="!", sip_username=job.lower(),
                      sip_ha1="0" * 32, languages="zh")
        session.add(agent)
        session.flush()
        grant_role(session, agent.id, role_code)
        set_profile(session, agent.id, capacity=0)
    session.flush()
