"""`hotline notify statement|quotes|factsheet` through the real command line, as the README shows them: the
client's statement queued once by fax to the number given, with the document's data taken now, or by e-mail;
a quote sheet of the codes given by SMS; a product's fact sheet by fax; a bad number, code or account is one
error line, exit 2, and queues nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crm_core.models import Notification
from crm_core.seed import seed_reference_data
from crm_core.trading.demo import seed_demo_trading
from tests.support.cli import add_client, early_in_a_minute, fresh_state, readme_command, run_hotline

COMMAND = ".venv/bin/hotline notify statement 100000001 --to 02168881234"
BY_EMAIL = ".venv/bin/hotline notify statement 100000001 --channel email"
QUOTES = ".venv/bin/hotline notify quotes 100000001 --code 600519 --code 601318 --channel sms"
FACT_SHEET = ".venv/bin/hotline notify factsheet 100000001 --code 600036 --to 02168881234"


def test_the_readmes_fax_back_command_queues_the_statement_once(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    investor_id = add_client(database, "100000001", "Li Na")
    with database.session() as session:
        seed_demo_trading(session, investor_id, cash_cents=500_000, password="135790", bank_password="246801",
                          positions={"600036": 200})
    args = readme_command(COMMAND)
    minute = early_in_a_minute()  # the default key is one per minute: both runs must fall in the same one
    first, again = run_hotline(state, *args), run_hotline(state, *args)
    assert early_in_a_minute(room=0) == minute, "the two runs took more than 25 s: not one minute's request"
    bad = run_hotline(state, "notify", "statement", "100000001", "--to", "call me")
    nobody = run_hotline(state, "notify", "statement", "999", "--to", "02168881234")

    assert first.returncode == 0 and "\tqueued\tfax\t02168881234\t" in first.stdout, first.stderr
    assert again.stdout == first.stdout  # the same request within the minute: one fax
    assert (bad.returncode, bad.stderr) == (2, "error: not a fax number: 'call me'\n")
    assert (nobody.returncode, nobody.stderr) == (2, "error: no client with fund account '999'\n")
    with database.session() as session:
        [row] = session.scalars(select(Notification)).all()
        assert (row.purpose, row.template, row.channel) == ("document", "statement", "fax")
        [account] = row.data["document"]["accounts"]
        assert [h["code"] for h in account["holdings"]] == ["600036"] and account["funds"]["total"] == 500_000
    database.dispose()


def test_the_readmes_other_document_commands_queue_each_document_by_its_channel(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    investor_id = add_client(database, "100000001", "Li Na", email="li@example.com", phone="13800000001")
    with database.session() as session:
        seed_reference_data(session)
        seed_demo_trading(session, investor_id, cash_cents=500_000, password="135790", bank_password="246801",
                          positions={"600036": 200})
    done = [run_hotline(state, *readme_command(line)) for line in (BY_EMAIL, QUOTES, FACT_SHEET)]
    unknown = run_hotline(state, "notify", "quotes", "100000001", "--code", "999999")
    no_code = run_hotline(state, "notify", "factsheet", "100000001")

    assert all(d.returncode == 0 for d in done), [d.stderr for d in done]
    assert "\tqueued\temail\tli@example.com\t" in done[0].stdout and "\tqueued\tsms\t13800000001\t" in done[1].stdout
    assert "\tqueued\tfax\t02168881234\t" in done[2].stdout
    assert (unknown.returncode, unknown.stderr) == (2, "error: unknown security code 999999\n")
    assert no_code.returncode == 2 and "--code" in no_code.stderr
    with database.session() as session:
        rows = session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [(r.template, r.channel) for r in rows] == [("statement", "email"), ("quote_sheet", "sms"),
                                                           ("fact_sheet", "fax")]
        assert [q["code"] for q in rows[1].data["document"]["quotes"]] == ["600519", "601318"]
        fact = rows[2].data["document"]
        assert (fact["product"]["code"], fact["product"]["risk_level"], fact["client"]["risk_class"]) == (
            "600036", "R3", "C3")
    database.dispose()
