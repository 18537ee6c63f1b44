"""The quote sheet and the product fact sheet: their data from the market and the CRM's products, their PDF
(read back with ghostscript), sent whole as an e-mail's PDF to aiosmtpd and as a summary by SMS to the test
SMSC; an unknown code is refused and queues nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm_core.documents import document_html
from crm_core.documents.send import queue_document
from crm_core.documents.sheets import DocumentRejected
from crm_core.models import InvestorDetail, InvestorPhone, Notification
from crm_core.notifications import templates
from gateways.fax_documents import html_to_pdf
from tests.support.smsc import Received, TestSmsc
from tests.support.smtp import SmtpServer
from tests.unit.notify.test_email import Clock
from tests.unit.notify.test_email import dispatch as dispatch_email
from tests.unit.notify.test_fax import pdf_text
from tests.unit.notify.test_outbox import POLICY, row
from tests.unit.notify.test_sms import dispatch as dispatch_sms
from tests.unit.notify.test_sms import sender_for
from tests.unit.trading.conftest import ACCOUNT, NOW, Desk
from tests.unit.trading.conftest import desk as desk  # noqa: PLC0414 - the seeded client, as a fixture here


def queue(desk: Desk, kind: str, key: str, codes: list[str] | None = None, **kw: str) -> Notification:
    with desk.db.session() as session:
        if session.get(InvestorDetail, desk.investor_id) is None:
            session.add(InvestorDetail(investor_id=desk.investor_id, email="zhang@example.com"))
            session.add(InvestorPhone(investor_id=desk.investor_id, number="13800000001"))
        notification = queue_document(session, desk.investor_id, kind, key=key, now=NOW, policy=POLICY, codes=codes,
                                      broker=desk.broker, **kw)
        session.flush()
        session.expunge(notification)
        return notification


def test_a_quote_sheet_of_the_clients_holdings_has_the_markets_prices_in_its_pdf(desk: Desk, tmp_path: Path) -> None:
    desk.feed.set("600036", bid_cents=3_870, ask_cents=3_871)
    notification = queue(desk, "quote_sheet", "q-1", channel="fax", address="02168881234")
    document = notification.data["document"]
    assert [q["code"] for q in document["quotes"]] == ["000001", "600036"]  # what the client holds
    merchants = document["quotes"][1]
    assert merchants["last"] == desk.broker.quote("600036", NOW).last_cents and merchants["name_en"]
    text = pdf_text(html_to_pdf(document_html(document, "zh")), tmp_path)
    assert "行情单" in text and "招商银行" in text and ACCOUNT in text
    assert f"{merchants['last'] / 100:,.2f}" in text and f"{merchants['previous_close'] / 100:,.2f}" in text


def sent_by_sms(desk: Desk, smsc: TestSmsc) -> Received:
    """One round of the dispatcher with the SMS sender: the one message the test SMSC received."""
    sender = sender_for(desk.db, smsc)
    try:
        assert dispatch_sms(desk.db, sender, Clock(NOW)) == 1
    finally:
        sender.close()
    (sms,) = smsc.messages
    return sms


def test_a_quote_sheet_of_keyed_codes_goes_by_sms_as_a_summary(desk: Desk, smsc: TestSmsc) -> None:
    notification = queue(desk, "quote_sheet", "q-2", codes=["600519", "601318"], channel="sms")
    quotes = notification.data["document"]["quotes"]
    sms = sent_by_sms(desk, smsc)
    assert sms.destination == "13800000001"
    assert sms.text.startswith("【热线】行情") and "600519贵州茅台" in sms.text and "601318中国平安" in sms.text
    assert f"{quotes[0]['last'] / 100:,.2f}元" in sms.text and row(desk.db, notification.id).status == "sent"


def test_a_fact_sheet_by_email_is_a_pdf_with_the_products_risk_level_and_whether_it_suits_the_client(
        desk: Desk, smtp_server: SmtpServer, tmp_path: Path) -> None:
    notification = queue(desk, "fact_sheet", "f-1", codes=["600036"], channel="email")
    document = notification.data["document"]
    assert (document["product"]["code"], document["product"]["risk_level"]) == ("600036", "R3")
    assert document["client"]["risk_class"] == "C3" and document["suitability"]["outcome"] == "allowed"
    assert document["quote"]["code"] == "600036"  # a listed product: its latest price
    assert dispatch_email(desk.db, smtp_server, Clock(NOW)) == 1
    (message,) = smtp_server.mailbox.messages
    assert message["Subject"] == f"产品说明：{document['product']['name']}（600036）"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "fact_sheet.pdf"
    text = pdf_text(attachment.get_content(), tmp_path)
    assert "产品说明" in text and "R3" in text and "C3" in text and "适合您" in text


def test_a_fact_sheet_for_english_readers_reads_in_english() -> None:
    data = {"kind": "fact_sheet", "as_of": "2026-11-25 02:00 UTC",
            "client": {"account": "1", "name": "Li", "risk_class": "C2"},
            "product": {"code": "OPT05", "name": "Listed options", "kind": "security", "type": "option",
                        "risk_level": "R5", "horizon": "short", "min_investor_class": "ordinary", "attributes": {}},
            "suitability": {"outcome": "refused", "reason": "risk R5 above tolerance C2"}, "quote": None}
    html = document_html(data, "en")
    assert "Fact sheet: Listed options (OPT05)" in html and "Does not suit you" in html and "R5" in html
    sms = templates.render("fact_sheet", "en", {"name": "Li", "document": data}).sms
    assert sms == ("[Hotline] OPT05 Listed options: risk level R5, short term. Your risk tolerance C2: "
                   "it does not suit you.")


@pytest.mark.parametrize(("kind", "codes", "problem"), [
    ("quote_sheet", ["999999"], "unknown security code 999999"),
    ("fact_sheet", ["NOPE1"], "no product with code 'NOPE1'"),
    ("fact_sheet", [], "a fact sheet is of one product"),
    ("price_list", None, "no document 'price_list'"),
])
def test_an_unknown_code_or_document_is_refused_and_queues_nothing(desk: Desk, kind: str, codes: list[str] | None,
                                                                   problem: str) -> None:
    with pytest.raises(DocumentRejected, match=problem):
        queue(desk, kind, "bad", codes=codes, channel="email")
    with desk.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_statement_by_sms_is_a_summary_of_its_figures(desk: Desk, smsc: TestSmsc) -> None:
    notification = queue(desk, "statement", "s-1", channel="sms")
    [account] = notification.data["document"]["accounts"]
    held = sum(h["value"] for h in account["holdings"])
    sms = sent_by_sms(desk, smsc)
    assert sms.text.startswith(f"【热线】对账单 {ACCOUNT}") and held > 0
    assert f"资金{account['funds']['total'] / 100:,.2f}元" in sms.text and f"持仓市值{held / 100:,.2f}元" in sms.text
