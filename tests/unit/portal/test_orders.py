"""Reading and trading through the portal: the phone's summary, suitability, disclosure and consent, once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from crm_core import audit
from crm_core.db import Database
from crm_core.models import RiskDisclosure, TradingOrder
from crm_core.summary import account_summary
from portal.views import summary_json
from tests.unit.console.conftest import run
from tests.unit.portal.conftest import (
    CAUTIOUS,
    R4_CODE,
    R4_PRICE,
    SENIOR,
    Clients,
    log_in,
    portal_client,
    practice_broker,
)

R4_ORDER = {"side": "buy", "code": R4_CODE, "price": R4_PRICE, "quantity": 100}


def test_the_summary_is_the_one_the_phone_reads(database: Database, clients: Clients) -> None:
    broker = practice_broker()

    async def scenario() -> dict[str, Any]:
        async with portal_client(database, broker=broker) as client:
            await log_in(client, SENIOR)
            response = await client.get(f"/api/accounts/{SENIOR}")
            assert response.status == 200
            body: dict[str, Any] = await response.json()
            return body

    shown = run(scenario)
    with database.session() as session:
        expected = summary_json(account_summary(session, SENIOR, now=datetime.now(UTC), broker=broker))
    assert shown["funds"] == expected["funds"] == {"available": "500000.00", "frozen": "0.00", "total": "500000.00"}
    assert [(h["code"], h["quantity"], h["sellable"]) for h in shown["holdings"]] == [("600036", 1000, 1000)]
    assert shown["holdings"] == expected["holdings"]


def test_a_c2_client_is_refused_an_r4_share_and_nothing_is_recorded(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            csrf = await log_in(client, CAUTIOUS)
            check = await client.post(f"/api/accounts/{CAUTIOUS}/orders/check", json=R4_ORDER,
                                      headers={"X-CSRF-Token": csrf})
            assert check.status == 422
            assert (await check.json())["code"] == "SUITABILITY_REFUSED"
            consent = await client.post(f"/api/accounts/{CAUTIOUS}/disclosures", json={"code": R4_CODE,
                                                                                     "accepted": True},
                                        headers={"X-CSRF-Token": csrf})
            assert consent.status == 422  # a disclosure cannot allow a refused product
            placed = await client.post(f"/api/accounts/{CAUTIOUS}/orders", json={**R4_ORDER, "request_id": "c2-r4-01"},
                                       headers={"X-CSRF-Token": csrf})
            body = await placed.json()
            assert placed.status == 201 and body["accepted"] is False and body["reject_code"] == "SUITABILITY_REFUSED"

    run(scenario)
    with database.session() as session:
        assert session.scalars(select(RiskDisclosure)).all() == []
        assert [o.status for o in session.scalars(select(TradingOrder))] == ["rejected"]


def test_a_c4_senior_confirms_after_the_disclosure_and_the_consent_is_recorded(database: Database,
                                                                              clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            csrf = await log_in(client, SENIOR)
            headers = {"X-CSRF-Token": csrf}
            base = f"/api/accounts/{SENIOR}"
            needs = await client.post(f"{base}/orders/check", json=R4_ORDER, headers=headers)
            body = await needs.json()
            assert needs.status == 409 and body["code"] == "NEEDS_DISCLOSURE"
            assert "lose part or all" in body["disclosure"]["text"]
            declined = await client.post(f"{base}/disclosures", json={"code": R4_CODE, "accepted": False},
                                         headers=headers)
            assert declined.status == 422
            accepted = await client.post(f"{base}/disclosures", json={"code": R4_CODE, "accepted": True},
                                         headers=headers)
            assert accepted.status == 201
            disclosure_id = (await accepted.json())["disclosure_id"]
            preview = await client.post(f"{base}/orders/check", json={**R4_ORDER, "disclosure_id": disclosure_id},
                                        headers=headers)
            assert preview.status == 200 and (await preview.json())["amount"] == "25260.00"
            order = {**R4_ORDER, "disclosure_id": disclosure_id, "request_id": "senior-r4-01"}
            first = await (await client.post(f"{base}/orders", json=order, headers=headers)).json()
            again = await (await client.post(f"{base}/orders", json=order, headers=headers)).json()
            assert first["accepted"] is True and first["repeated"] is False
            assert again["order_id"] == first["order_id"] and again["repeated"] is True
            shown = await (await client.get(base)).json()
            assert [o["id"] for o in shown["open_orders"]] == [first["order_id"]]
            assert [(o["id"], o["status"]) for o in shown["orders_today"]] == [(first["order_id"], "accepted")]
            assert shown["funds"]["frozen"] != "0.00"
            history = await (await client.get(f"{base}/history")).json()
            assert [o["id"] for o in history["orders"]] == [first["order_id"]]

    run(scenario)
    with database.session() as session:
        disclosure = session.scalars(select(RiskDisclosure)).one()
        assert (disclosure.investor_id, disclosure.product_code, disclosure.channel) == (clients.senior_id, R4_CODE,
                                                                                         "web")
        order = session.scalars(select(TradingOrder)).one()
        assert (order.channel, order.disclosure_id, order.request_id) == ("web", disclosure.id,
                                                                          f"web:{SENIOR}:senior-r4-01")
        consent = audit.entries(session, action_prefix="risk_disclosure")
        assert [(c.subject, c.channel, c.detail["product_code"]) for c in consent] == [
            (f"disclosure:{disclosure.id}", "web", R4_CODE)]


def test_an_open_order_is_cancelled_once(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            headers = {"X-CSRF-Token": await log_in(client, SENIOR)}
            base = f"/api/accounts/{SENIOR}"
            order = {"side": "buy", "code": "600036", "price": "36.00", "quantity": 100, "request_id": "low-bid-01"}
            placed = await (await client.post(f"{base}/orders", json=order, headers=headers)).json()
            assert placed["accepted"], placed
            url = f"{base}/orders/{placed['order_id']}/cancel"
            first = await (await client.post(url, json={"request_id": "cancel-01"}, headers=headers)).json()
            second = await (await client.post(url, json={"request_id": "cancel-02"}, headers=headers)).json()
            assert first["cancelled"] is True
            assert second["cancelled"] is False and second["reject_code"] == "NOT_CANCELLABLE"
            assert (await (await client.get(base)).json())["funds"]["frozen"] == "0.00"

    run(scenario)


def test_bad_history_days_are_a_clear_422(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            await log_in(client, SENIOR)
            for query in ("from=2026-13-01", "from=2026-12-02&to=2026-12-01", "from=2020-01-01&to=2026-01-01",
                          "to=tomorrow"):
                response = await client.get(f"/api/accounts/{SENIOR}/history?{query}")
                assert response.status == 422, query
                assert (await response.json())["field"] in {"from", "to"}

    run(scenario)
