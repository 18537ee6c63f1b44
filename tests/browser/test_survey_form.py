"""The survey's web form in a real Chromium: the link from the e-mail (sent through a real SMTP server) opens it
without a login; the client answers one question a page, the branch for a dissatisfied client is followed, the
answers are stored where the phone's are, and the used link then says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from console.ports import LiveEvents
from crm_core.db import Database
from crm_core.models import SurveyAnswer, SurveyTarget
from crm_core.surveys.results import results
from portal.app import build_app
from tests.support.smtp import SmtpServer
from tests.unit.console.doubles import ServedApp
from tests.unit.portal.conftest import practice_broker
from tests.unit.portal.test_survey_form import mailed_token
from tests.unit.surveys.test_web_form import campaign_with_clients


@pytest.fixture
def portal(database: Database) -> Iterator[ServedApp]:
    served = ServedApp(lambda: build_app(database, practice_broker()), LiveEvents()).start()
    yield served
    served.stop()


def test_a_client_answers_the_mailed_survey_in_the_browser(page: Page, portal: ServedApp, database: Database,
                                                          smtp_server: SmtpServer) -> None:
    now = datetime.now(UTC)
    ids = campaign_with_clients(database, now)
    token = mailed_token(database, smtp_server, now)
    page.goto(f"{portal.url}/survey/{token}")
    expect(page.get_by_test_id("survey-intro")).to_contain_text("one minute survey")
    expect(page.get_by_test_id("survey-question")).to_contain_text("How satisfied are you")
    expect(page.get_by_test_id("survey-limits")).to_contain_text("to speak to an agent, call us")
    page.get_by_test_id("survey-choice-2").check()
    page.get_by_test_id("survey-next").click()
    expect(page.get_by_test_id("survey-question")).to_contain_text("We are sorry")  # the branch: satisfaction <= 2
    page.get_by_test_id("survey-choice-3").check()
    page.get_by_test_id("survey-next").click()
    expect(page.get_by_test_id("survey-thanks")).to_have_text("Thank you for your answers. Goodbye.")
    page.goto(f"{portal.url}/survey/{token}")
    expect(page.get_by_test_id("survey-closed")).to_contain_text("already been answered")
    with database.session() as session:
        stored = session.execute(select(SurveyAnswer.question, SurveyAnswer.key).join(
            SurveyTarget, SurveyTarget.id == SurveyAnswer.target_id).where(
            SurveyTarget.investor_id == ids["13800000001"]).order_by(SurveyAnswer.id)).all()
        assert [tuple(a) for a in stored] == [("satisfaction", "2"), ("reason", "3")]
        assert sorted((r.question, r.key) for r in results(session, "dec")) == [("reason", "3"), ("satisfaction", "2")]
