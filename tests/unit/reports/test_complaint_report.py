"""The complaints report: deadlines as crm_core.complaints.deadlines gives them (a complaint acknowledged exactly
at its deadline is late, as the escalation counts it overdue from then; one resolved late although a holiday
moved its deadline), escalations per level, overdue at the period's end, medians in working days; and through
the service on both backends, with the complaints' own chart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from crm_core.complaints import service
from crm_core.complaints.deadlines import Deadline, DeadlinePolicy, deadlines, missed, working_time
from crm_core.complaints.escalation import Standing, overdue
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.models import Investor
from reports.complaints import COLUMNS, Calendar, ComplaintFacts, complaint_charts, complaints, tally
from reports.contact_centre import Options
from reports.views import ReportViews

SH = ZoneInfo("Asia/Shanghai")
HOLIDAY = date(2026, 12, 3)  # a Thursday
POLICY = DeadlinePolicy(Deadline(1, 3), time_zone="Asia/Shanghai")
CALENDAR = Calendar(frozenset({HOLIDAY}), "Asia/Shanghai")


def opened(at: datetime, category: str, **times: datetime | tuple[datetime, ...] | None) -> ComplaintFacts:
    ack_by, resolve_by = deadlines(at, category, "normal", POLICY, CALENDAR.holidays)
    return ComplaintFacts(at, category, ack_by, resolve_by, times.get("acknowledged_at"),  # type: ignore[arg-type]
                          times.get("closed_at"), times.get("escalated", ()))  # type: ignore[arg-type]


def test_working_time_counts_only_working_days() -> None:
    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=SH)
    assert working_time(friday_evening, datetime(2026, 12, 7, 6, 0, tzinfo=SH), (), "Asia/Shanghai") == \
        timedelta(hours=12)
    wednesday = datetime(2026, 12, 2, 12, 0, tzinfo=SH)  # over Thursday's holiday to Friday noon: 12 + 12 hours
    assert working_time(wednesday, wednesday + timedelta(days=2), {HOLIDAY}, "Asia/Shanghai") == timedelta(hours=24)
    assert working_time(wednesday, wednesday, (), "Asia/Shanghai") == timedelta(0)


def test_the_deadlines_instant_is_missed_as_the_escalation_counts_it() -> None:
    by = datetime(2026, 12, 2, 0, 0, tzinfo=SH)
    assert missed(by, by) and not missed(by, by - timedelta(microseconds=1)) and not missed(None, by)
    assert overdue(Standing("open", by, None, 0, None), by) is not None


def test_each_figure_on_hand_made_complaints() -> None:
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=SH)
    tuesday = datetime(2026, 12, 1, 9, 0, tzinfo=SH)
    at_deadline = opened(monday, "fees")
    at_deadline = opened(monday, "fees", acknowledged_at=at_deadline.acknowledge_by)
    assert at_deadline.acknowledge_by == datetime(2026, 12, 2, 0, 0, tzinfo=SH)  # end of Tuesday
    just_before = opened(monday, "fees", acknowledged_at=datetime(2026, 12, 1, 23, 59, tzinfo=SH),
                         closed_at=datetime(2026, 12, 2, 10, 0, tzinfo=SH))
    late = opened(tuesday, "trading", acknowledged_at=tuesday + timedelta(hours=1),
                  closed_at=datetime(2026, 12, 8, 9, 0, tzinfo=SH))
    # 3 working days from Tuesday: Wednesday, (Thursday's holiday), Friday, Monday: by Monday 24:00.
    assert late.resolve_by == datetime(2026, 12, 8, 0, 0, tzinfo=SH)
    twice = opened(tuesday, "service", escalated=(datetime(2026, 12, 3, 0, 5, tzinfo=SH),
                                                  datetime(2026, 12, 8, 0, 5, tzinfo=SH)))
    unescalated_yet = opened(tuesday, "service")
    as_of = datetime(2026, 12, 9, 0, 0, tzinfo=SH)
    rows = tally([at_deadline, just_before, late, twice, unescalated_yet], as_of, "day", "Asia/Shanghai", CALENDAR)
    assert rows == [
        # Monday 10:00 to Wednesday 00:00 = 38 h = 1.58 working days; to Tuesday 23:59 = 37.98 h.
        # The one acknowledged at its deadline was never resolved: overdue since Saturday 00:00.
        ["2026-11-30", "fees", 2, 1, 1, 1, 0, 1, 0, 0, round((38 + 37 + 59 / 60) / 2 / 24, 2), 2.0],
        # Tuesday 09:00 to the next Tuesday 09:00: 15 + 24 + 0 (holiday) + 24 + 0 + 0 + 24 + 9 hours = 4 days.
        ["2026-12-01", "service", 2, 0, 0, 0, 0, 2, 1, 1, None, None],
        ["2026-12-01", "trading", 1, 1, 0, 0, 1, 0, 0, 0, 0.04, 4.0],
    ]
    # Seen on Thursday at noon, the complaint escalated twice had been escalated once and was overdue.
    earlier = tally([twice], datetime(2026, 12, 3, 12, 0, tzinfo=SH), "month", "Asia/Shanghai", CALENDAR)
    assert earlier == [["2026-12", "service", 1, 0, 0, 0, 0, 1, 1, 0, None, None]]


def test_through_the_service_with_its_chart(database: Database) -> None:
    rules = ComplaintRules(POLICY, frozenset({HOLIDAY}), supervisor="9001", head_of_service="9002")
    tuesday = datetime(2026, 12, 1, 9, 0, tzinfo=SH).astimezone(UTC)
    with database.session() as session:
        investor = Investor(account_number="100000001", name="Li Na", language="zh", risk_class="C3")
        session.add(investor)
        session.flush()
        resolved = service.open_complaint(session, category="trading", summary="late fill", channel="phone",
                                          now=tuesday, rules=rules, actor="agent:1", investor_id=investor.id)
        service.resolve(session, resolved.id, "refunded", datetime(2026, 12, 8, 9, 0, tzinfo=SH), rules, "agent:1")
        unmatched = service.open_complaint(session, category="fees", summary="by fax", channel="fax", now=tuesday,
                                           rules=rules, actor="fax:1", sender="02100000000")
        for at in (datetime(2026, 12, 3, 0, 5, tzinfo=SH), datetime(2026, 12, 8, 0, 5, tzinfo=SH)):
            assert [e.complaint_id for e in service.escalate_overdue(session, at, rules)] == [unmatched.id]
    week = (datetime(2026, 11, 30, tzinfo=SH), datetime(2026, 12, 7, tzinfo=SH))
    options = Options("day", zone="Asia/Shanghai", complaints=rules)
    later = datetime(2026, 12, 20, tzinfo=UTC)
    with database.session() as session:
        assert complaints(session, *week, options, now=later).rows == [
            ["2026-12-01", "fees", 1, 0, 0, 0, 0, 1, 1, 0, None, None],  # the second escalation came after
            ["2026-12-01", "trading", 1, 1, 0, 0, 0, 0, 0, 0, 0.0, None]]  # resolved after the period
        whole = (week[0], datetime(2026, 12, 14, tzinfo=SH))
        assert complaints(session, *whole, options, now=later).rows[1] == [
            "2026-12-01", "trading", 1, 1, 0, 0, 1, 0, 0, 0, 0.0, 4.0]
        on_time, late_chart = complaint_charts(session, *whole, options, now=later)
        assert (on_time.labels, on_time.values, late_chart.values) == (["2026-11-30"], [0.0], [1.0])
        # The printable page (the PDF's) and the CSV: the report's own charts and columns.
        views = ReportViews("Asia/Shanghai", rules)
        view = views.build(session, "complaints", "2026-11-30", "2026-12-13", "day", 20, 5)
        assert "Complaints resolved late, by week opened" in views.html(view) and len(view.charts) == 2
        assert views.csv(view).startswith(",".join(COLUMNS) + "\n2026-12-01,fees,1,")
