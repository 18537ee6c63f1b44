"""Phone trading end to end through the real Asterisk: scripted callers key their way through the trading
menus in Mandarin and English; the database, the audit trail, the recording and the prompts are checked."""

from __future__ import annotations

import asyncio
import json
import signal
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_core import audit, calls, recordings
from crm_core.models import (
    AgentState,
    Alert,
    BankTransfer,
    CallEvent,
    CallRecording,
    Investor,
    RiskDisclosure,
    TradingAccount,
    TradingFill,
    TradingOrder,
    TradingPosition,
)
from crm_core.rematch import rematch_investors
from crm_core.seed import seed_reference_data
from crm_core.trading.demo import seed_demo_trading
from hotline.scripted_call import CallObservation, CallScript
from tests.integration.conftest import Hotline
from tests.support.desk import ConsoleApi
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor, place_calls, practice_market, wait_for

PASSWORD = "246810"
BANK_PASSWORD = "9999"
# Each call lasts a minute of real prompts: the menus run on SQLite; the restart test also on PostgreSQL.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
# A trading call lasts 1-2 minutes of prompts and keys alone; on CI's loaded machine the longest one (test_b) took
# over 150 s, 1.6 times what it takes here, and was hung up unfinished. A call's limit only catches a call that
# never ends: 4 minutes, and a test gets 10.
CALL_LIMIT_SECONDS = 240
pytestmark = pytest.mark.timeout(600)


def client(hotline: Hotline, n: int, *, language: str = "zh", risk_class: str = "C3",
           cash_cents: int = 1_234_567, positions: dict[str, int] | None = None) -> tuple[str, str]:
    """A client with a trading account; (account number, phone)."""
    account, phone = f"10000000{n}", f"1380000000{n}"
    investor_id = add_investor(hotline.db, account, f"Client {n}", phone, language=language)
    with hotline.db.session() as session:
        seed_reference_data(session)  # attributes, tree, products and rules: suitability needs them
        session.get(Investor, investor_id).risk_class = risk_class
        seed_demo_trading(session, investor_id, cash_cents=cash_cents, password=PASSWORD,
                          bank_password=BANK_PASSWORD,
                          positions=positions if positions is not None else {"600036": 1000})
        rematch_investors(session, [investor_id], "test client")
    return account, phone


def trade(phone: str, account: str, *keys: str) -> CallScript:
    """Main menu 5, log in, then `keys` (one group per prompt), and hang up when the script is done."""
    return CallScript(HOTLINE, phone, ["5", account + "#", PASSWORD + "#", *keys], hang_up_when_done=True,
                      timeout=CALL_LIMIT_SECONDS)


def run(hotline: Hotline, *scripts: CallScript) -> list[CallObservation]:
    observed = asyncio.run(place_calls(hotline.asterisk, [(0.0, script) for script in scripts]))
    for obs in observed:
        print(f"call {obs.call_id}: inputs {obs.inputs}\nheard {obs.prompts}\nhung up by {obs.hangup_by}")
    for obs in observed:
        assert wait_for(lambda obs=obs: _finished(hotline, obs.call_id), timeout=20), f"call {obs.call_id} open"
    return observed


def _finished(hotline: Hotline, call_id: str) -> bool:
    with hotline.db.session() as session:
        return calls.get_call(session, call_id).status in calls.FINAL_STATUSES


def in_order(heard: list[str], *expected: str) -> bool:
    """`expected` prompts were heard in this order (others may come between)."""
    position = 0
    for prompt in heard:
        if position < len(expected) and prompt == expected[position]:
            position += 1
    return position == len(expected)


def orders_of(hotline: Hotline, account: str) -> list[TradingOrder]:
    with hotline.db.session() as session:
        account_id = session.scalars(select(TradingAccount.id).where(TradingAccount.account_number == account)).one()
        rows = list(session.scalars(select(TradingOrder).where(TradingOrder.account_id == account_id)
                                    .order_by(TradingOrder.id)))
        session.expunge_all()
        return rows


def recording_file(hotline: Hotline, name: str) -> Path:
    return hotline.asterisk.host_base / "spool" / "recording" / f"{name}.wav"


