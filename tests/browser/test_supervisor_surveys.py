"""The supervisor console's survey tables in a real Chromium: each campaign's progress and answers, and the
post-call survey of the last week (surveyed, completed, answers per question and value, comments); an agent
is refused the data behind them."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from crm_core.db import Database
from tests.browser.test_console_pages import log_in
from tests.unit.console.conftest import Staff
from tests.unit.console.doubles import ServedApp
from tests.unit.console.test_surveys_api import surveyed


def test_the_supervisor_sees_the_campaigns_and_the_post_call_survey(page: Page, console: ServedApp,
                                                                   database: Database, staff: Staff) -> None:
    surveyed(database, staff)
    log_in(page, console, "9001")
    expect(page).to_have_url(f"{console.url}/supervisor")
    campaign = page.get_by_test_id("survey-campaigns").locator("tbody tr[data-campaign='dec']")
    expect(campaign.locator("td")).to_have_text(["dec", "satisfaction v1", "ready", "1", "1", "0", "1",
                                                 "satisfaction: 4×1"])
    post_call = page.get_by_test_id("post-call-survey").locator("tbody tr")
    expect(post_call.locator("td")).to_have_text(["1", "1", "satisfaction: 5×1; recommend: 10×1", "1"])


def test_an_agent_does_not_get_the_survey_tables(page: Page, console: ServedApp, database: Database,
                                                 staff: Staff) -> None:
    surveyed(database, staff)
    log_in(page, console, "1001")
    expect(page).to_have_url(f"{console.url}/agent")
    answer = page.request.get(f"{console.url}/api/supervisor/surveys")
    assert answer.status == 403
    assert "recommend" not in answer.text()
