"""The customer record gathers what the agent desktop shows about one investor."""

from __future__ import annotations

from datetime import UTC, datetime

from crm_core.db import Database
from crm_core.models import Complaint, InvestorAccount, Reminder
from crm_core.records import customer_record


def test_customer_record(crm: Database) -> None:
    with crm.session() as session:
        session.add_all([
            InvestorAccount(investor_id=11, account_number="20000000011", kind="margin"),
            Complaint(investor_id=11, category="service", summary="slow answer"),
            Reminder(investor_id=11, text="send statement", due_at=datetime(2026, 12, 1, tzinfo=UTC)),
        ])
        session.flush()
        record = customer_record(session, 11)
        assert record is not None
        assert record.phones == ["13000000011"] and record.accounts[0].kind == "margin"
        assert record.segment_path and record.segment_path.startswith("all/")
        assert set(record.staff) == {"service_commissioner"}
        assert [c.summary for c in record.complaints] == ["slow answer"]
        assert [r.text for r in record.open_reminders] == ["send statement"]
        assert all(call.investor_id == 11 for call in record.calls)
        assert customer_record(session, 99_999) is None
