"""The audit trail keeps actions and refuses secrets."""

import pytest

from crm_core import audit
from crm_core.db import Database


def test_actions_are_kept_in_order(database: Database) -> None:
    with database.session() as session:
        audit.record(session, actor="agent:1001", action="login", outcome="ok", channel="web")
        audit.record(session, actor="agent:1001", action="supervise.listen", outcome="ok", channel="web",
                     subject="agent:1002", call_id="c1", mode="listen")
    with database.session() as session:
        rows = audit.entries(session, action_prefix="supervise")
        assert [(r.action, r.subject, r.detail) for r in rows] == [("supervise.listen", "agent:1002",
                                                                    {"mode": "listen"})]
        assert rows[0].at.tzinfo is not None


def test_a_secret_in_the_detail_is_refused(database: Database) -> None:
    with database.session() as session, pytest.raises(ValueError, match="trading_password"):
        audit.record(session, actor="investor:1", action="login", outcome="wrong", channel="phone",
                     trading_password="123456")
