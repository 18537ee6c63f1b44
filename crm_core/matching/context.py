"""What matching rules see of many investors at once: `investor.<attribute>` plus their place in the tree, as a
frame (one investor alone: crm_core.matching.investor, the same names and values without pandas)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.attributes.values import load_frame
from crm_core.matching.investor import attribute_keys
from crm_core.models import Investor
from crm_core.segments.paths import branch_of, segment_of
from crm_core.segments.service import current_paths


def investor_context(attributes: pd.DataFrame, paths: pd.Series) -> pd.DataFrame:
    """Columns investor.<key>, investor.segment (deepest node), investor.segment_path, investor.branch."""
    context = attributes.add_prefix("investor.")
    aligned = paths.reindex(attributes.index)
    context["investor.segment_path"] = aligned
    context["investor.segment"] = aligned.map(segment_of)
    context["investor.branch"] = aligned.map(branch_of)
    return context


def load_context(session: Session, ids: list[int] | None = None, names: set[str] | None = None) -> pd.DataFrame:
    """Context of these investors (all when None); only the attributes `names` mentions, when given."""
    if ids is None:
        ids = list(session.scalars(select(Investor.id).order_by(Investor.id)))
    attributes = load_frame(session, ids, attribute_keys(names)).reindex(pd.Index(ids, name="investor_id"))
    return investor_context(attributes, current_paths(session, ids))