@sqlite_only
def test_a_buy_is_read_back_confirmed_filled_recorded_and_audited(hotline: Hotline) -> None:
    """The same buy by a Mandarin and an English client at once."""
    clients = {"zh": client(hotline, 2), "en": client(hotline, 12, language="en")}
    add_agents(hotline.db, [AgentSpec("2900", {}, role="supervisor", state=AgentState.LOGGED_OUT)])
    hotline.service.start(**practice_market())
    observed = run(hotline, *(trade(phone, account, "1", "600036", "42*48#", "100#", "1", "6", "7")
                              for account, phone in clients.values()))
    price = ["num/point", "num/4", "num/8", "word/yuan"]
    readback = {
        "zh": ["trade_readback_buy", "sec/600036", "word/code", "num/6", "word/price", "num/4", "num/10", "num/2",
               *price, "word/quantity", "num/1", "num/hundred", "word/shares", "word/amount"],
        "en": ["trade_readback_buy", "num/1", "num/hundred", "word/shares", "word/of", "sec/600036", "word/code",
               "num/6", "word/at", "num/40", "num/2", *price, "word/amount"],
    }
    for (language, (account, _)), obs in zip(clients.items(), observed, strict=True):
        _bought_and_evidenced(hotline, account, obs)
        expected = ["trade_menu", "sec/600036", "word/latest_price", "trade_limits", "trade_price", *readback[language],
                    "trade_confirm", "trade_order_accepted", "trade_positions_before", "sec/600036",
                    "trade_funds_available", "trade_funds_frozen", "trade_funds_total"]
        assert in_order(obs.prompts, *(f"{language}/{key}" for key in expected)), obs.prompts
    _recording_played_through_the_console(hotline, clients["en"][1])


def _recording_played_through_the_console(hotline: Hotline, phone: str) -> None:
    """The supervisor finds the recorded call in the running service's console and fetches its recording from
    Asterisk's spool: whole (200) and a range (206, the same bytes as the file)."""
    console = ConsoleApi(f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}", "2900", "pw-2900")
    status, found = console.request("GET", f"/api/quality/calls?customer={phone}")
    assert status == 200, found
    [call] = found["calls"]
    [recording] = call["recordings"]
    with hotline.db.session() as session:
        name = session.get(CallRecording, recording["id"]).name
    wav = recording_file(hotline, name).read_bytes()
    for headers, expected in (({}, (200, wav)), ({"Range": "bytes=44-1043"}, (206, wav[44:1044]))):
        request = urllib.request.Request(f"{console.base_url}/api/recordings/{recording['id']}",
                                         headers={"Cookie": console.cookie, **headers})
        with urllib.request.urlopen(request, timeout=20) as response:
            assert (response.status, response.read()) == expected
            assert response.headers["Content-Type"] == "audio/wav"


def _bought_and_evidenced(hotline: Hotline, account: str, obs: CallObservation) -> None:
    [order] = orders_of(hotline, account)
    assert (order.side, order.security_code, order.price_cents, order.quantity) == ("buy", "600036", 4248, 100)
    assert order.call_id == obs.call_id and order.request_id == f"{obs.call_id}:1"
    assert order.status == "filled", "the simulated market fills a buy at the limit-up price"
    with hotline.db.session() as session:
        fill = session.scalars(select(TradingFill).where(TradingFill.order_id == order.id)).one()
        position = session.get(TradingPosition, (order.account_id, "600036"))
        assert position is not None and position.quantity == 1100
        cash = session.get(TradingAccount, order.account_id).cash_cents
        assert cash == 1_234_567 - fill.amount_cents - fill.fee_cents
        evidence = recordings.evidence_of_order(session, order.id)
        assert [e.outcome for e in evidence.audit] == ["accepted"]
        assert len(evidence.recordings) == 1
        stored = json.dumps([e.detail for e in session.scalars(select(CallEvent))] +
                            [e.detail for e in audit.entries(session)])
        assert PASSWORD not in stored, "the password's digits are never stored"
    wav = recording_file(hotline, evidence.recordings[0])
    assert wav.is_file() and wav.stat().st_size > 8000 * 2, "a few seconds of 8 kHz audio were recorded"


