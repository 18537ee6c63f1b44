"""`hotline crm ...` and `hotline db upgrade` through the real `hotline` script (argument parsing, settings
from the environment, exit codes), on a throwaway SQLite database: no Asterisk needed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.cli import HOTLINE, run_hotline

CSV = ("account_number,name,phone,language,risk_class,vip\n"
       "20000000001,Alice Chen,13900000001,en,C3,no\n"
       "20000000002,,13900000002,zh,C2,no\n")


def hotline(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_hotline(state, *args)


def test_crm_commands_through_the_command_line(tmp_path: Path) -> None:
    state = tmp_path / "var"
    assert "newest schema" in hotline(state, "db", "upgrade").stdout
    csv = tmp_path / "investors.csv"
    csv.write_text(CSV)
    imported = hotline(state, "crm", "import", str(csv))
    assert imported.returncode == 1 and "loaded 1, updated 0, rejected 1 row(s)" in imported.stdout
    assert "investors.csv:3: name is empty" in imported.stderr

    synth = hotline(state, "crm", "synth", "--investors", "20", "--recompute")
    assert synth.returncode == 0 and "added 20 investors" in synth.stdout, synth.stderr
    recompute = hotline(state, "crm", "recompute")
    assert recompute.returncode == 0 and "21 investors in" in recompute.stdout, recompute.stderr

    profile = hotline(state, "crm", "profile", "20000000001")
    assert profile.returncode == 0 and profile.stdout.startswith("20000000001 Alice Chen (id 1)")
    explain = hotline(state, "crm", "explain", "2", "--product", "STK04")
    assert explain.returncode == 0 and "x product STK04 (risk R4" in explain.stdout, explain.stderr
    found = hotline(state, "crm", "search", "Alice")
    assert found.returncode == 0 and "20000000001\tAlice Chen" in found.stdout

    missing = hotline(state, "crm", "profile", "999")
    assert missing.returncode == 2 and "no investor '999'" in missing.stderr
    bad_field = hotline(state, "crm", "search", "--field", "colour")
    assert bad_field.returncode == 2 and "--field needs NAME=VALUE, not 'colour'" in bad_field.stderr
    usage = hotline(state, "crm", "synth")
    assert usage.returncode == 2 and "--investors" in usage.stderr


def test_a_bad_setting_is_named_and_nothing_runs(tmp_path: Path) -> None:
    result = subprocess.run([HOTLINE, "db", "upgrade"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "HOTLINE_STATE_DIR": str(tmp_path / "var"),
                                 "HOTLINE_ASTERISK_SIP_PORT": "five"})
    assert result.returncode == 2 and "asterisk.sip_port" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "var").exists()


def test_the_administrator_reassigns_an_investor_and_the_route_follows(tmp_path: Path) -> None:
    state = tmp_path / "var"
    assert hotline(state, "db", "upgrade").returncode == 0
    synth = hotline(state, "crm", "synth", "--investors", "12", "--recompute")
    assert synth.returncode == 0, synth.stderr
    before = hotline(state, "crm", "route", "1", "--category", "trading")
    assert before.returncode == 0 and "role_code: service_commissioner" in before.stdout, before.stderr
    assert "route_rule: ROUTE-SERVICE" in before.stdout and "service_rule: SL-" in before.stdout
    current = next(line.split(": ")[1] for line in before.stdout.splitlines() if line.startswith("agent_job_number"))
    other = next(job for job in ("S00000010000", "S00000010001", "S00000010002") if job != current)

    moved = hotline(state, "crm", "assign", "1", other, "--by", "admin")
    assert moved.returncode == 0 and moved.stdout.endswith(f"service_commissioner {current} -> {other}\n"), moved.stderr
    after = hotline(state, "crm", "route", "1")
    assert f"agent_job_number: {other}" in after.stdout and "assignment: manual by admin" in after.stdout

    unknown = hotline(state, "crm", "assign", "1", "nobody")
    assert unknown.returncode == 2 and "no agent with job number nobody" in unknown.stderr
    no_role = hotline(state, "crm", "assign", "1", other, "--role", "marketing_manager")
    assert no_role.returncode == 2 and "does not hold the role 'marketing_manager'" in no_role.stderr
    assert "no investor '999'" in hotline(state, "crm", "route", "999").stderr


ASSIGN = ".venv/bin/hotline crm assign 100000001 1003 --by admin"
ROUTE = ".venv/bin/hotline crm route 100000001 --category products"


def test_the_readmes_assign_and_route_commands_as_printed(tmp_path: Path) -> None:
    from crm_core.agents import create_agent
    from crm_core.seed import seed_reference_data
    from crm_core.staff import grant_role, set_profile
    from tests.support.cli import add_client, fresh_state, readme_command

    state = tmp_path / "var"
    database = fresh_state(state)
    add_client(database, "100000001", "Wang Fang")
    with database.session() as session:
        seed_reference_data(session)
        agent = create_agent(session, job_number="1003", name="Agent 1003", password="pw-1003",
                             sip_password="sip-1003", languages=["zh"], skills={"products": 5})
        grant_role(session, agent.id, "service_commissioner")
        grant_role(session, agent.id, "marketing_manager")
        set_profile(session, agent.id, capacity=5)
    database.dispose()

    assigned = run_hotline(state, *readme_command(ASSIGN))
    assert assigned.returncode == 0, assigned.stderr
    assert assigned.stdout == "100000001 Wang Fang: service_commissioner nobody -> 1003\n"
    route = run_hotline(state, *readme_command(ROUTE))
    assert route.returncode == 0, route.stderr
    assert "role_code: marketing_manager" in route.stdout and "agent_job_number: None" in route.stdout
    products = run_hotline(state, "crm", "assign", "100000001", "1003", "--role", "marketing_manager")
    assert products.returncode == 0, products.stderr
    again = run_hotline(state, *readme_command(ROUTE))
    assert "agent_job_number: 1003" in again.stdout and "route_rule: ROUTE-PRODUCTS" in again.stdout


def test_a_fresh_folder_gets_a_clear_error_then_the_demo_data_routes_each_client_to_their_own_agent(
        tmp_path: Path) -> None:
    state = tmp_path / "var"
    early = hotline(state, "crm", "route", "100000001")
    assert early.returncode == 2 and "Traceback" not in early.stderr, early.stderr
    assert "cannot be used: unable to open database file. `hotline db upgrade` makes it" in early.stderr

    loaded = hotline(state, "demo-data")  # on the fresh folder: the database made first
    assert loaded.returncode == 0 and "demo data loaded" in loaded.stdout, loaded.stderr
    routed = hotline(state, "crm", "route", "100000001")
    assert "agent_job_number: 1001" in routed.stdout and "assignment: manual by demo data" in routed.stdout
    moved = hotline(state, "crm", "assign", "100000001", "1003", "--by", "admin")  # every agent may serve
    assert moved.returncode == 0 and "service_commissioner 1001 -> 1003" in moved.stdout, moved.stderr
