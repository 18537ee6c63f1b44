"""`hotline notify remind|alert|reminders` through the real command line: the README's commands as shown,
where the reminders and alerts stand once the service's round has queued them, and a clear error with exit 2
for an unknown account or code, a time in the past, a price that is not a number."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crm_core.db import Database
from crm_core.migrate import upgrade
from crm_core.models import ClientReminder, Investor, Notification, PriceAlert
from crm_core.notifications.price_alerts import check_price_alerts
from crm_core.notifications.reminders import queue_due_reminders
from crm_core.notifications.rules import NotifyPolicy
from crm_core.trading import FixedFeed
from tests.support.cli import add_client, fresh_state, readme_command, run_hotline

COMMANDS = [  # exactly as the README shows them
    '.venv/bin/hotline notify remind 100000001 --at "2030-12-10 09:30" --text "Subscribe to 732001" '
    '--kind subscription --code 732001',
    '.venv/bin/hotline notify remind 100000001 --at "2030-12-10 15:00" --text "Call the bank" --channel sms',
    ".venv/bin/hotline notify alert 100000001 --code 600519 --above 1800.00",
    ".venv/bin/hotline notify alert 100000001 --code 600036 --below 36.00",
    ".venv/bin/hotline notify reminders 100000001",
]


def test_the_readmes_reminder_and_alert_commands(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    add_client(database, "100000001", "Li Na", email="lina@example.com", phone="13800000009")

    results = [run_hotline(state, *readme_command(line)) for line in COMMANDS]
    assert [r.returncode for r in results] == [0] * len(COMMANDS), [r.stderr for r in results]
    assert results[0].stdout == ("reminder 1\t2030-12-10 09:30\tsubscription\t732001\tpreferred\twaiting\t"
                                 "Subscribe to 732001\n")
    assert results[2].stdout == "alert 1\t600519\tabove 1800.00\tpreferred\twaiting\n"
    assert results[4].stdout.splitlines() == [
        results[0].stdout.strip(),
        "reminder 2\t2030-12-10 15:00\tcustom\t-\tsms\twaiting\tCall the bank",
        "alert 1\t600519\tabove 1800.00\tpreferred\twaiting",
        "alert 2\t600036\tbelow 36.00\tpreferred\twaiting"]
    with database.session() as session:
        due = session.get(ClientReminder, 1)
        assert due is not None and due.due_at == datetime(2030, 12, 10, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai

    feed = FixedFeed()  # the service's round, when the first reminder is due and 600036 has fallen to 35.90
    feed.set("600036", bid_cents=3590, ask_cents=3590)
    feed.set("600519", bid_cents=152000, ask_cents=152000)
    at = datetime(2030, 12, 10, 1, 30, tzinfo=UTC)
    with database.session() as session:
        assert queue_due_reminders(session, at, NotifyPolicy()) + check_price_alerts(session, feed, at,
                                                                                      NotifyPolicy()) == 2
    listed = run_hotline(state, "notify", "reminders", "100000001").stdout.splitlines()
    assert listed[0].endswith("\tpreferred\tqueued 2030-12-10 09:30\tSubscribe to 732001")
    assert listed[1].endswith("\tsms\twaiting\tCall the bank")
    assert listed[2].endswith("\twaiting") and listed[3].endswith("\ttriggered 2030-12-10 09:30 at 35.90")
    status = run_hotline(state, "notify", "status", "100000001").stdout
    assert "\treminder:1\tqueued\t" in status and "\tprice_alert:2\tqueued\t" in status
    with database.session() as session:
        alert = session.get(PriceAlert, 2)
        assert alert is not None and alert.notification_id is not None
        assert session.get(Notification, alert.notification_id) is not None
    database.dispose()


def test_bad_input_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    state = tmp_path / "var"
    state.mkdir()
    url = f"sqlite:///{state / 'hotline.db'}"
    upgrade(url)
    database = Database(url)
    with database.session() as session:
        session.add(Investor(account_number="100000001", name="Li Na", language="en", risk_class="C3"))
    database.dispose()
    cases = {
        ("notify", "alert", "100000001", "--code", "999999", "--above", "10"): "unknown security code '999999'",
        ("notify", "alert", "100000001", "--code", "600519", "--below", "abc"): "price 'abc' is not a number",
        ("notify", "alert", "100000001", "--code", "600519", "--above", "1", "--below", "2"): "not allowed with",
        ("notify", "remind", "100000001", "--at", "2020-01-01 09:00", "--text", "x"): "is in the past",
        ("notify", "remind", "100000001", "--at", "next week", "--text", "x"): "'next week' is not a time",
        ("notify", "remind", "999", "--at", "2030-01-01 09:00", "--text", "x"): "no client with fund account '999'",
        ("notify", "alert", "999", "--code", "600519", "--above", "1"): "no client with fund account '999'",
    }
    for args, message in cases.items():
        result = run_hotline(state, *args)
        assert (result.returncode, result.stdout) == (2, ""), (args, result.stdout, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
    assert run_hotline(state, "notify", "reminders", "100000001").stdout == (
        "100000001: no reminders or price alerts\n")