@sqlite_only
def test_b_sell_cancel_quote_and_fills(hotline: Hotline) -> None:
    """An English and a Mandarin client at once: sell 300 at the limit-up price (above the bid, so it
    stays open), cancel it from the list, hear a quote and today's (no) fills."""
    clients = {"en": client(hotline, 3, language="en"), "zh": client(hotline, 13)}
    hotline.service.start(**practice_market())
    # Silence at the first "which order" lets the whole list play; the caller picks on the second.
    observed = run(hotline, *(trade(phone, account, "2", "600036", "42*48#", "300#", "1", "3", "", "1", "1",
                                    "4", "600519", "5") for account, phone in clients.values()))
    readback = {"en": ["trade_readback_sell", "num/3", "num/hundred", "word/shares", "word/of", "sec/600036"],
                "zh": ["trade_readback_sell", "sec/600036", "word/code", "word/quantity", "num/3", "num/hundred",
                       "word/shares"]}
    for (language, (account, _)), obs in zip(clients.items(), observed, strict=True):
        [order] = orders_of(hotline, account)
        assert (order.side, order.quantity, order.status) == ("sell", 300, "cancelled")
        with hotline.db.session() as session:
            position = session.get(TradingPosition, (order.account_id, "600036"))
            assert position is not None and (position.quantity, position.frozen_quantity) == (1000, 0)
            actions = [e.action for e in audit.entries(session, action_prefix="order") if e.call_id == obs.call_id]
            assert actions == ["order.place", "order.cancel"]
        expected = ["trade_sellable", "num/1", "num/thousand", "word/shares", *readback[language],
                    "trade_order_accepted", "word/order", "num/1", "word/sell", "sec/600036", "trade_cancel_choose",
                    "trade_cancel_readback", "trade_cancel_done", "sec/600519", "word/latest_price", "trade_limits",
                    "trade_no_fills"]
        assert in_order(obs.prompts, *(f"{language}/{key}" for key in expected)), obs.prompts


@sqlite_only
def test_c_bad_input_is_explained_nothing_is_placed_and_wrong_passwords_lock(hotline: Hotline) -> None:
    """Two callers at once: one makes every mistake a field allows; one keys a wrong password three times."""
    account, phone = client(hotline, 4)
    locked, locked_phone = client(hotline, 8)
    add_agents(hotline.db, [AgentSpec("2003", {"trading": 8})])
    hotline.service.start(**practice_market())
    keys = ["1", "999999", "600036", "", "99#", "42*48#", "150#", "100000#", "#", "100#", "2",  # buy refused, not sent
            "2", "600036", "34*76#", "5000#", "800#", "*"]  # sell more than held; then back to the menu
    obs, locked_obs = run(hotline, trade(phone, account, *keys),
                          CallScript(HOTLINE, locked_phone, ["5"] + [locked + "#", "111111#"] * 3, talk_seconds=1))
    assert orders_of(hotline, account) == []
    assert in_order(obs.prompts, "zh/reason/unknown_security", "zh/no_input", "zh/reason/price_limit",
                    "zh/reason/board_lot", "zh/reason/insufficient_funds", "zh/no_input", "zh/trade_confirm",
                    "zh/trade_not_placed", "zh/reason/insufficient_shares")
    with hotline.db.session() as session:
        events = calls.events_of(session, obs.call_id)
    refused = [e.detail["reason"] for e in events if e.kind == "order_refused"]
    assert refused == ["UNKNOWN_SECURITY", "BOARD_LOT", "INSUFFICIENT_FUNDS", "INSUFFICIENT_SHARES"]
    assert [e.detail["problem"] for e in events if e.kind == "invalid_input"] == ["reason/price_limit"]
    _locked_and_sent_to_the_trading_desk(hotline, locked_obs)


