"""`hotline complaint ...` through the real command line, every command the README shows: a scanned letter
uploaded, an unknown sender's complaint matched and acknowledged, assigned, resolved (the client told through the
outbox), listed and shown with its history and pages, and the overdue ones escalated; bad input is one error line
and exit 2, and writes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from crm_core import staff
from crm_core.agents import create_agent
from crm_core.complaints import service
from crm_core.complaints.rules import ComplaintRules
from crm_core.models import Agent, Complaint, Notification
from crm_core.models.base import utcnow
from tests.support.cli import add_client, fresh_state, readme_command, run_hotline


def test_letter_acknowledge_assign_resolve_list_show_and_escalate(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    add_client(database, "100000001", "Chen Jing", email="chen@example.com")
    other = add_client(database, "100000002", "Li Wei", email="li@example.com")
    with database.session() as session:
        create_agent(session, job_number="1003", name="Zhou Jie", password="x" * 12, sip_password="s1003",
                     languages=["zh"], skills={})
        create_agent(session, job_number="9001", name="Wang Fang", password="x" * 12, sip_password="s9001",
                     languages=["zh"], skills={}, role="supervisor")
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.4 a scanned letter")

    letter = run_hotline(state, *readme_command(
        'hotline complaint letter 100000001 --file letter.pdf --category fees --summary "Fee charged twice"'))
    assert letter.returncode == 0, letter.stderr
    assert letter.stdout.startswith("C000001\tacknowledged\tletter\tfees\t100000001\t"), letter.stdout
    again = run_hotline(state, "complaint", "letter", "100000001", "--file", "letter.pdf", "--category", "fees",
                        "--summary", "Fee charged twice")
    assert again.stdout.startswith("C000001\t")  # the same scan again: the same complaint

    with database.session() as session:  # an e-mail from an address no client has
        service.open_complaint(session, category="other", summary="from a new address", channel="email",
                               now=utcnow(), rules=ComplaintRules(), actor="email", sender="li.new@example.org")
        service.open_complaint(session, category="service", summary="a month old", channel="phone",
                               now=utcnow() - timedelta(days=30), rules=ComplaintRules(), actor="agent:1003")
    matched = run_hotline(state, *readme_command("hotline complaint acknowledge C000002 --client 100000002"))
    assert matched.returncode == 0 and matched.stdout.startswith("C000002\tacknowledged\temail\tother\t100000002"), \
        matched.stderr
    assigned = run_hotline(state, *readme_command("hotline complaint assign C000001 1003"))
    assert assigned.stdout == "C000001\towner 1003\n", assigned.stderr
    named = run_hotline(state, *readme_command("hotline complaint supervisor 1003 9001"))
    assert named.stdout == "1003\tsupervisor 9001\n", named.stderr
    with database.session() as session:
        assert staff.supervisor_of(session, session.scalars(select(Agent.id).where(Agent.job_number == "1003")).one()) \
            == "9001"
    resolved = run_hotline(state, *readme_command(
        'hotline complaint resolve C000001 --resolution "The second fee was refunded on 3 Dec."'))
    assert resolved.returncode == 0 and resolved.stdout.startswith("C000001\tclosed\t"), resolved.stderr

    overdue = run_hotline(state, *readme_command("hotline complaint list --status overdue"))
    assert [line.split("\t")[0] for line in overdue.stdout.splitlines()] == ["C000003"], overdue.stdout
    assert "\tOVERDUE" in overdue.stdout
    escalated = run_hotline(state, *readme_command("hotline complaint escalate"))
    assert escalated.stdout.startswith("C000003\tlevel 1\tto 9001\tnot resolved by "), escalated.stdout
    assert run_hotline(state, "complaint", "escalate").stdout == ""  # a working day must pass at the supervisor

    shown = run_hotline(state, *readme_command("hotline complaint show C000001 --save pages"))
    assert shown.returncode == 0, shown.stderr
    assert "summary: Fee charged twice" in shown.stdout
    assert "resolution: The second fee was refunded on 3 Dec." in shown.stdout
    actions = [line.split("\t")[2] for line in shown.stdout.splitlines() if line.startswith("  ") and "\t" in line]
    assert actions == ["opened", "attached", "acknowledged", "assigned", "resolved"], shown.stdout
    assert (tmp_path / "pages" / "1-letter.pdf").read_bytes() == b"%PDF-1.4 a scanned letter"
    with database.session() as session:
        keys = session.scalars(select(Notification.key).order_by(Notification.id)).all()
        assert keys == ["complaint:1:ack", "complaint:2:ack", "complaint:1:resolution"]
        assert session.get(Complaint, 2).investor_id == other  # type: ignore[union-attr]


def test_bad_input_is_one_error_line_and_writes_nothing(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    add_client(database, "100000001", "Chen Jing")
    (tmp_path / "notes.txt").write_text("not a scan")
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.4")
    for args, message in [
        (["letter", "100000001", "--file", "notes.txt", "--category", "fees", "--summary", "x"], "a scan is a PDF"),
        (["letter", "404", "--file", "letter.pdf", "--category", "fees", "--summary", "x"], "no client with account"),
        (["letter", "100000001", "--file", "missing.pdf", "--category", "fees", "--summary", "x"], "missing.pdf"),
        (["show", "C000009"], "no complaint 9"), (["show", "nine"], "not a complaint number"),
        (["resolve", "1", "--resolution", "x"], "no complaint 1"),
        (["supervisor", "1003", "9001"], "no agent with job number '1003'"),
    ]:
        failed = run_hotline(state, "complaint", *args)
        assert failed.returncode == 2 and failed.stderr.startswith("error: ") and message in failed.stderr, (
            args, failed.stderr)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 0
