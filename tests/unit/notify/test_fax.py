"""Fax documents and the fax sender without Asterisk: a client's statement (crm_core.documents) taken from the
trading book, made into a PDF with the client's data and into a class F fax TIFF with as many pages; a
fax-back queued to a keyed number; a fax on the caller's own call claimed for that call at once, never by the
dispatcher, given up (not retried) when it fails; the outcome of a fax call read from its ARI events; bad input
refused."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from ari_apps.notify.fax import FaxApp, FaxOutcome, outcome_of
from ari_apps.notify.fax_settings import FaxSettings
from crm_core.db import Database
from crm_core.documents import UnknownDocument, document_html, statement_data
from crm_core.documents.send import document_data, fax_on_call, queue_document
from crm_core.models import Notification
from crm_core.notifications.outbox import Outgoing, claim, claim_one, enqueue, events_of, failed, sent
from crm_core.notifications.rules import NotifyPolicy
from crm_core.notifications.sending import SendFailed
from crm_core.trading import match_orders, place_order
from gateways.fax_documents import html_to_fax_tiff, html_to_pdf, tiff_pages
from tests.unit.trading.conftest import ACCOUNT, NOW, Desk
from tests.unit.trading.conftest import desk as desk  # noqa: PLC0414 - the seeded client, as a fixture here

POLICY = NotifyPolicy(quiet_channels=frozenset())


def pdf_text(pdf: bytes, folder: Path) -> str:
    source = folder / "doc.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=txtwrite", "-sOutputFile=-",
                           str(source)], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def test_a_statement_pdf_has_the_clients_funds_holdings_and_fills(desk: Desk, tmp_path: Path) -> None:
    desk.feed.set("601318", bid_cents=5_136, ask_cents=5_138)
    with desk.db.session() as session:
        place_order(session, ACCOUNT, "buy", "601318", "51.40", 300, request_id="f-1", now=NOW, broker=desk.broker)
        match_orders(session, NOW, broker=desk.broker)
        data = statement_data(session, desk.investor_id, now=NOW, broker=desk.broker)
    [account] = data["accounts"]
    assert [f["quantity"] for f in account["fills"]] == [300] and account["fills"][0]["price"] == "51.38"
    text = pdf_text(html_to_pdf(document_html(data, "zh")), tmp_path)
    assert "对账单" in text and "张三" in text and ACCOUNT in text  # the Chinese font is embedded and readable
    for code in ("600036", "000001", "601318"):
        assert code in text
    assert f"{account['funds']['total'] / 100:,.2f}" in text and "51.38" in text


def test_the_fax_image_is_class_f_with_the_pdfs_pages(tmp_path: Path) -> None:
    holdings = [{"code": f"{600000 + i}", "name_zh": "测试", "name_en": "Test", "quantity": i, "sellable": i,
                 "average_cost": "1.000", "last": 100, "value": 100 * i, "pnl": 0} for i in range(90)]
    data = {"kind": "statement", "as_of": "2026-11-25 02:00 UTC", "client": {"account": "1", "name": "Li"},
            "accounts": [{"number": "1", "status": "active", "funds": {"available": 1, "frozen": 0, "total": 1},
                          "holdings": holdings, "fills": []}]}
    html = document_html(data, "en")
    from weasyprint import HTML

    pdf_pages = len(HTML(string=html).render().pages)
    pages = html_to_fax_tiff(html, tmp_path / "out.tif")
    assert pages == pdf_pages == tiff_pages(tmp_path / "out.tif") >= 2
    with Image.open(tmp_path / "out.tif") as image:
        for frame in range(pages):
            image.seek(frame)
            assert image.size[0] == 1728 and image.info["compression"] == "group3"
            assert tuple(round(d) for d in image.info["dpi"]) == (204, 196)


def test_a_file_that_is_not_a_tiff_is_refused(tmp_path: Path) -> None:
    from gateways.fax_documents import DocumentError

    (tmp_path / "x.tif").write_bytes(b"%PDF-1.4 not a tiff")
    with pytest.raises(DocumentError, match="not a readable TIFF"):
        tiff_pages(tmp_path / "x.tif")


def test_a_fax_back_goes_to_the_keyed_number_with_the_statement_attached(desk: Desk) -> None:
    with desk.db.session() as session:
        row = queue_document(session, desk.investor_id, "statement", key="fb-1", now=NOW, policy=POLICY,
                             address="021-6888 1234", broker=desk.broker)
        again = queue_document(session, desk.investor_id, "statement", key="fb-1", now=NOW, policy=POLICY,
                               address="55501", broker=desk.broker)
        assert again.id == row.id  # one request, one fax, whatever retries
        [outgoing] = claim(session, NOW, {"fax"})
    assert (outgoing.channel, outgoing.address) == ("fax", "02168881234")
    [(name, mime, content)] = outgoing.attachments
    assert (name, mime) == ("statement.html", "text/html") and b"600036" in content and ACCOUNT.encode() in content


def on_call(desk: Desk, key: str = "fc-1", caller: str = "13800000001") -> tuple[int, Outgoing | None]:
    with desk.db.session() as session:
        document = document_data(session, desk.investor_id, "statement", now=NOW, broker=desk.broker)
        row, taken = fax_on_call(session, desk.investor_id, document, key=key, now=NOW,
                                 policy=NotifyPolicy(), caller=caller)  # the default quiet hours: on a call, no wait
        return row.id, taken


def test_a_fax_on_the_callers_own_call_is_claimed_for_that_call_once_and_never_by_the_dispatcher(desk: Desk) -> None:
    notification_id, taken = on_call(desk)
    assert taken is not None and (taken.id, taken.channel, taken.address) == (
        notification_id, "fax", "this call from 13800000001")
    assert [name for name, _, _ in taken.attachments] == ["statement.html"]
    assert on_call(desk) == (notification_id, None)  # the same ask again: nothing to send twice
    with desk.db.session() as session:
        assert claim(session, NOW, {"fax"}) == [] and claim_one(session, notification_id, NOW) is None
        sent(session, notification_id, NOW, provider_id="chan-1", detail="FAXSTATUS SUCCESS, 1 of 1 page(s) sent")
        row = session.get(Notification, notification_id)
        assert row is not None and (row.status, row.chain, row.attempts) == ("sent", ["fax"], 1)
        assert [e.status for e in events_of(session, notification_id)] == ["queued", "sending", "sent"]


def test_a_fax_on_a_call_that_fails_is_given_up_with_its_reason_not_retried(desk: Desk) -> None:
    notification_id, taken = on_call(desk, caller="")
    assert taken is not None and taken.address == "this call"
    with desk.db.session() as session:
        row = failed(session, notification_id, "FAXSTATUS FAILED, 0 of 1 page(s) sent: T30_PPR", NOW, POLICY,
                     permanent=True)
        assert (row.status, row.chain) == ("given_up", [])
        assert "T30_PPR" in row.reason and claim(session, NOW, {"fax"}) == []


@pytest.mark.parametrize("number", ["not-a-number", "12", "", "1" * 21])
def test_a_bad_fax_number_is_refused_and_nothing_is_queued(desk: Desk, number: str) -> None:
    with desk.db.session() as session, pytest.raises(ValueError, match="not a fax number"):
        queue_document(session, desk.investor_id, "statement", key="bad", now=NOW, policy=POLICY, address=number)
    with desk.db.session() as session:
        assert session.scalars(select(Notification)).all() == []


def test_a_document_of_an_unknown_kind_is_refused_when_queued(desk: Desk) -> None:
    with desk.db.session() as session, pytest.raises(UnknownDocument):
        enqueue(session, key="k", investor_id=desk.investor_id, purpose="document", template="message",
                data={"subject": "s", "body": "b", "document": {"kind": "invoice"}}, now=NOW, policy=POLICY,
                channel="fax", address="5551")


def test_the_outcome_of_a_fax_call_comes_from_its_events() -> None:
    sent = {"type": "ChannelUserevent", "eventname": "HotlineFax", "channel": {"id": "fax-1"},
            "userevent": {"status": "SUCCESS", "pages": "2", "error": "HANGUP"}}
    failed = {**sent, "userevent": {"status": "FAILED", "pages": "1", "error": "T30_PPR"}}
    gone = {"type": "ChannelDestroyed", "cause": 17, "cause_txt": "User busy", "channel": {"id": "fax-1"}}
    assert outcome_of(sent) == FaxOutcome("SUCCESS", 2, "HANGUP")
    assert outcome_of(sent).describe(2) == "FAXSTATUS SUCCESS, 2 of 2 page(s) sent"  # type: ignore[union-attr]
    assert outcome_of(failed).describe(3) == "FAXSTATUS FAILED, 1 of 3 page(s) sent: T30_PPR"  # type: ignore[union-attr]
    assert outcome_of(gone) == FaxOutcome("", 0, "call ended before the fax: User busy")
    assert outcome_of({"type": "StasisEnd", "channel": {"id": "fax-1"}}) is None
    assert outcome_of({**sent, "eventname": "Other"}) is None


def fax_app(tmp_path: Path) -> FaxApp:
    return FaxApp("hotline-fax", FaxSettings(dial="Local/{number}@hotline-fax-sim/n"), tmp_path, "/srv/x/spool")


def outgoing(address: str) -> Outgoing:
    return Outgoing(7, "k", "fax", address, "zh", "回复", "您好\n\n第二段", "")


def test_a_number_that_cannot_be_dialled_is_a_permanent_failure(tmp_path: Path) -> None:
    with pytest.raises(SendFailed, match="not a phone number") as failure:
        asyncio.run(fax_app(tmp_path).send_fax(outgoing("fax me")))
    assert failure.value.permanent and list(tmp_path.iterdir()) == []


def test_without_asterisk_the_fax_waits_for_a_retry_and_leaves_no_image(tmp_path: Path) -> None:
    app = fax_app(tmp_path)
    app.connect_wait_seconds = 0.1
    with pytest.raises(SendFailed, match="not connected to Asterisk") as failure:
        asyncio.run(app.send_fax(outgoing("5551")))
    assert not failure.value.permanent and list(tmp_path.iterdir()) == []


def test_statement_data_of_an_unknown_client_is_an_error(database: Database) -> None:
    from crm_core.summary import UnknownInvestor

    with database.session() as session, pytest.raises(UnknownInvestor):
        statement_data(session, 999, now=NOW)
