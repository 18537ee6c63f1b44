"""What matching rules see of investors: `investor.<attribute>` plus their place in the tree."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from crm_core.attributes import load_frame
from crm_core.segments import current_paths


def investor_context(attributes: pd.DataFrame, paths: pd.Series) -> pd.DataFrame:
    """Columns investor.<key>, investor.segment (deepest node), investor.segment_path, investor.branch."""
    context = attributes.add_prefix("investor.")
    aligned = paths.reindex(attributes.index)
    context["investor.segment_path"] = aligned
    context["investor.segment"] = aligned.map(lambda p: p.rsplit("/", 1)[-1] if isinstance(p, str) else None)
    context["investor.branch"] = aligned.map(
        lambda p: p.split("/")[1] if isinstance(p, str) and "/" in p else None
    )
    return context


def load_context(session: Session, ids: list[int] | None = None) -> pd.DataFrame:
    attributes = load_frame(session, ids)
    return investor_context(attributes, current_paths(session, list(attributes.index)))


def one_investor(session: Session, investor_id: int) -> dict[str, Any]:
    context = load_context(session, [investor_id])
    row = context.loc[investor_id].to_dict()
    return {key: (None if _nan(value) else value) for key, value in row.items()}


def _nan(value: Any) -> bool:
    return isinstance(value, float) and value != value