def _locked_and_sent_to_the_trading_desk(hotline: Hotline, obs: CallObservation) -> None:
    with hotline.db.session() as session:
        call = calls.get_call(session, obs.call_id)
        assert call.category == "trading" and call.status == "completed"
        outcomes = [e.detail["outcome"] for e in calls.events_of(session, obs.call_id) if e.kind == "trading_login"]
        assert outcomes == ["wrong_password", "wrong_password", "locked"]
        assert session.scalars(select(Alert)).first() is not None, "the lock raised an alert"
        logins = [e.outcome for e in audit.entries(session, action_prefix="login") if e.call_id == obs.call_id]
        assert logins[:2] == ["wrong_password", "wrong_password"] and len(logins) == 3, "every failure audited"
    assert in_order(obs.prompts, "zh/self_wrong_password", "zh/self_wrong_password", "zh/self_locked",
                    "zh/to_operator")


@sqlite_only
def test_d_suitability_disclosure_is_recorded_or_the_order_refused(hotline: Hotline) -> None:
    bold, bold_phone = client(hotline, 5, cash_cents=10_000_000)  # C3 buying an R4 ChiNext share: disclosure
    careful, careful_phone = client(hotline, 6, risk_class="C1", cash_cents=10_000_000)  # C1: refused outright
    hotline.service.start(**practice_market())
    run(hotline, trade(bold_phone, bold, "1", "300750", "300#", "100#", "1", "1"),
        trade(careful_phone, careful, "1", "300750", "300#", "100#", "*"))
    [order] = orders_of(hotline, bold)
    assert order.disclosure_id is not None and order.status in ("accepted", "filled")
    with hotline.db.session() as session:
        disclosure = session.get(RiskDisclosure, order.disclosure_id)
        assert disclosure is not None and disclosure.product_code == "300750" and disclosure.channel == "phone"
    assert orders_of(hotline, careful) == []
    with hotline.db.session() as session:
        kinds = {(e.kind, e.detail.get("reason")) for e in session.scalars(select(CallEvent))}
    assert ("order_refused", "SUITABILITY_REFUSED") in kinds and ("order_refused", "NEEDS_DISCLOSURE") in kinds


@sqlite_only
def test_e_password_change_and_bank_transfers(hotline: Hotline) -> None:
    """An English and a Mandarin client at once: new password; money in, out, out with a wrong bank
    password; bank balance."""
    clients = {"en": client(hotline, 7, language="en"), "zh": client(hotline, 17)}
    hotline.service.start(**practice_market())
    observed = run(hotline, *(trade(phone, account, "8", PASSWORD + "#", "135792#", "135792#",
                                    "9", "1", BANK_PASSWORD + "#", "500#", "1",
                                    "9", "2", BANK_PASSWORD + "#", "100*5#", "1",
                                    "9", "2", "1111#", "10#", "1",
                                    "9", "3", BANK_PASSWORD + "#") for account, phone in clients.values()))
    for (language, (account, _)), obs in zip(clients.items(), observed, strict=True):
        with hotline.db.session() as session:
            rows = list(session.scalars(select(BankTransfer).where(BankTransfer.call_id == obs.call_id)
                                        .order_by(BankTransfer.id)))
            assert [(r.direction, r.amount_cents, r.status, r.reject_code) for r in rows] == [
                ("bank_to_broker", 50_000, "completed", None), ("broker_to_bank", 10_050, "completed", None),
                ("broker_to_bank", 1_000, "rejected", "WRONG_BANK_PASSWORD")]
            assert recordings.evidence_of_transfer(session, rows[0].id).recordings, "the transfer's call recorded"
            cash = session.scalars(select(TradingAccount.cash_cents)
                                   .where(TradingAccount.account_number == account)).one()
            assert cash == 1_234_567 + 50_000 - 10_050
            changed = [e for e in audit.entries(session, action_prefix="password") if e.call_id == obs.call_id]
            assert [e.outcome for e in changed] == ["ok"]
            stored = json.dumps([e.detail for e in session.scalars(select(CallEvent))])
            assert "135792" not in stored and BANK_PASSWORD + '"' not in stored
        expected = ["pwd_ok", "bank_readback_in", "bank_done", "bank_readback_out", "num/point", "num/5", "bank_done",
                    "bank_rejected", "reason/wrong_bank_password", "bank_balance"]
        assert in_order(obs.prompts, *(f"{language}/{key}" for key in expected)), obs.prompts


