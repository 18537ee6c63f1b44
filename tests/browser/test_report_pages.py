"""The report pages in a real Chromium: a supervisor opens the day report, sees its charts and exports CSV."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from console.app import build_app
from console.ports import LiveEvents
from crm_core.db import Database
from reports.views import ReportViews
from tests.browser.test_console_pages import log_in
from tests.unit.console.conftest import Staff
from tests.unit.console.doubles import FakeTelephony, ServedApp
from tests.unit.console.test_report_pages import two_calls


@pytest.fixture
def report_console(database: Database, staff: Staff) -> Iterator[ServedApp]:
    two_calls(database, staff.agent_id)
    events = LiveEvents()
    served = ServedApp(lambda: build_app(database, FakeTelephony(), events, reports=ReportViews()), events).start()
    yield served
    served.stop()


def test_a_supervisor_opens_the_day_report_and_its_chart_and_exports_csv(page: Page, report_console: ServedApp,
                                                                        tmp_path: Path) -> None:
    log_in(page, report_console, "9001")
    expect(page).to_have_url(f"{report_console.url}/supervisor")
    page.get_by_test_id("reports-link").click()
    page.get_by_test_id("report-from").fill("2026-12-01")
    page.get_by_test_id("report-to").fill("2026-12-01")
    page.get_by_test_id("report-interval").select_option("hour")
    page.get_by_test_id("report-show").click()
    charts = page.get_by_test_id("chart")
    expect(charts).to_have_count(3)
    service_level = charts.nth(0).locator("svg")
    expect(service_level).to_be_visible()
    assert service_level.bounding_box()["width"] > 300  # type: ignore[index]  # drawn, not an empty box
    # 09:00 met the service level (100 %), 14:00 did not (0 %): one full-height bar, one of no height
    bars = service_level.locator("rect")
    heights = sorted(float(bars.nth(n).get_attribute("height") or "nan") for n in range(bars.count()))
    assert heights[0] == 0.0 and heights[-1] > 100
    expect(page.get_by_test_id("report-table")).to_contain_text("2026-12-01 14:00")

    with page.expect_download() as download_info:
        page.get_by_test_id("report-csv").click()
    download = download_info.value
    assert download.suggested_filename == "queues-2026-12-01-2026-12-01.csv"
    saved = tmp_path / "report.csv"
    download.save_as(saved)
    lines = saved.read_text().splitlines()
    assert lines[0].startswith("interval,skill,offered") and [line[:22] for line in lines[1:]] == [
        "2026-12-01 09:00,funds", "2026-12-01 14:00,funds"]
