"""The survey by e-mail through a real SMTP server (aiosmtpd): the mail arrives with the link, and the link opens
the portal's web form (no login), which stores the answers where the phone's go; a refused answer, an unknown and
a used link each get a clear page."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import select

from crm_core.db import Database
from crm_core.models import Notification, SurveyAnswer, SurveyLink, SurveyTarget
from crm_core.surveys.link_tokens import digest
from crm_core.surveys.links import opened, send
from tests.support.hotline import wait_for
from tests.support.smsc import TestSmsc
from tests.support.smtp import SmtpServer
from tests.unit.console.conftest import run
from tests.unit.notify.test_email import Clock, dispatch
from tests.unit.notify.test_sms import dispatch as sms_dispatch
from tests.unit.notify.test_sms import sender_for
from tests.unit.portal.conftest import portal_client
from tests.unit.surveys.test_web_form import NOW, POLICY, campaign_with_clients

BASE = "https://my.example.com"
LINK = re.compile(re.escape(BASE) + r"/survey/([A-Za-z0-9_-]{43})\b")


def mailed_token(database: Database, smtp_server: SmtpServer, now: datetime) -> str:
    """`survey send` by e-mail, then one dispatcher round to the real SMTP server: the token read from the mail."""
    with database.session() as session:
        assert send(session, "dec", "email", base_url=BASE, now=now, policy=POLICY).queued == 2
    with ThreadPoolExecutor(1) as thread:  # its own loop, also beside Playwright's in a browser test
        sent = thread.submit(dispatch, database, smtp_server, Clock(now)).result()
    assert sent == 1  # the client without an e-mail address gets none
    (message,) = smtp_server.mailbox.messages
    assert message["To"] == "a@example.com" and message["Subject"] == "A short survey: Service satisfaction"
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = LINK.findall(body)
    assert len(found) == 1, body
    return str(found[0])


def test_the_mailed_link_opens_the_form_that_stores_the_answers(database: Database,
                                                                smtp_server: SmtpServer) -> None:
    now = datetime.now(UTC)
    ids = campaign_with_clients(database, now)
    token = mailed_token(database, smtp_server, now)
    with database.session() as session:
        assert session.scalars(select(SurveyLink.digest).where(SurveyLink.digest.is_not(None))).all() == [
            digest(token)]
        assert all(token not in str(n.data) for n in session.scalars(select(Notification)))

    async def scenario() -> None:
        async with portal_client(database) as client:
            page = await client.get(f"/survey/{token}")
            text = await page.text()
            assert page.status == 200 and "How satisfied are you with our service?" in text, text
            assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
            assert "to speak to an agent, call us" in text
            wrong = await client.post(f"/survey/{token}", data={"question": "recommend", "key": "1"})
            assert wrong.status == 422 and "not the one to answer now" in await wrong.text()
            bad = await client.post(f"/survey/{token}", data={"question": "satisfaction", "key": "9"})
            assert bad.status == 422 and "choose one of the answers" in await bad.text()
            step = await client.post(f"/survey/{token}", data={"question": "satisfaction", "key": "5"},
                                     allow_redirects=False)
            assert step.status == 303 and step.headers["Location"] == f"/survey/{token}"
            assert "Would you recommend us" in await (await client.get(f"/survey/{token}")).text()
            last = await client.post(f"/survey/{token}", data={"question": "recommend", "key": "1"})
            assert last.status == 200 and "Thank you for your answers" in await last.text()
            used = await client.get(f"/survey/{token}")
            assert used.status == 410 and "already been answered" in await used.text()
            replay = await client.post(f"/survey/{token}", data={"question": "recommend", "key": "2"})
            assert replay.status == 410
            for unknown in ("x" * 43, "short", token.swapcase()):
                closed = await client.get(f"/survey/{unknown}")
                assert closed.status == 404 and "not valid" in await closed.text()

    run(scenario)
    with database.session() as session:
        answers = session.execute(select(SurveyAnswer.question, SurveyAnswer.key).join(
            SurveyTarget, SurveyTarget.id == SurveyAnswer.target_id).where(
            SurveyTarget.investor_id == ids["13800000001"]).order_by(SurveyAnswer.id)).all()
        assert [tuple(a) for a in answers] == [("satisfaction", "5"), ("recommend", "1")]


def test_the_survey_by_sms_reaches_the_smsc_with_a_working_link(database: Database, smsc: TestSmsc) -> None:
    ids = campaign_with_clients(database)  # at NOW: 11:00 in Shanghai, outside the SMS quiet hours
    with database.session() as session:
        assert send(session, "dec", "sms", base_url=BASE, now=NOW, policy=POLICY).queued == 2
    sender = sender_for(database, smsc)
    try:
        assert sms_dispatch(database, sender, Clock(NOW)) == 2
        assert wait_for(lambda: len(smsc.messages) == 2, timeout=10)
    finally:
        sender.close()
    (message,) = [m for m in smsc.messages if m.destination == "13800000001"]
    assert message.text.startswith("[Hotline] A short survey, Service satisfaction: ")
    (token,) = LINK.findall(message.text)
    with database.session() as session:
        state = opened(session, token, NOW)
        assert state.question == "satisfaction" and state.language == "en"
        link = session.scalars(select(SurveyLink).where(SurveyLink.digest == digest(token))).one()
        target = session.get(SurveyTarget, link.target_id)
        assert target is not None and target.investor_id == ids["13800000001"] and link.channel == "sms"
