"""Milliseconds each agent spent in each state (and not-ready reason) per 15-minute interval, added to when a
state ends; a state that spans intervals is split between them (time, unlike calls, is where it falls)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, PrimaryKeyConstraint, String, Table

from crm_core.models.base import Base, UtcDateTime

report_agent_states = Table(
    "report_agent_states", Base.metadata,
    Column("interval_start", UtcDateTime, nullable=False),
    Column("agent_id", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("reason", String(100), nullable=False),
    Column("ms", BigInteger, nullable=False, default=0, server_default="0"),
    PrimaryKeyConstraint("interval_start", "agent_id", "state", "reason", name="pk_report_agent_states"),
)
