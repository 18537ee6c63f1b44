"""Quality review in a real Chromium: a supervisor finds a call, plays its recording (seeking: Range requests),
scores it on the review form and saves it; the agent reads it; another agent cannot open it."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from console.app import build_app
from console.ports import LiveEvents
from crm_core import recordings, reviews
from crm_core.db import Database
from crm_core.models import CallReview
from crm_core.models.base import utcnow
from tests.browser.test_console_pages import log_in, wait_for
from tests.unit.console.conftest import Staff, add_customer
from tests.unit.console.doubles import FakeTelephony, ServedApp


def write_tone(path: Path, seconds: float = 3.0, rate: int = 8000) -> None:
    """A real WAV (8 kHz mono, as Asterisk records) that Chromium decodes."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
                                 for n in range(int(seconds * rate))))


@pytest.fixture
def quality_console(database: Database, staff: Staff, tmp_path: Path) -> Any:
    customer = add_customer(database, staff.agent_id)
    write_tone(tmp_path / "trading-call-1.wav")
    with database.session() as session:
        reviews.publish(session, "standard", Path(reviews.STANDARD_FORM).read_text(), by="test")
        recordings.add(session, customer.call_id, "trading-call-1", format="wav", purpose="trading", at=utcnow())
    events = LiveEvents()
    served = ServedApp(lambda: build_app(database, FakeTelephony(), events, recording_dirs=(tmp_path,)),
                       events).start()
    yield served, customer
    served.stop()


def test_a_supervisor_plays_a_recording_and_saves_a_review_the_agent_alone_reads(
        page: Page, quality_console: Any, database: Database, staff: Staff) -> None:
    console, customer = quality_console
    ranges: list[str] = []
    page.on("request", lambda r: ranges.append(r.headers.get("range", "")) if "/api/recordings/" in r.url else None)
    log_in(page, console, "9001")
    expect(page).to_have_url(f"{console.url}/supervisor")
    page.get_by_test_id("quality-link").click()
    page.get_by_test_id("filter-customer").fill("Chen")
    page.get_by_test_id("search-button").click()
    row = page.get_by_test_id("quality-calls").locator(f"tr[data-call-id='{customer.call_id}']")
    expect(row).to_contain_text("Chen Jing")
    row.get_by_test_id("review-call-button").click()
    player = page.get_by_test_id("player")
    wait_for(lambda: player.evaluate("p => p.readyState") >= 1)  # the page's CSP forbids wait_for_function
    assert abs(player.evaluate("p => p.duration") - 3.0) < 0.1
    player.evaluate("p => { p.currentTime = 2.0; return p.play(); }")
    wait_for(lambda: player.evaluate("p => p.currentTime") > 2.0)
    assert any(r.startswith("bytes=") for r in ranges)  # Chromium streams the audio with Range requests

    form = reviews.parse(Path(reviews.STANDARD_FORM).read_text())
    for item in form.items():
        page.get_by_test_id(f"score-{item.id}").select_option(str(item.max if item.id != "greeting" else 0))
    page.get_by_test_id("review-comment").fill("forgot the greeting")
    page.get_by_test_id("review-save").click()
    saved = page.get_by_test_id("review-saved")
    expected = reviews.score(form, {i.id: (i.max if i.id != "greeting" else 0) for i in form.items()}).total_pct
    expect(saved).to_have_text(f"Saved: {expected} %")
    expect(row).to_contain_text(f"{expected} %")
    with database.session() as session:
        review = session.scalars(select(CallReview)).one()
        assert (review.agent_id, review.reviewer_id, review.total_tenths) == (staff.agent_id, staff.supervisor_id,
                                                                            round(expected * 10))

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{console.url}/login")
    log_in(page, console, "1002")
    expect(page).to_have_url(f"{console.url}/agent")
    response = page.goto(f"{console.url}/reviews/{review.id}")
    assert response is not None and response.status == 403
    expect(page.get_by_test_id("forbidden")).to_contain_text("another agent's call")
    page.goto(f"{console.url}/reviews")
    expect(page.get_by_test_id("my-reviews")).to_contain_text("no reviews yet")

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{console.url}/login")
    log_in(page, console, "1001")
    page.get_by_test_id("my-reviews-link").click()
    page.get_by_test_id("my-reviews").get_by_role("link").click()
    expect(page.get_by_test_id("review-total")).to_have_text(f"{expected} %")
    expect(page.get_by_test_id("review-comment")).to_have_text("forgot the greeting")
