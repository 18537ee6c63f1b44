"""`hotline notify statement` through the real command line, as the README shows it: the client's statement
queued once by fax to the number given, with the document's data taken now; a bad number or account is one
error line, exit 2, and queues nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crm_core.models import Notification
from crm_core.trading.demo import seed_demo_trading
from tests.support.cli import add_client, fresh_state, readme_command, run_hotline

COMMAND = ".venv/bin/hotline notify statement 100000001 --to 02168881234"


def test_the_readmes_fax_back_command_queues_the_statement_once(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    investor_id = add_client(database, "100000001", "Li Na")
    with database.session() as session:
        seed_demo_trading(session, investor_id, cash_cents=500_000, password="135790", bank_password="246801",
                          positions={"600036": 200})
    args = readme_command(COMMAND)
    first, again = run_hotline(state, *args), run_hotline(state, *args)
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
