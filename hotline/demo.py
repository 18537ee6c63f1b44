"""Demo data for a newcomer: skills, investors who call (with trading and bank accounts), agents with
skills, a supervisor and an administrator, SIP accounts.

Generated passwords are written once to `<state>/accounts.txt` (mode 0600, `hotline.accounts_file`); the
database keeps only hashes. `simulate_agents` points the first N agents at phones that answer by themselves.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core import agents as agent_service
from crm_core import reviews
from crm_core.experts import EXPERT_SKILL_NAMES
from crm_core.models import Agent, AgentState, Investor, InvestorPhone
from crm_core.rematch import rematch_investors
from crm_core.seed import seed_reference_data
from crm_core.staff import grant_role, set_profile
from crm_core.trading.auth import password_problem
from crm_core.trading.demo import seed_demo_trading
from crm_core.workflows import assign_investors
from hotline.accounts_file import ClientLogin, StaffLogin, write

SKILLS = {"trading": "Trading help", "account": "Account and funds", "products": "Funds and products",
          "complaints": "Complaints", "general": "Operator desk", **EXPERT_SKILL_NAMES}

INVESTORS = [
    # account, name, class, risk, language, vip, phone
    ("100000001", "Wang Fang", "professional", "C4", "zh", True, "13800000001"),
    ("100000002", "Li Wei", "ordinary", "C2", "zh", False, "13800000002"),
    ("100000003", "Emily Chen", "ordinary", "C3", "en", False, "13800000003"),
    ("100000004", "Zhang Min", "ordinary", "C1", "zh", False, "13800000004"),
    ("100000005", "David Liu", "professional", "C5", "en", True, "13800000005"),
]

AGENTS = [
    # job number, name, languages, skills
    ("1001", "Zhao Lei", ["zh"], {"trading": 9, "general": 5}),
    ("1002", "Sun Li", ["zh", "en"], {"account": 8, "products": 6, "general": 6}),
    ("1003", "Zhou Jie", ["zh"], {"complaints": 9, "account": 4, "general": 7}),
    ("1004", "Grace Wu", ["en", "zh"], {"trading": 6, "account": 6, "products": 8, "general": 5}),
    ("1005", "Qian Hao", ["zh"], {"general": 9, "trading": 3}),
    ("1006", "Lin Yu", ["zh", "en"], {"trading": 7, "products": 7, "complaints": 5, "general": 4}),
    # research analysts: the expert pool brought into calls (crm_core/experts.py)
    ("1101", "Xu Ming", ["zh", "en"], {"expert_stocks": 9, "expert_options": 7}),
    ("1102", "Tang Yan", ["zh"], {"expert_funds": 9, "expert_bonds": 8}),
]

# Each client's service commissioner (服务专员): their calls go to them first (relationship routing). Every agent
# holds the role, so that `hotline crm assign` can move a client to any of them.
COMMISSIONERS = {"1001": ["100000001", "100000002", "100000004"], "1002": ["100000003", "100000005"]}
COMMISSIONER_CAPACITY = 50

# Staff who take no calls: the supervisor listens, whispers and barges from their own phone.
OFFICERS = [
    # job number, name, role
    ("9001", "Ma Jun", "supervisor"),
    ("9002", "He Ping", "administrator"),
]

SIMULATED_PHONE = "Local/answer@hotline-agent-sim/n"


def load_demo_data(session: Session, accounts_file: Path) -> list[StaffLogin]:
    """Insert the demo data once; returns the staff accounts created (empty if already loaded)."""
    if session.scalar(select(func.count()).select_from(Agent)):
        return []
    for code, name in SKILLS.items():
        agent_service.ensure_skill(session, code, name)
    for account, name, investor_class, risk, language, vip, phone in INVESTORS:
        investor = Investor(account_number=account, name=name, investor_class=investor_class, risk_class=risk,
                            language=language, vip=vip)
        session.add(investor)
        session.flush()
        session.add(InvestorPhone(investor_id=investor.id, number=phone))
    trading_logins = _trading_accounts(session)
    staff = [_staff(session, job_number, name, "agent", languages, skills)
             for job_number, name, languages, skills in AGENTS]
    staff += [_staff(session, job_number, name, role, ["zh", "en"], {}) for job_number, name, role in OFFICERS]
    _assign_commissioners(session)
    reviews.publish(session, "standard", Path(reviews.STANDARD_FORM).read_text(encoding="utf-8"), by="demo")
    write(accounts_file, staff, trading_logins)
    return staff


def _staff(session: Session, job_number: str, name: str, role: str, languages: list[str],
           skills: dict[str, int]) -> StaffLogin:
    password, sip_password = secrets.token_urlsafe(9), secrets.token_urlsafe(12)
    agent = agent_service.create_agent(session, job_number=job_number, name=name, password=password, role=role,
                                       sip_password=sip_password, languages=languages, skills=skills)
    return StaffLogin(job_number, name, role, password, agent.sip_username, sip_password)


def _assign_commissioners(session: Session) -> None:
    """The agents (not the research analysts) serve clients; the demo clients are pinned to theirs."""
    agents = {a.job_number: a.id for a in session.scalars(select(Agent).where(Agent.role == "agent"))}
    for job_number, _, _, skills in AGENTS:
        if not set(skills) & set(EXPERT_SKILL_NAMES):
            grant_role(session, agents[job_number], "service_commissioner")
            set_profile(session, agents[job_number], capacity=COMMISSIONER_CAPACITY)
    for job_number, accounts in COMMISSIONERS.items():
        ids = list(session.scalars(select(Investor.id).where(Investor.account_number.in_(accounts))))
        assign_investors(session, ids, agents[job_number], by="demo data")


def _trading_accounts(session: Session) -> list[ClientLogin]:
    """Every demo investor gets a trading account (cash, 1,000 shares of 600036) and a linked bank account;
    suitability needs the reference data and the investors' computed attributes. Returns the logins."""
    seed_reference_data(session)
    logins = []
    investors = list(session.scalars(select(Investor).order_by(Investor.id)))
    for investor in investors:
        password, bank_password = _six_digits(), f"{secrets.randbelow(10_000):04d}"
        seed_demo_trading(session, investor.id, cash_cents=50_000_000, password=password, bank_password=bank_password)
        phone = next(i[6] for i in INVESTORS if i[0] == investor.account_number)
        logins.append(ClientLogin(investor.account_number, investor.name, phone, password, bank_password))
    rematch_investors(session, [i.id for i in investors], "demo data")
    return logins


def _six_digits() -> str:
    while True:
        candidate = f"{secrets.randbelow(1_000_000):06d}"
        if password_problem(candidate) is None:
            return candidate


def simulate_agents(session: Session, count: int) -> list[str]:
    """The first `count` agents get self-answering phones and go ready; the others (and the supervisor and
    administrator, who take no calls) use their SIP phones."""
    chosen = []
    agents = session.scalars(select(Agent).where(Agent.role == "agent").order_by(Agent.job_number))
    for index, agent in enumerate(agents):
        if index < count:
            agent.device = SIMULATED_PHONE
            agent_service.set_state(session, agent.id, AgentState.READY)
            chosen.append(agent.job_number)
        elif agent.device == SIMULATED_PHONE:
            agent.device = None
            agent_service.set_state(session, agent.id, AgentState.LOGGED_OUT)
    return chosen
