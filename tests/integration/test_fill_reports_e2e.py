"""Fill reports end to end: two clients buy by phone through the real Asterisk; the practice market fills the
orders; each client's report goes out by the channel they chose, to a real SMTP server (aiosmtpd) and a real
SMPP server (the test SMSC) on loopback, once."""

from __future__ import annotations

from sqlalchemy import select

from crm_core.investors import find_by_account
from crm_core.models import InvestorDetail, Notification, TradingAccount, TradingFill, TradingOrder
from crm_core.notifications.fill_reports import subscribe
from tests.integration.conftest import Hotline
from tests.integration.test_phone_trading import client, run, sqlite_only, trade
from tests.support.hotline import practice_market, wait_for
from tests.support.smsc import TestSmsc
from tests.support.smtp import SmtpServer


@sqlite_only
def test_a_phone_orders_fill_report_arrives_by_email_and_by_sms(hotline: Hotline, smtp_server: SmtpServer,
                                                                 smsc: TestSmsc) -> None:
    smtp = smtp_server
    (by_sms, sms_phone), (by_mail, mail_phone) = client(hotline, 3), client(hotline, 13, language="en")
    with hotline.db.session() as session:
        for account, channel in ((by_sms, "sms"), (by_mail, "email")):
            investor = find_by_account(session, account)
            assert investor is not None
            investor_id = investor.id
            if channel == "email":
                session.add(InvestorDetail(investor_id=investor_id, email="client13@example.com"))
            subscribe(session, investor_id, channel=channel)
    hotline.service.start(**practice_market(), HOTLINE_EMAIL_HOST="127.0.0.1", HOTLINE_EMAIL_PORT=str(smtp.port),
                          HOTLINE_SMS_HOST="127.0.0.1", HOTLINE_SMS_PORT=str(smsc.port),
                          HOTLINE_SMS_SYSTEM_ID=smsc.system_id, HOTLINE_SMS_PASSWORD=smsc.password,
                          HOTLINE_NOTIFY_QUIET_FROM="00:00", HOTLINE_NOTIFY_QUIET_UNTIL="00:00")
    run(hotline, *(trade(phone, account, "1", "600036", "42*48#", "100#", "1")
                   for account, phone in ((by_sms, sms_phone), (by_mail, mail_phone))))

    assert wait_for(lambda: smtp.mailbox.messages and smsc.messages, timeout=20), "no fill report arrived"
    (mail,) = smtp.mailbox.messages
    assert mail["To"] == "client13@example.com" and mail["Subject"] == (
        "Fill report: buy 100 China Merchants Bank (600036)")
    (sms,) = smsc.messages
    with hotline.db.session() as session:
        fill = session.scalars(select(TradingFill).join(TradingOrder).join(TradingAccount)
                               .where(TradingAccount.account_number == by_sms)).one()
    price = f"{fill.price_cents // 100}.{fill.price_cents % 100:02d}"
    assert sms.destination == sms_phone and f"买入600036 100股，价格{price}元" in sms.text, sms.text
    assert wait_for(lambda: _statuses(hotline) == {"email": "sent", "sms": "delivered"}, timeout=10), \
        _statuses(hotline)


def _statuses(hotline: Hotline) -> dict[str, str]:
    with hotline.db.session() as session:
        return {n.channel or "": n.status for n in session.scalars(select(Notification))}
