"""One investor read without pandas (crm_core.matching.investor, on the path of every call) is the same as
their row of the frame matching reads for many (crm_core.matching.context): every attribute of every type, the
place in the tree, an investor with no values and one outside the tree."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select, update

from crm_core.attributes.current import value_types
from crm_core.db import Database
from crm_core.matching.context import load_context
from crm_core.matching.investor import one_investor
from crm_core.models import AttributeValue, Investor, SegmentMembership


def frame_row(session: Any, investor_id: int, names: set[str] | None = None) -> dict[str, Any]:
    row = load_context(session, [investor_id], names).loc[investor_id].to_dict()
    return {key: None if isinstance(value, float) and math.isnan(value) else value for key, value in row.items()}


def test_one_investor_is_their_row_of_the_frame(crm: Database) -> None:
    with crm.session() as session:
        ids = list(session.scalars(select(Investor.id).order_by(Investor.id)))
        types = set(value_types(session).values())
        assert {"money", "number", "integer", "level", "bool", "text"} <= types  # every type is compared
        bare = ids[3]
        session.execute(update(AttributeValue).where(AttributeValue.investor_id == bare).values(
            valid_to=AttributeValue.valid_from))  # no current value left
        session.execute(update(SegmentMembership).where(SegmentMembership.investor_id == ids[1]).values(
            valid_to=SegmentMembership.valid_from))  # out of the tree
        session.execute(update(AttributeValue).where(AttributeValue.investor_id == ids[2],
                                                     AttributeValue.attribute_key == "risk_class")
                        .values(value="C?"))  # unreadable: missing, as in the frame
        for investor_id in ids[:40]:
            assert one_investor(session, investor_id) == frame_row(session, investor_id), investor_id
        names = {"investor.risk_class", "investor.vip", "investor.segment", "investor.branch", "investor.unknown"}
        for investor_id in (ids[0], ids[1], ids[2], bare):
            assert one_investor(session, investor_id, names) == frame_row(session, investor_id, names)
        assert one_investor(session, ids[2], names)["investor.risk_class"] is None
        assert one_investor(session, ids[1])["investor.segment_path"] is None
        assert one_investor(session, bare)["investor.risk_class"] is None
        assert isinstance(one_investor(session, ids[0], names)["investor.risk_class"], float)  # a rank, as a float
