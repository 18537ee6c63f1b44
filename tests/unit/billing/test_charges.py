"""CDRs rated where they are written (crm_core.calls.finish), and re-rated when the tariff changes, keeping
each earlier rating as history; on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from crm_core.billing import tariffs
from crm_core.billing.budgets import after_tariff_change
from crm_core.billing.charges import charged
from crm_core.billing.rating import Line, TariffError, parse_band
from crm_core.db import Database
from crm_core.models import CallDetailRecord, CdrRating
from tests.support.billing import add_agent, outbound_call, shanghai

PEAK = parse_band("08:00-20:00")
NOVEMBER = shanghai("2026-11-01", "00:00:00")


def _mobile(rate: str, *, band: str = "peak") -> Line:
    return Line("1", Decimal(rate), 6, 60, band=band, band_from=PEAK[0], band_until=PEAK[1])


def _ratings(database: Database, call_id: str) -> list[tuple[int | None, str | None, int, int]]:
    with database.session() as session:
        cdr = session.scalars(select(CallDetailRecord).where(CallDetailRecord.call_id == call_id)).one()
        rows = session.scalars(select(CdrRating).where(CdrRating.cdr_id == cdr.id).order_by(CdrRating.id))
        return [(r.tariff_version_id, r.prefix, r.billed_seconds, r.cost_fen) for r in rows]


def test_a_cdr_is_rated_when_written_with_every_figure_kept(database: Database) -> None:
    with database.session() as session:
        version = tariffs.set_line(session, _mobile("0.1500"), effective_from=NOVEMBER)
        agent = add_agent(session, "1001")
        call_id = outbound_call(session, agent, "13800000001", shanghai("2026-11-03", "10:00:00"), 61)
        version_id = version.id
    with database.session() as session:
        [rating] = session.scalars(select(CdrRating)).all()
        assert (rating.tariff_version_id, rating.number, rating.direction, rating.prefix, rating.band) == (
            version_id, "13800000001", "outbound", "1", "peak")
        assert (rating.rate_e4, rating.increment_seconds, rating.minimum_seconds) == (1500, 6, 60)
        assert (rating.billable_seconds, rating.billed_seconds, rating.cost_fen) == (61, 66, 17)  # 0.165 -> 0.17
    assert _ratings(database, call_id) == [(version_id, "1", 66, 17)]


def test_no_tariff_no_rating_and_the_first_tariff_rates_what_came_before(database: Database) -> None:
    with database.session() as session:
        agent = add_agent(session, "1001")
        call_id = outbound_call(session, agent, "13800000001", shanghai("2026-11-03", "10:00:00"), 30)
    assert _ratings(database, call_id) == []
    with database.session() as session:
        version = tariffs.set_line(session, _mobile("0.1500"), effective_from=NOVEMBER)
        assert after_tariff_change(session, version, NOVEMBER) == 1
        version_id = version.id
    assert _ratings(database, call_id) == [(version_id, "1", 60, 15)]


def test_a_tariff_change_rerates_the_calls_it_covers_and_keeps_the_history(database: Database) -> None:
    with database.session() as session:
        first = tariffs.set_line(session, _mobile("0.1500"), effective_from=NOVEMBER).id
        agent = add_agent(session, "1001")
        early = outbound_call(session, agent, "13800000001", shanghai("2026-11-03", "10:00:00"), 120)
        late = outbound_call(session, agent, "13800000001", shanghai("2026-11-20", "10:00:00"), 120)
    with database.session() as session:  # from the 15th, 0.12 a minute: only the later call is re-rated
        change = tariffs.set_line(session, _mobile("0.1200"), effective_from=shanghai("2026-11-15", "00:00:00"))
        assert after_tariff_change(session, change, NOVEMBER) == 1
        second = change.id
    assert _ratings(database, early) == [(first, "1", 120, 30)]
    assert _ratings(database, late) == [(first, "1", 120, 30), (second, "1", 120, 24)]
    with database.session() as session:  # a correction for the whole month: both re-rated again
        correction = tariffs.set_line(session, _mobile("0.1000"), effective_from=shanghai("2026-11-15", "00:00:00"))
        assert after_tariff_change(session, correction, NOVEMBER) == 1
        with pytest.raises(TariffError, match="cannot start before the current one"):
            tariffs.set_line(session, _mobile("0.0900"), effective_from=NOVEMBER)
        third = correction.id
    assert _ratings(database, late)[-1] == (third, "1", 120, 20)
    with database.session() as session:  # each CDR's charge is its newest rating
        charges = {call.id: (rating.tariff_version_id, rating.cost_fen) for _, call, rating in charged(session)
                   if rating is not None}
        assert charges == {early: (first, 30), late: (third, 20)}
        lines = tariffs.lines_of(tariffs.latest_version(session))
        assert [(line.prefix, line.rate_per_minute) for line in lines] == [("1", Decimal("0.1000"))]


def test_an_outbound_call_with_no_matching_line_is_rated_at_nothing_and_says_so(database: Database) -> None:
    with database.session() as session:
        version = tariffs.set_line(session, _mobile("0.1500"), effective_from=NOVEMBER).id
        agent = add_agent(session, "1001")
        night = outbound_call(session, agent, "13800000001", shanghai("2026-11-03", "22:00:00"), 61)
    assert _ratings(database, night) == [(version, None, 0, 0)]  # only a peak line: nothing at night


def test_removing_a_line_rerates_its_calls_at_nothing(database: Database) -> None:
    with database.session() as session:
        tariffs.set_line(session, _mobile("0.1500"), effective_from=NOVEMBER)
        landline = tariffs.set_line(session, Line("0", Decimal("0.0700"), 60, 0), effective_from=NOVEMBER).id
        agent = add_agent(session, "1001")
        call_id = outbound_call(session, agent, "02168881234", shanghai("2026-11-03", "10:00:00"), 61)
        with pytest.raises(TariffError, match="^no outbound line for prefix 0 in 08:00-20:00$"):
            tariffs.remove_line(session, direction="outbound", prefix="0", band_from=PEAK[0], band_until=PEAK[1],
                                effective_from=NOVEMBER)
        removed = tariffs.remove_line(session, direction="outbound", prefix="0", band_from=0, band_until=1440,
                                      effective_from=NOVEMBER)
        assert after_tariff_change(session, removed, NOVEMBER) == 1
        assert [line.prefix for line in tariffs.lines_of(removed)] == ["1"]
        removed_id = removed.id
    assert _ratings(database, call_id) == [(landline, "0", 120, 14), (removed_id, None, 0, 0)]
