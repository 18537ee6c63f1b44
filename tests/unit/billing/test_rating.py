"""Rating against hand-rated CDRs: longest prefix, minimum then increments, half-up to the fen, time-of-day
bands in Asia/Shanghai (UTC+8) including their boundaries and a call crossing one (rated by the band it was
answered in). Every expected cost below was worked by hand from the tariff in TARIFF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from crm_core.billing.rating import Line, TariffError, billed_seconds, parse_band, rate_call

PEAK, OFF = parse_band("08:00-20:00"), parse_band("20:00-08:00")
TARIFF = [
    Line("1", Decimal("0.1500"), 6, 60, band="peak", band_from=PEAK[0], band_until=PEAK[1]),
    Line("1", Decimal("0.1000"), 6, 60, band="off-peak", band_from=OFF[0], band_until=OFF[1]),
    Line("139", Decimal("0.2000"), 60, 60),
    Line("0", Decimal("0.0700"), 60, 0),
    Line("1", Decimal("0.0300"), 60, 60, direction="inbound"),
    Line("4", Decimal("0.0500"), 6, 0),
]


def local(hh: int, mm: int, ss: int = 0) -> datetime:
    """A time on 2026-11-03 in Shanghai, as the UTC the database holds."""
    return datetime(2026, 11, 3, hh, mm, ss, tzinfo=UTC) - timedelta(hours=8)


Outcome = tuple[str | None, int, Decimal]  # the band of the line used, the seconds billed, the cost


def cost(number: str, answered: datetime | None, seconds: int, direction: str = "outbound") -> Outcome:
    rated = rate_call(TARIFF, direction=direction, number=number, answered_at=answered, billable_seconds=seconds,
                      time_zone="Asia/Shanghai")
    return (rated.line.band if rated.line else None), rated.billed_seconds, rated.cost


@pytest.mark.parametrize("number, answered, seconds, expected", [
    # 61 s at peak on "60/6": 60 + 6 = 66 s x 0.15 / 60 = 0.165 -> 0.17 (half up)
    ("13800000001", local(10, 0), 61, ("peak", 66, Decimal("0.17"))),
    # shorter than the minimum: billed the minimum, 60 s -> 0.15
    ("13800000001", local(10, 0), 30, ("peak", 60, Decimal("0.15"))),
    # exactly the minimum and one increment past it
    ("13800000001", local(10, 0), 60, ("peak", 60, Decimal("0.15"))),
    ("13800000001", local(10, 0), 66, ("peak", 66, Decimal("0.17"))),
    ("13800000001", local(10, 0), 67, ("peak", 72, Decimal("0.18"))),
    # band boundaries: 20:00 starts off-peak, 08:00 starts peak ([from, until))
    ("13800000001", local(19, 59, 59), 300, ("peak", 300, Decimal("0.75"))),  # crosses 20:00: rated at answer
    ("13800000001", local(20, 0), 300, ("off-peak", 300, Decimal("0.50"))),
    ("13800000001", local(7, 59, 59), 300, ("off-peak", 300, Decimal("0.50"))),
    ("13800000001", local(8, 0), 300, ("peak", 300, Decimal("0.75"))),
    ("13800000001", local(0, 30), 90, ("off-peak", 90, Decimal("0.15"))),  # after midnight, the band wraps
    # the longest prefix wins whatever the hour: 139 on "60/60", 61 s -> 120 s x 0.20 / 60 = 0.40
    ("13912345678", local(10, 0), 61, ("all day", 120, Decimal("0.40"))),
    ("13912345678", local(23, 0), 61, ("all day", 120, Decimal("0.40"))),
    # a landline written with dashes, no minimum, whole minutes: 1 s -> 60 s; 125 s -> 180 s -> 0.21
    ("021-6888-1234", local(10, 0), 1, ("all day", 60, Decimal("0.07"))),
    ("021-6888-1234", local(10, 0), 125, ("all day", 180, Decimal("0.21"))),
    # exactly half a fen rounds up: 6 s x 0.05 / 60 = 0.005 -> 0.01
    ("4008001234", local(10, 0), 6, ("all day", 6, Decimal("0.01"))),
    # unanswered: nothing billed
    ("13800000001", None, 0, (None, 0, Decimal("0.00"))),
    # no line for the number (international +86 written in full): no charge, and no line recorded
    ("+8613800000001", local(10, 0), 60, (None, 0, Decimal("0.00"))),
])
def test_hand_rated_outbound_calls(number: str, answered: datetime | None, seconds: int, expected: Outcome) -> None:
    assert cost(number, answered, seconds) == expected


def test_inbound_calls_are_rated_on_the_inbound_lines_only() -> None:
    # 61 s inbound from a mobile on "60/60" at 0.03: 120 s -> 0.06
    assert cost("13800000001", local(10, 0), 61, direction="inbound") == ("all day", 120, Decimal("0.06"))
    assert cost("0216888123", local(10, 0), 61, direction="inbound") == (None, 0, Decimal("0.00"))


def test_billed_seconds_rule() -> None:
    assert [billed_seconds(s, 30, 0) for s in (0, 1, 30, 31)] == [0, 30, 30, 60]
    assert [billed_seconds(s, 6, 60) for s in (1, 60, 61)] == [60, 60, 66]


@pytest.mark.parametrize("build, message", [
    (lambda: Line("13a", Decimal("0.1")), "a prefix is 1 to 20 digits, not '13a'"),
    (lambda: Line("1", Decimal("-0.1")), "a rate is at least 0 with at most 4 decimals, not -0.1"),
    (lambda: Line("1", Decimal("0.12345")), "a rate is at least 0 with at most 4 decimals, not 0.12345"),
    (lambda: Line("1", Decimal("0.1"), increment_seconds=0), "the billing increment is at least 1 s"),
    (lambda: parse_band("8-20"), "a band is HH:MM-HH:MM, not '8-20'"),
    (lambda: parse_band("08:00-25:00"), "a band is HH:MM-HH:MM, not '08:00-25:00'"),
])
def test_bad_tariff_lines_are_refused_with_a_reason(build: object, message: str) -> None:
    with pytest.raises(TariffError) as refused:
        build()  # type: ignore[operator]
    assert str(refused.value) == message
