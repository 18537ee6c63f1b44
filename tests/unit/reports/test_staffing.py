"""Erlang C staffing against published worked examples.

1. Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example" (callcentrehelper.com):
   100 calls in 30 minutes, AHT 180 s, target 80 % answered in 20 s, shrinkage 30 %. Traffic 10 erlangs;
   with 11 agents P(wait) = 68.21 % and service level 39.9 %; 14 agents are needed, giving a service level
   of 88.8 %, ASA 7.8 s and occupancy 71.4 %; with 30 % shrinkage 20 agents are scheduled.
   pyworkforce's README works the same example (raw_positions 14, positions 20, service_level 0.88835,
   occupancy 0.71429, waiting_probability 0.17413); pyworkforce 0.5.1, installed in a scratch virtualenv
   here, printed exactly those figures, and 0.79559 for 13 agents.
2. The M/M/c textbook case (e.g. Gross & Harris, Fundamentals of Queueing Theory): a = 2 erlangs, c = 3
   servers: P(wait) = (a^c/c! x c/(c-a)) / (sum_{k<c} a^k/k! + a^c/c! x c/(c-a)) = 4 / (5 + 4) = 4/9.
"""

from __future__ import annotations

import math

import pytest

from reports.staffing import Forecast, StaffingError, erlang_c, read_forecast, required_agents, staffing_with

CCH = Forecast(calls=100, interval_seconds=30 * 60, handle_seconds=180, target_service_level=0.8,
               answer_seconds=20, shrinkage=0.3)


def test_call_centre_helpers_worked_example() -> None:
    assert CCH.traffic_erlangs == 10
    eleven = staffing_with(CCH, 11)
    assert round(eleven.wait_probability, 4) == 0.6821
    assert round(eleven.service_level, 3) == 0.390
    needed = required_agents(CCH)
    assert (needed.agents, needed.scheduled_agents) == (14, 20)
    assert round(needed.service_level, 5) == 0.88835
    assert round(needed.wait_probability, 5) == 0.17413
    assert round(needed.asa_seconds, 1) == 7.8
    assert round(needed.occupancy, 5) == 0.71429
    assert round(staffing_with(CCH, 13).service_level, 5) == 0.79559  # 13 agents fall just short


def test_textbook_m_m_c_wait_probability_is_four_ninths() -> None:
    assert math.isclose(erlang_c(2, 3), 4 / 9, rel_tol=1e-12)
    assert erlang_c(3, 3) == 1.0  # as many erlangs as agents: every caller waits, the queue grows


def test_large_centres_do_not_overflow_and_need_more_agents_for_a_tighter_target() -> None:
    busy = Forecast(calls=6000, interval_seconds=3600, handle_seconds=240, target_service_level=0.8,
                    answer_seconds=20)
    tight = Forecast(calls=6000, interval_seconds=3600, handle_seconds=240, target_service_level=0.95,
                     answer_seconds=10)
    assert busy.traffic_erlangs == 400
    assert 400 < required_agents(busy).agents < required_agents(tight).agents < 440


def test_an_occupancy_cap_adds_agents() -> None:
    capped = Forecast(calls=100, interval_seconds=1800, handle_seconds=180, target_service_level=0.5,
                      answer_seconds=20, max_occupancy=0.7)
    assert required_agents(capped).agents == 15  # 10 / 0.7 = 14.3, although 13 meet 50 % in 20 s


@pytest.mark.parametrize("field, value, message", [
    ("calls", 0, "calls must be more than 0"),
    ("target_service_level", 1.0, "the target service level must be between 0 and 1 (e.g. 0.8)"),
    ("shrinkage", 1.0, "shrinkage must be at least 0 and less than 1 (e.g. 0.3)"),
    ("handle_seconds", -5, "the handle time must be longer than 0 s"),
])
def test_nonsense_forecasts_are_refused_with_a_reason(field: str, value: float, message: str) -> None:
    arguments = {"calls": 100, "interval_seconds": 1800, "handle_seconds": 180, "target_service_level": 0.8,
                 "answer_seconds": 20, field: value}
    with pytest.raises(StaffingError, match=f"^{message}$".replace("(", r"\(").replace(")", r"\)")):
        Forecast(**arguments)  # type: ignore[arg-type]


def test_a_days_forecast_is_staffed_interval_by_interval() -> None:
    text = "interval,calls,aht\n09:00,100,180\n\n09:30,200,180\n10:00,50,240\n"
    day = read_forecast(text, CCH)
    assert [(i.label, i.forecast.traffic_erlangs) for i in day] == [("09:00", 10), ("09:30", 20),
                                                                   ("10:00", 50 * 240 / 1800)]
    assert [required_agents(i.forecast).agents for i in day] == [14, 24, 10]
    assert [required_agents(i.forecast).scheduled_agents for i in day] == [20, 35, 15]  # 30 % shrinkage
    plain = read_forecast("interval,calls\n09:00,100\n", CCH)
    assert plain[0].forecast == CCH  # the handle time and the rest come from the template


@pytest.mark.parametrize("text, message", [
    ("", "the forecast is empty: a header interval,calls[,aht] and a row per interval"),
    ("time,volume\n09:00,100\n", "the forecast's header is interval,calls[,aht], not 'time,volume'"),
    ("interval,calls\n09:00,100\n09:30,lots\n",
     "forecast line 3 ('09:30,lots'): could not convert string to float: 'lots'"),
    ("interval,calls\n09:00,100,180\n", "forecast line 2 ('09:00,100,180'): 2 values expected"),
    ("interval,calls\n09:00,0\n", "forecast line 2 ('09:00,0'): calls must be more than 0"),
])
def test_a_bad_forecast_names_its_line(text: str, message: str) -> None:
    with pytest.raises(StaffingError) as refused:
        read_forecast(text, CCH)
    assert str(refused.value) == message
