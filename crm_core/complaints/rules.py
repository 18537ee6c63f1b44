"""What the complaints service is told by the settings: the deadlines, the holidays, whom overdue complaints go
to, and the outbox's policy for the replies. A value, light to import (the `[complaints]` settings make it)."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date

from crm_core.complaints.deadlines import DeadlinePolicy
from crm_core.notifications.rules import NotifyPolicy


@dataclass(frozen=True)
class ComplaintRules:
    deadlines: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    holidays: Container[date] = frozenset()
    supervisor: str = ""  # job number escalated to when the owner has none (StaffProfile "supervisor")
    head_of_service: str = ""  # job number of the head of service (level 2)
    notify: NotifyPolicy = field(default_factory=NotifyPolicy)
