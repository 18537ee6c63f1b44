"""Fill reports queued in the matching round's own transaction: one per fill for a client who subscribed,
none for one who did not, and the same fill reported twice is one notification."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from ari_apps.ivr.trading.matching import _round
from crm_core.models import InvestorDetail, Notification
from crm_core.notifications.fill_reports import report_fills, subscribe
from crm_core.notifications.rules import NotifyPolicy
from crm_core.trading import match_orders, place_order
from tests.unit.trading.conftest import ACCOUNT, NOW, Desk


def buy(desk: Desk, request_id: str) -> None:
    desk.feed.set("600036", bid_cents=3860, ask_cents=3862, ask_volume=1000)
    with desk.db.session() as session:
        place_order(session, ACCOUNT, "buy", "600036", "38.70", 300, request_id=request_id, call_id="call-1",
                    now=NOW, broker=desk.broker)


def test_a_subscribed_clients_fill_is_reported_once(desk: Desk) -> None:
    with desk.db.session() as session:
        session.add(InvestorDetail(investor_id=desk.investor_id, email="zhang@example.com"))
        subscribe(session, desk.investor_id, channel="email")
    buy(desk, "buy-1")
    services = SimpleNamespace(broker=desk.broker, clock=lambda: NOW)  # what a matching round uses of them
    with desk.db.session() as session:
        assert _round(session, services, NotifyPolicy()) == 1  # type: ignore[arg-type]
    with desk.db.session() as session:
        (report,) = session.scalars(select(Notification)).all()
        assert (report.purpose, report.channel, report.address) == ("fill_report", "email", "zhang@example.com")
        assert report.key.startswith("fill:") and report.data["quantity"] == 300
        assert report.data["security_name"] == "招商银行" and report.data["price_cents"] == 3862
        # the same fill reported again (a retried round) is the same notification
        fills = match_orders(session, NOW, broker=desk.broker)
        assert fills == [] and session.scalar(select(Notification.id)) == report.id


def test_no_subscription_no_report(desk: Desk) -> None:
    buy(desk, "buy-2")
    with desk.db.session() as session:
        fills = match_orders(session, NOW, broker=desk.broker)
        assert len(fills) == 1 and report_fills(session, fills, NOW, NotifyPolicy()) == 0
        assert session.scalars(select(Notification)).all() == []
