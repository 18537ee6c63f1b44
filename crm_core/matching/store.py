"""Store match outcomes: only differences are written, and each change of an outcome is logged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from crm_core.idsets import rows_among
from crm_core.models import MatchChange, MatchResult
from crm_core.models.base import utcnow

_BATCH = 500


def current_results(
    session: Session, kind: str, ids: list[int], targets: list[str] | None = None
) -> pd.DataFrame:
    query = select(MatchResult.id, MatchResult.investor_id, MatchResult.target, MatchResult.outcome,
                   MatchResult.rule_code, MatchResult.rule_version).where(MatchResult.kind == kind)
    if targets is not None:
        query = query.where(MatchResult.target.in_(targets))
    frame = pd.DataFrame([tuple(r) for r in rows_among(session, query, MatchResult.investor_id, ids)],
                         columns=["id", "investor_id", "target", "outcome", "rule_code", "rule_version"])
    return frame[frame["investor_id"].isin(ids)]


def write_results(
    session: Session, kind: str, new: pd.DataFrame, ids: list[int], *, cause: str,
    targets: list[str] | None = None, now: datetime | None = None,
) -> int:
    """Make stored results of (ids x targets) equal `new`; returns the number of changed outcomes.

    A result the investor had before and that changed (or vanished) is logged in match_changes; the very
    first results of an investor are not logged (they are dated by updated_at).
    """
    now = now or utcnow()
    old = current_results(session, kind, ids, targets)
    had_results = set(old["investor_id"].tolist())
    merged = old.merge(new, on=["investor_id", "target"], how="outer", suffixes=("_old", ""), indicator=True)
    gone = merged[merged["_merge"] == "left_only"]
    added = merged[merged["_merge"] == "right_only"]
    both = merged[merged["_merge"] == "both"]
    changed = both[(both["outcome"] != both["outcome_old"]) | (both["rule_code"] != both["rule_code_old"])
                   | (both["rule_version"] != both["rule_version_old"])]
    _delete(session, [int(i) for i in gone["id"]])
    _insert(session, kind, added, now)
    _update(session, changed, now)
    log = _log_rows(kind, gone, added, changed, had_results, cause, now)
    for start in range(0, len(log), 20_000):
        session.execute(insert(MatchChange), log[start : start + 20_000])
    return len(log)


def _delete(session: Session, row_ids: list[int]) -> None:
    for start in range(0, len(row_ids), _BATCH):
        session.execute(delete(MatchResult).where(MatchResult.id.in_(row_ids[start : start + _BATCH])))


def _insert(session: Session, kind: str, added: pd.DataFrame, now: datetime) -> None:
    rows = [
        {"investor_id": int(r.investor_id), "kind": kind, "target": r.target, "outcome": r.outcome,
         "rule_code": r.rule_code, "rule_version": int(r.rule_version), "updated_at": now}
        for r in added.itertuples(index=False)
    ]
    for start in range(0, len(rows), 20_000):
        session.execute(insert(MatchResult), rows[start : start + 20_000])


def _update(session: Session, changed: pd.DataFrame, now: datetime) -> None:
    rows = [
        {"id": int(r.id), "outcome": r.outcome, "rule_code": r.rule_code, "rule_version": int(r.rule_version),
         "updated_at": now}
        for r in changed.itertuples(index=False)
    ]
    if rows:
        session.execute(update(MatchResult), rows)


def _log_rows(
    kind: str, gone: pd.DataFrame, added: pd.DataFrame, changed: pd.DataFrame, had_results: set[int],
    cause: str, now: datetime,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for frame, old_column, new_column in ((gone, "outcome_old", None), (added, None, "outcome"),
                                          (changed, "outcome_old", "outcome")):
        for record in frame.to_dict("records"):
            investor_id = int(record["investor_id"])
            if old_column is None and investor_id not in had_results:
                continue
            rows.append({
                "investor_id": investor_id, "kind": kind, "target": record["target"],
                "old_outcome": record[old_column] if old_column else None,
                "new_outcome": _describe(record, new_column), "cause": cause[:200], "at": now,
            })
    return rows


def _describe(record: dict[str, Any], column: str | None) -> str | None:
    if column is None:
        return None
    return f"{record[column]} ({record['rule_code']} v{int(record['rule_version'])})"[:200]
