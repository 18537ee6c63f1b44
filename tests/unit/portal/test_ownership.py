"""A client reads and trades only their own accounts: every route tried with another client's ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from crm_core import chats
from crm_core.client_sessions import resolve
from crm_core.complaints.intake import from_web
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.models import TradingOrder
from crm_core.trading.demo import seed_demo_trading
from portal.openapi import openapi_document
from tests.unit.console.conftest import run
from tests.unit.portal.conftest import CAUTIOUS, SENIOR, Clients, log_in, portal_client

NOT_YOURS = {"error": "no such account, or not yours"}
BODIES: dict[str, dict[str, Any]] = {
    "check": {"side": "buy", "code": "600036", "price": "38.60", "quantity": 100},
    "disclosures": {"code": "300750", "accepted": True},
    "orders": {"side": "sell", "code": "600036", "price": "40.00", "quantity": 100, "request_id": "theirs-0001"},
    "cancel": {"request_id": "theirs-cancel-1"},
}


def account_routes(order_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every documented route with an {account}, filled in (the test fails if one is added and not listed)."""
    routes = [("GET", "/api/accounts/{a}", None), ("GET", "/api/accounts/{a}/history", None),
              ("POST", "/api/accounts/{a}/orders/check", BODIES["check"]),
              ("POST", "/api/accounts/{a}/disclosures", BODIES["disclosures"]),
              ("POST", "/api/accounts/{a}/orders", BODIES["orders"]),
              ("POST", "/api/accounts/{a}/orders/" + str(order_id) + "/cancel", BODIES["cancel"])]
    documented = {(method.upper(), path) for path, ops in openapi_document()["paths"].items() for method in ops
                  if "{account}" in path}
    listed = {(m, p.replace("{a}", "{account}").replace(str(order_id), "{order_id}")) for m, p, _ in routes}
    assert listed == documented
    return routes