def test_g_service_killed_after_the_confirmation_places_the_order_once_with_its_evidence(hotline: Hotline) -> None:
    """SIGKILL while the order is being placed (a slow database write keeps it in the middle), restart: the
    recovered call places the order once, and it carries its call, the call's recording and its audit row."""
    account, phone = client(hotline, 9)
    hotline.service.start(**practice_market())

    async def call_through_a_crash() -> CallObservation:
        script = trade(phone, account, "1", "600036", "42*48#", "100#", "1", "7")
        task = asyncio.ensure_future(place_calls(hotline.asterisk, [(0.0, script)]))
        with slow_order_audit(hotline):
            confirmed = await asyncio.to_thread(wait_for, lambda: _confirmed(hotline), 90, 0.02)
            assert confirmed, "the caller confirmed"
            await asyncio.sleep(0.5)  # the placement has claimed the request id and is writing its audit row
            hotline.service.stop(signal.SIGKILL)
        await asyncio.to_thread(hotline.service.start, **practice_market())
        [obs] = await task
        return obs

    obs = asyncio.run(call_through_a_crash())
    assert wait_for(lambda: _finished(hotline, obs.call_id), timeout=20)
    [order] = orders_of(hotline, account)
    assert (order.request_id, order.call_id, order.status) == (f"{obs.call_id}:1", obs.call_id, "filled")
    assert in_order(obs.prompts, "zh/trade_confirm", "zh/trade_resumed", "zh/trade_order_accepted",
                    "zh/trade_funds_available")
    with hotline.db.session() as session:
        kinds = [e.kind for e in calls.events_of(session, obs.call_id)]
        evidence = recordings.evidence_of_order(session, order.id)
    assert kinds.count("trade_confirmed") == 1 and kinds.count("trade_reported") == 1
    assert evidence.call_id == obs.call_id and len(evidence.recordings) == 1
    assert recording_file(hotline, evidence.recordings[0]).is_file()
    assert [(e.action, e.outcome, e.call_id) for e in evidence.audit] == [("order.place", "accepted", obs.call_id)], (
        "placed by the recovered call: the killed placement left nothing behind")


@contextmanager
def slow_order_audit(hotline: Hotline) -> Iterator[None]:
    """The order's audit row (the placement's last write) takes ~3 s, as on a database under load, so that a
    kill lands inside the placement's transaction: after its row claimed the request id, before the commit."""
    with hotline.db.engine.begin() as connection:
        for statement in SLOW_AUDIT[connection.dialect.name][0]:
            connection.exec_driver_sql(statement)
    try:
        yield
    finally:
        with hotline.db.engine.begin() as connection:
            for statement in SLOW_AUDIT[connection.dialect.name][1]:
                connection.exec_driver_sql(statement)


ORDER_PLACED = "NEW.action = 'order.place'"
SLOW_AUDIT = {  # (set up, tear down) by backend; SQLite has no sleep: a cross join of 12000 rows takes ~3 s
    "sqlite": (["CREATE TABLE slow_rows (x INTEGER)",
                "INSERT INTO slow_rows WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 12000)"
                " SELECT x FROM n",
                f"CREATE TRIGGER slow_order_audit BEFORE INSERT ON audit_log WHEN {ORDER_PLACED}"
                " BEGIN SELECT count(*) FROM slow_rows a, slow_rows b; END"],
               ["DROP TRIGGER slow_order_audit", "DROP TABLE slow_rows"]),
    "postgresql": (["CREATE FUNCTION slow_order_audit() RETURNS trigger LANGUAGE plpgsql"
                    " AS $$ BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$",
                    "CREATE TRIGGER slow_order_audit BEFORE INSERT ON audit_log FOR EACH ROW"
                    f" WHEN ({ORDER_PLACED}) EXECUTE FUNCTION slow_order_audit()"],
                   ["DROP TRIGGER slow_order_audit ON audit_log", "DROP FUNCTION slow_order_audit()"]),
}


def _confirmed(hotline: Hotline) -> bool:
    with hotline.db.session() as session:
        return session.scalars(select(CallEvent.id).where(CallEvent.kind == "trade_confirmed")).first() is not None
