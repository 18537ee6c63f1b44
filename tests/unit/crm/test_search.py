"""Search: keywords through FTS5 / tsvector (Chinese names as character phrases), fields, errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_core.db import Database
from crm_core.models import Complaint, Investor, InvestorDetail
from crm_core.search import SearchError, field_search, keyword_search, normalise, reindex


def test_normalise_spaces_cjk_characters() -> None:
    assert normalise("王伟 Alice-CHEN 138 0013") == "王 伟 alice chen 138 0013"


def test_keyword_and_field_search(crm: Database) -> None:
    with crm.session() as session:
        investor = session.get(Investor, 17)
        session.add(Complaint(investor_id=17, category="fees", summary="佣金收取过高 commission overcharged"))
        session.get(InvestorDetail, 17).city = "Xiamen"
        session.flush()
        reindex(session)
        assert 17 in keyword_search(session, investor.name, limit=200)
        assert keyword_search(session, "commission overcharged") == [17]
        assert keyword_search(session, "佣金") == [17]
        assert keyword_search(session, "xiamen") == [17]
        assert keyword_search(session, "佣金 xiamen") == [17]
        assert keyword_search(session, "nobody-has-this") == []
        assert field_search(session, "account", investor.account_number) == [17]
        assert field_search(session, "phone", "+86 13000000017") == [17]
        assert field_search(session, "city", "Xiamen") == [17]
        professionals = field_search(session, "investor_class", "professional", limit=500)
        in_segment = field_search(session, "segment", "professional", limit=500)
        assert set(in_segment) <= set(professionals)
        assert set(field_search(session, "name", investor.name[:1], limit=500)) == set(session.scalars(
            select(Investor.id).where(Investor.name.like(investor.name[:1] + "%"))))
        with pytest.raises(SearchError):
            keyword_search(session, " !! ")
