"""One investor as matching rules see them, without pandas: what a call's routing (crm_core.call_routing), an
order's suitability and `crm explain` read, on the path of every call. `investor.<attribute>` plus their place
in the tree; the same names and values as a row of crm_core.matching.context.load_context, which reads many."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crm_core.attributes.current import current_values
from crm_core.segments.paths import branch_of, current_path_rows, segment_of

PLACE = {"investor.segment_path", "investor.segment", "investor.branch"}


def attribute_keys(names: set[str] | None) -> list[str] | None:
    """The attribute keys that rule names mention (None: all of them)."""
    if names is None:
        return None
    return sorted(n.removeprefix("investor.") for n in names if n.startswith("investor.") and n not in PLACE)


def one_investor(session: Session, investor_id: int, names: set[str] | None = None) -> dict[str, Any]:
    """One investor's context as a dict (missing values None); only the attributes `names` mentions, if given."""
    context = {f"investor.{key}": value
               for key, value in current_values(session, investor_id, attribute_keys(names)).items()}
    path = current_path_rows(session, [investor_id]).get(investor_id)
    context.update({"investor.segment_path": path, "investor.segment": segment_of(path),
                    "investor.branch": branch_of(path)})
    return context
