"""Fax notifications end to end through the real Asterisk: a client's statement queued with `hotline notify
statement` or from the IVR (main menu 6, the trading login, a document and a way picked, a fax number keyed;
a product's fact sheet and a quote sheet too, the quote sheet by e-mail as a PDF) is rendered to PDF and a fax
TIFF, sent by SendFAX on an originated call, and received by a simulated fax machine in the same Asterisk
(ReceiveFAX, dialplan hotline-fax-sim) whose TIFF has the pages that were sent; FAXSTATUS SUCCESS and the
pages are in the notification's life. A fax number that never answers is a failure with its cause, retried
later. A document asked for "on this call" (way 4) is sent by SendFAX on the caller's own channel once they are
told to press start: the caller's half of the call runs ReceiveFAX and gets the pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from crm_core.investors import find_by_account
from crm_core.models import CallEvent, InvestorContact, InvestorDetail, Notification
from crm_core.notifications.outbox import events_of
from crm_core.trading import load_securities
from gateways.fax_documents import tiff_pages
from hotline.scripted_call import CallScript
from tests.integration.conftest import Hotline
from tests.integration.test_phone_trading import PASSWORD, client, in_order, run, sqlite_only
from tests.support.hotline import HOTLINE as HOTLINE_NUMBER
from tests.support.hotline import practice_market, wait_for
from tests.support.smtp import SmtpServer

HOTLINE = str(Path(sys.executable).parent / "hotline")
FAX_ENV = {"HOTLINE_FAX_DIAL": "Local/{number}@hotline-fax-sim/n", "HOTLINE_FAX_RING_SECONDS": "3",
           "HOTLINE_FAX_TIMEOUT_SECONDS": "120", "HOTLINE_FAX_HEADER": "Hotline test",
           "HOTLINE_NOTIFY_QUIET_FROM": "00:00", "HOTLINE_NOTIFY_QUIET_UNTIL": "00:00",
           "HOTLINE_NOTIFY_RETRY_DELAYS_SECONDS": "300"}


def notify(hotline: Hotline, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HOTLINE, "notify", *args], env={**hotline.service.env, **FAX_ENV}, capture_output=True,
                          text=True, timeout=120)


def received(hotline: Hotline, number: str) -> list[Path]:
    return sorted((hotline.asterisk.host_base / "spool" / "fax" / "in").glob(f"{number}-*.tif"))


def only_notification(hotline: Hotline) -> Notification:
    with hotline.db.session() as session:
        row = session.scalars(select(Notification)).one()
        session.expunge(row)
        return row


@sqlite_only
def test_a_statement_faxed_back_arrives_with_the_pages_sent(hotline: Hotline) -> None:
    every_security = {code: 100 for code in load_securities()}  # 31 holdings: a statement of two pages
    account, _ = client(hotline, 4, positions=every_security)
    hotline.service.start(**practice_market(), **FAX_ENV)
    queued = notify(hotline, "statement", account, "--to", "021-6888 1234")
    assert queued.returncode == 0, queued.stderr
    assert "\tqueued\tfax\t02168881234\t" in queued.stdout, queued.stdout

    assert_faxed(hotline, "02168881234", pages=2)


@sqlite_only
def test_a_fax_back_asked_for_from_the_ivr_arrives_with_the_pages_sent(hotline: Hotline) -> None:
    account, phone = client(hotline, 7, positions={"600036": 300})
    hotline.service.start(**practice_market(), **FAX_ENV)
    [call] = run(hotline, CallScript(HOTLINE_NUMBER, phone, ["6", account + "#", PASSWORD + "#", "1", "1",
                                                             "02168887777#"], hang_up_when_done=True, timeout=150))
    assert in_order(call.prompts, "zh/main_menu", "zh/document_menu", "zh/document_way", "zh/fax_number",
                    "zh/fax_queued"), call.prompts
    # then the IVR asked for keys again (the main menu; its prompt may not have begun when the scripted caller,
    # out of keys, hung up on being asked): the caller hung up, the hotline did not end the call
    assert call.hangup_by == "caller", call
    row = assert_faxed(hotline, "02168887777")
    assert row.key.startswith("faxback:") and row.data["document"]["client"]["account"] == account


@sqlite_only
def test_a_statement_asked_for_on_this_call_is_faxed_to_the_callers_machine_on_the_same_call(
        hotline: Hotline) -> None:
    every_security = {code: 100 for code in load_securities()}  # a statement of two pages
    account, phone = client(hotline, 10, positions=every_security, language="en")
    hotline.service.start(**practice_market(), **FAX_ENV)
    [call] = run(hotline, CallScript(HOTLINE_NUMBER, phone, ["6", account + "#", PASSWORD + "#", "1", "4"],
                                     fax_on="en/fax_press_start", fax_machine="5557001", timeout=150))
    assert in_order(call.prompts, "en/main_menu", "en/document_menu", "en/document_way", "en/fax_press_start"), \
        call.prompts
    assert call.hangup_by == "hotline", call  # SendFAX ended the call once the pages were sent
    row = assert_faxed(hotline, "5557001", pages=2, address=f"this call from {phone}", provider_id=call.peer_id)
    assert row.key == f"faxcall:{call.call_id}:statement:" and row.chain == ["fax"] and row.attempts == 1
    assert row.data["document"]["client"]["account"] == account
    with hotline.db.session() as session:
        [noted] = [e for e in session.scalars(select(CallEvent).where(CallEvent.call_id == call.call_id))
                   if e.kind == "fax_on_call"]
        assert noted.detail["status"] == "sent" and noted.detail["notification"] == row.id, noted.detail


@sqlite_only
def test_a_fax_on_this_call_to_a_caller_with_no_fax_machine_is_given_up_with_its_reason(hotline: Hotline) -> None:
    account, phone = client(hotline, 11, positions={"600036": 300})
    hotline.service.start(**practice_market(), **{**FAX_ENV, "HOTLINE_FAX_TIMEOUT_SECONDS": "15"})
    [call] = run(hotline, CallScript(HOTLINE_NUMBER, phone, ["6", account + "#", PASSWORD + "#", "1", "4"],
                                     timeout=90))  # nobody presses start: no fax answers SendFAX
    assert in_order(call.prompts, "zh/document_way", "zh/fax_press_start"), call.prompts
    assert call.hangup_by == "hotline", call  # the fax's time ran out: the hotline hung up, not the test
    row = only_notification(hotline)
    assert (row.status, row.chain, row.attempts, row.address) == ("given_up", [], 1, f"this call from {phone}")
    # not retried, no other channel: the call is over
    assert row.reason == ("fax failed (FAXSTATUS none, 0 of 1 page(s) sent: no outcome within 15s); "
                          "no channel left"), row.reason
    assert list((hotline.asterisk.host_base / "spool" / "fax" / "out").iterdir()) == []  # the image is gone too


@sqlite_only
def test_a_products_fact_sheet_asked_for_from_the_ivr_arrives_by_fax(hotline: Hotline) -> None:
    account, phone = client(hotline, 8, language="en")
    hotline.service.start(**practice_market(), **FAX_ENV)
    [call] = run(hotline, CallScript(HOTLINE_NUMBER, phone, ["6", account + "#", PASSWORD + "#", "3", "999999",
                                                             "600036", "1", "02168886666#"],
                                     hang_up_when_done=True, timeout=150))
    assert in_order(call.prompts, "en/document_menu", "en/fact_sheet_code", "en/reason/unknown_security",
                    "en/fact_sheet_code", "en/document_way", "en/fax_number", "en/fax_queued"), call.prompts
    row = assert_faxed(hotline, "02168886666")
    document = row.data["document"]
    assert (row.template, document["product"]["code"], document["product"]["risk_level"]) == (
        "fact_sheet", "600036", "R3")


@sqlite_only
def test_a_quote_sheet_of_the_holdings_asked_for_from_the_ivr_arrives_by_email_as_a_pdf(
        hotline: Hotline, smtp_server: SmtpServer) -> None:
    account, phone = client(hotline, 9, positions={"600519": 100, "601318": 500})
    with hotline.db.session() as session:
        investor = find_by_account(session, account)
        assert investor is not None
        session.add(InvestorDetail(investor_id=investor.id, email="client9@example.com"))
    hotline.service.start(**practice_market(), **FAX_ENV, HOTLINE_EMAIL_HOST="127.0.0.1",
                          HOTLINE_EMAIL_PORT=str(smtp_server.port))
    [call] = run(hotline, CallScript(HOTLINE_NUMBER, phone, ["6", account + "#", PASSWORD + "#", "2", "0#", "2"],
                                     hang_up_when_done=True, timeout=150))
    assert in_order(call.prompts, "zh/document_menu", "zh/quote_sheet_code", "zh/document_way",
                    "zh/document_queued"), call.prompts
    assert wait_for(lambda: smtp_server.mailbox.messages, timeout=30), only_notification(hotline)
    (message,) = smtp_server.mailbox.messages
    assert message["To"] == "client9@example.com" and message["Subject"].startswith("行情单")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "quote_sheet.pdf" and attachment.get_content().startswith(b"%PDF-")
    row = only_notification(hotline)
    assert [q["code"] for q in row.data["document"]["quotes"]] == ["600519", "601318"]
    assert wait_for(lambda: only_notification(hotline).status == "sent", timeout=10)


def assert_faxed(hotline: Hotline, number: str, pages: int = 1, *, address: str = "",
                 provider_id: str = "") -> Notification:
    """The one notification was sent by fax to `number` (the simulated machine's; `address` and `provider_id`:
    those of a fax on the caller's own call): the machine received a valid fax TIFF with the pages the
    notification's life says were sent, with FAXSTATUS SUCCESS."""
    assert wait_for(lambda: only_notification(hotline).status in {"sent", "retry", "given_up"}, timeout=90), \
        only_notification(hotline).status
    row = only_notification(hotline)
    with hotline.db.session() as session:
        life = [(e.status, e.reason) for e in events_of(session, row.id)]
    assert row.status == "sent", (row.reason, life, hotline.service.log.read_text()[-3000:],
                                  (hotline.asterisk.host_base / "log" / "messages.log").read_text()[-3000:])
    if provider_id:
        assert (row.provider_id, row.address) == (provider_id, address), (row.provider_id, row.address)
    else:
        assert row.provider_id.startswith(f"fax-{row.id}-") and row.address == number
    [file] = received(hotline, number)
    assert tiff_pages(file) == pages  # Pillow reads it as a TIFF: a valid fax image, with this many pages
    assert ("sent", f"{row.provider_id} (FAXSTATUS SUCCESS, {pages} of {pages} page(s) sent)") in life, life
    info = subprocess.run(["tiffinfo", str(file)], capture_output=True, text=True, timeout=30)
    assert info.stdout.count("Image Width: 1728") == pages, info.stdout
    return row


@sqlite_only
def test_a_fax_number_that_never_answers_is_retried_later(hotline: Hotline) -> None:
    account, _ = client(hotline, 5)
    with hotline.db.session() as session:
        investor = find_by_account(session, account)
        assert investor is not None
        session.add(InvestorContact(investor_id=investor.id, channel="fax", value="5550"))  # 0: never answers
    hotline.service.start(**practice_market(), **FAX_ENV)
    queued = notify(hotline, "statement", account)
    assert queued.returncode == 0 and "\tfax\t5550\t" in queued.stdout, (queued.stdout, queued.stderr)

    assert wait_for(lambda: only_notification(hotline).status == "retry", timeout=60), only_notification(hotline)
    row = only_notification(hotline)
    assert row.channel == "fax" and row.attempts == 1
    assert row.reason == ("fax attempt 1 failed: FAXSTATUS none, 0 of 1 page(s) sent: call ended before the fax: "
                          "User alerting, no answer"), row.reason
    assert received(hotline, "5550") == []


@sqlite_only
def test_a_bad_fax_number_is_an_error_and_queues_nothing(hotline: Hotline) -> None:
    account, _ = client(hotline, 6)
    refused = notify(hotline, "statement", account, "--to", "not-a-number")
    assert refused.returncode == 2 and "not a fax number" in refused.stderr, refused.stderr
    with hotline.db.session() as session:
        assert session.scalars(select(Notification)).all() == []
