"""Complaints arriving by themselves at the running service. A fax to the complaints number through the real
Asterisk: a two-page fax sent with SendFAX (dialplan hotline-fax-send) from a client's fax machine to the complaints
number, received by ReceiveFAX, becomes a complaint with its pages attached as a PDF, matched to the client by the
sending number and acknowledged automatically by fax back to that number through the outbox; its TIFF leaves the
spool once kept in the database. An e-mail forwarded by SMTP to the service's complaints mailbox becomes one too."""

from __future__ import annotations

import json
import smtplib
import urllib.parse
import urllib.request
from email.message import EmailMessage

from sqlalchemy import select

from crm_core.complaints import service
from crm_core.models import Complaint, InvestorContact, Notification
from dialplan import variables as v
from gateways.fax_documents import html_to_fax_tiff
from hotline.settings import load_settings
from tests.integration.conftest import Hotline
from tests.integration.test_phone_trading import sqlite_only
from tests.support.hotline import add_investor, ari_request, wait_for
from tests.support.ports import free_port

FAX_NUMBER = load_settings(environ={}).complaints.fax_number
LETTER = "<html><body><h1>Complaint</h1><p>My order was filled late.</p>" \
         "<p style='page-break-before: always'>Page two: please call me.</p></body></html>"


def send_fax(hotline: Hotline, sender: str) -> None:
    """Originate the sending machine: SendFAX on one half of a Local channel whose other half dials the
    complaints number as a trunk call from `sender` (hotline-scripted)."""
    spool = hotline.asterisk.host_base / "spool" / "fax" / "out"
    pages = html_to_fax_tiff(LETTER, spool / "complaint-letter.tif")
    assert pages == 2
    query = urllib.parse.urlencode({"endpoint": f"Local/{FAX_NUMBER}-{sender}@hotline-scripted/n",
                                    "context": "hotline-fax-send", "extension": "send", "priority": "1",
                                    "timeout": "30"})
    request = ari_request(hotline.asterisk, "POST", f"channels?{query}")
    request.add_header("Content-Type", "application/json")
    request.data = json.dumps({"variables": {
        v.FAX_FILE: f"{hotline.asterisk.base}/spool/fax/out/complaint-letter.tif"}}).encode()
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@sqlite_only
def test_a_fax_to_the_complaints_number_makes_a_complaint_with_its_pages(hotline: Hotline) -> None:
    investor_id = add_investor(hotline.db, "100000041", "Client 41", "13800000041")
    with hotline.db.session() as session:
        session.add(InvestorContact(investor_id=investor_id, channel="fax", value="021-6888 1234"))
    hotline.service.start()
    send_fax(hotline, "02168881234")

    def complaint() -> Complaint | None:
        with hotline.db.session() as session:
            found = session.scalars(select(Complaint)).first()
            if found is not None:
                session.expunge(found)
            return found

    assert wait_for(complaint, timeout=120), hotline.service.log.read_text()[-3000:]
    row = complaint()
    assert row is not None
    assert (row.channel, row.sender, row.investor_id, row.status) == ("fax", "02168881234", investor_id,
                                                                     "acknowledged")
    assert row.source_key is not None and row.source_key.startswith("fax:")
    with hotline.db.session() as session:
        [pages] = service.attachments_of(session, row.id)
        assert pages.media_type == "application/pdf" and pages.content.startswith(b"%PDF-")
        assert pages.pages == 2
        [ack] = session.scalars(select(Notification)).all()
        assert (ack.key, ack.channel, ack.address, ack.template) == (
            f"complaint:{row.id}:ack", "fax", "02168881234", "complaint_ack")
        assert [s.action for s in service.steps_of(session, row.id)] == ["opened", "attached", "acknowledged"]
    assert list((hotline.asterisk.host_base / "spool" / "fax" / "complaints").glob("*.tif")) == []


@sqlite_only
def test_an_email_forwarded_to_the_service_s_mailbox_makes_a_complaint(hotline: Hotline) -> None:
    """`hotline serve` with `complaints.mail_port` receives the complaints mailbox by SMTP."""
    investor_id = add_investor(hotline.db, "100000042", "Client 42", "13800000042")
    with hotline.db.session() as session:
        session.add(InvestorContact(investor_id=investor_id, channel="email", value="client42@example.com"))
    port = free_port()
    hotline.service.start(HOTLINE_COMPLAINTS_MAIL_PORT=str(port))
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "client42@example.com", "complaints@hotline.example", "Fees"
    message["Message-ID"] = "<42@example.com>"
    message.set_content("I was charged twice.")
    assert wait_for(lambda: _smtp_answers(port), timeout=30)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message)
    with hotline.db.session() as session:
        [row] = session.scalars(select(Complaint)).all()
        assert (row.channel, row.investor_id, row.status, row.summary) == (
            "email", investor_id, "acknowledged", "Fees\n\nI was charged twice.")
        [ack] = session.scalars(select(Notification)).all()
        assert (ack.channel, ack.address) == ("email", "client42@example.com")


def _smtp_answers(port: int) -> bool:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=2) as smtp:
            return smtp.noop()[0] == 250
    except OSError:
        return False
