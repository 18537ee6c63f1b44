"""What matching rules see of investors: `investor.<attribute>` plus their place in the tree."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.attributes import load_frame
from crm_core.models import Investor
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


PLACE = {"investor.segment_path", "investor.segment", "investor.branch"}


def load_context(session: Session, ids: list[int] | None = None, names: set[str] | None = None) -> pd.DataFrame:
    """Context of these investors (all when None); only the attributes `names` mentions, when given."""
    if ids is None:
        ids = list(session.scalars(select(Investor.id).order_by(Investor.id)))
    keys = None if names is None else sorted(n.removeprefix("investor.") for n in names
                                             if n.startswith("investor.") and n not in PLACE)
    attributes = load_frame(session, ids, keys).reindex(pd.Index(ids, name="investor_id"))
    return investor_context(attributes, current_paths(session, ids))


def one_investor(session: Session, investor_id: int, names: set[str] | None = None) -> dict[str, Any]:
    """One investor's context as a dict (missing values None); only the attributes `names` mentions, if given."""
    context = load_context(session, [investor_id], names)
    row = context.loc[investor_id].to_dict()
    return {key: (None if _nan(value) else value) for key, value in row.items()}


def _nan(value: Any) -> bool:
    return isinstance(value, float) and value != value
