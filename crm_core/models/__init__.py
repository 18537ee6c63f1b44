"""All models; importing this package registers every table on `Base.metadata`."""

from crm_core.models.agent import Agent, AgentState
from crm_core.models.agent_skill import AgentSkill
from crm_core.models.base import Base
from crm_core.models.call import Call, CallStatus
from crm_core.models.call_detail_record import CallDetailRecord
from crm_core.models.call_event import CallEvent
from crm_core.models.investor import Investor
from crm_core.models.investor_phone import InvestorPhone
from crm_core.models.skill import Skill

__all__ = [
    "Agent", "AgentSkill", "AgentState", "Base", "Call", "CallDetailRecord", "CallEvent", "CallStatus",
    "Investor", "InvestorPhone", "Skill",
]