def test_another_clients_account_is_the_same_404_as_no_account(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            theirs = {"X-CSRF-Token": await log_in(client, CAUTIOUS)}
            placed = await (await client.post(f"/api/accounts/{CAUTIOUS}/orders", json=BODIES["orders"],
                                              headers=theirs)).json()
            assert placed["accepted"], placed
            mine = {"X-CSRF-Token": await log_in(client, SENIOR)}  # the cookie is now the senior's
            for method, path, body in account_routes(placed["order_id"]):
                for account in (CAUTIOUS, "999999999"):
                    response = await client.request(method, path.replace("{a}", account), json=body, headers=mine)
                    text = await response.text()
                    assert (response.status, await response.json()) == (404, NOT_YOURS), (method, path, text)
                    assert "Li Wei" not in text
            # their order id on my own account: no such order here, nothing cancelled
            cancel = await client.post(f"/api/accounts/{SENIOR}/orders/{placed['order_id']}/cancel",
                                       json={"request_id": "mine-cancel-1"}, headers=mine)
            assert (await cancel.json())["reject_code"] == "ORDER_NOT_FOUND"
            # their request id on my account is another order, not theirs handed back
            same_id = await (await client.post(f"/api/accounts/{SENIOR}/orders", json=BODIES["orders"],
                                               headers=mine)).json()
            assert same_id["order_id"] != placed["order_id"] and same_id["repeated"] is False
            mine_now = await (await client.get(f"/api/accounts/{SENIOR}")).json()
            assert placed["order_id"] not in [o["id"] for o in mine_now["open_orders"] + mine_now["orders_today"]]

    run(scenario)
    with database.session() as session:
        assert session.scalar(select(func.count(TradingOrder.id)).where(TradingOrder.status == "cancelled")) == 0


def test_another_clients_disclosure_does_not_open_a_product(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            csrf = await log_in(client, SENIOR)
            accepted = await (await client.post(f"/api/accounts/{SENIOR}/disclosures", json=BODIES["disclosures"],
                                                headers={"X-CSRF-Token": csrf})).json()
            theirs = {"X-CSRF-Token": await log_in(client, CAUTIOUS)}
            order = {"side": "buy", "code": "300750", "price": "252.60", "quantity": 100,
                     "disclosure_id": accepted["disclosure_id"], "request_id": "borrowed-disclosure"}
            placed = await (await client.post(f"/api/accounts/{CAUTIOUS}/orders", json=order, headers=theirs)).json()
            assert placed["accepted"] is False and placed["reject_code"] == "SUITABILITY_REFUSED"

    run(scenario)


def test_a_client_reads_all_their_accounts_but_trades_only_on_the_one_logged_in_with(database: Database,
                                                                                   clients: Clients) -> None:
    second = "200000009"
    with database.session() as session:
        seed_demo_trading(session, clients.senior_id, cash_cents=1_000_000, password="864209", bank_password="1357",
                          account_number=second)

    async def scenario() -> None:
        async with portal_client(database) as client:
            csrf = {"X-CSRF-Token": await log_in(client, SENIOR)}
            me = await (await client.get("/api/me")).json()
            assert me["client"]["accounts"] == [SENIOR, second]
            other = await client.get(f"/api/accounts/{second}")
            assert other.status == 200 and (await other.json())["funds"]["total"] == "10000.00"
            refused = await client.post(f"/api/accounts/{second}/orders", json=BODIES["orders"], headers=csrf)
            assert refused.status == 403

    run(scenario)
    with database.session() as session:
        assert session.scalar(select(func.count(TradingOrder.id))) == 0


def test_a_new_login_ends_the_session_the_browser_had(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            await log_in(client, SENIOR)
            first = client.session.cookie_jar.filter_cookies(client.make_url("/"))["hotline_portal"].value
            await log_in(client, CAUTIOUS)
            with database.session() as session:
                assert resolve(session, first, now=datetime.now(UTC)) is None

    run(scenario)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a question of the route, not the database
def test_another_clients_complaint_is_neither_listed_nor_readable(database: Database, clients: Clients) -> None:
    with database.session() as session:
        theirs = from_web(session, clients.cautious_id, "fees", "Charged twice by Li Wei's branch", "theirs-1",
                          datetime.now(UTC), ComplaintRules()).id

    async def scenario() -> None:
        async with portal_client(database) as client:
            await log_in(client, SENIOR)
            listed = await client.get("/api/complaints")
            assert listed.status == 200 and (await listed.json())["complaints"] == []
            for complaint_id in (theirs, theirs + 1000):  # theirs is the same answer as none
                response = await client.get(f"/api/complaints/{complaint_id}")
                assert (response.status, await response.json()) == (404, {"error": "no such complaint"})

    run(scenario)


def test_another_clients_chat_is_not_found_and_stays_untouched(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            theirs = {"X-CSRF-Token": await log_in(client, CAUTIOUS)}
            chat = await (await client.post("/api/chats", json={"topic": "trading"}, headers=theirs)).json()
            await client.post(f"/api/chats/{chat['id']}/messages", json={"text": "private", "request_id": "theirs-01"},
                              headers=theirs)
            mine = {"X-CSRF-Token": await log_in(client, SENIOR)}
            for method, path, body in (("GET", "/messages?after=0", None),
                                       ("POST", "/messages", {"text": "hi", "request_id": "mine-0001"}),
                                       ("POST", "/end", None)):
                for chat_id in (chat["id"], 999_999):
                    response = await client.request(method, f"/api/chats/{chat_id}{path}", json=body, headers=mine)
                    text = await response.text()
                    assert (response.status, await response.json()) == (404, {"error": "no such chat"}), text
                    assert "private" not in text
            no_csrf = await client.post(f"/api/chats/{chat['id']}/end")
            assert no_csrf.status == 403

    run(scenario)
    with database.session() as session:
        chat = chats.current_of(session, clients.cautious_id)
        assert chat is not None and chat.status == "queued" and chat.last_seq == 1
