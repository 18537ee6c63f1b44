"""Today's per-skill counts for the supervisor board (answered, abandoned, answered within the target since
queueing), and the number of calls that entered today, from midnight in the reports' zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.models import Call, CallStatus
from reports.periods import today

SERVICE_LEVEL_TARGET_SECONDS = 20


def today_stats(session: Session, zone: str = "UTC", now: datetime | None = None) -> dict[str, Any]:
    since = today(now or datetime.now(UTC), zone)
    rows = session.execute(
        select(Call.category, Call.status, Call.queued_at, Call.answered_at).where(Call.entered_at >= since)
    ).all()
    by_skill: dict[str, dict[str, int]] = {}
    for category, status, queued_at, answered_at in rows:
        if category is None:
            continue
        stats = by_skill.setdefault(category, {"answered": 0, "abandoned": 0, "within_target": 0})
        if answered_at is not None:
            stats["answered"] += 1
            if queued_at is not None and answered_at - queued_at <= timedelta(seconds=SERVICE_LEVEL_TARGET_SECONDS):
                stats["within_target"] += 1
        elif status == CallStatus.ABANDONED.value:
            stats["abandoned"] += 1
    total = session.scalar(select(func.count()).select_from(Call).where(Call.entered_at >= since)) or 0
    return {"by_skill": by_skill, "calls_today": total}
