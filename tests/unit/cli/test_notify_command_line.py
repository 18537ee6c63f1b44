"""`hotline notify ...` through the real command line: a message queued once per key, its life, the health
summary, retry and subscribe, and clear errors for a wrong account or id."""

from __future__ import annotations

import subprocess
from pathlib import Path

from crm_core.models import InvestorDetail, NotificationSubscription
from tests.support.cli import add_client, fresh_state, run_hotline


def hotline(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_hotline(state, *args)


def test_send_status_retry_and_subscribe(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    add_client(database, "100000009", "Li Na", email="lina@example.com")

    sent = hotline(state, "notify", "send", "100000009", "--subject", "Statement", "--body", "It is ready",
                   "--channel", "email")
    assert sent.returncode == 0, sent.stderr
    notification_id, key, status, channel, address = sent.stdout.split("\t")[:5]
    assert (status, channel, address) == ("queued", "email", "lina@example.com")
    again = hotline(state, "notify", "send", "100000009", "--subject", "Statement", "--body", "It is ready",
                    "--channel", "email")
    assert again.stdout.split("\t")[:2] == [notification_id, key]  # the same message is queued once

    health = hotline(state, "notify", "status")
    assert health.stdout.strip() == "email  queued    1  (no sender configured: waits)"
    life = hotline(state, "notify", "status", "--id", notification_id)
    assert life.returncode == 0 and "queued    email" in life.stdout.splitlines()[1]
    assert hotline(state, "notify", "status", "100000009").stdout.startswith(f"{notification_id}\t{key}\tqueued")

    nobody = hotline(state, "notify", "send", "999", "--subject", "x", "--body", "y")
    assert nobody.returncode == 2 and "no client with fund account '999'" in nobody.stderr
    unknown = hotline(state, "notify", "retry", "4242")
    assert unknown.returncode == 2 and "no notification 4242" in unknown.stderr
    wrong = hotline(state, "notify", "send", "100000009", "--subject", "x", "--body", "y", "--channel", "pigeon")
    assert wrong.returncode == 2 and "invalid choice: 'pigeon'" in wrong.stderr

    silent = add_client(database, "100000010", "Wu Lei", language="zh")  # no way to reach them: given up
    given_up = hotline(state, "notify", "send", "100000010", "--subject", "x", "--body", "y")
    assert given_up.returncode == 1 and "\tgiven_up\t" in given_up.stdout
    with database.session() as session:
        session.add(InvestorDetail(investor_id=silent, email="wulei@example.com"))  # then an address appears
    retried = hotline(state, "notify", "retry", given_up.stdout.split("\t")[0])
    assert retried.returncode == 0 and "\tqueued\temail\twulei@example.com\t" in retried.stdout, retried.stdout

    subscribed = hotline(state, "notify", "subscribe", "100000009", "--channel", "sms")
    assert subscribed.stdout.strip() == "100000009 Li Na: fill reports by sms"
    with database.session() as session:
        rows = session.query(NotificationSubscription).all()
        assert [(r.purpose, r.channel) for r in rows] == [("fill_report", "sms")]
    database.dispose()
