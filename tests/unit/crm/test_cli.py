"""The `hotline crm` handlers on real databases: import with bad rows, recompute, profile, explain,
search, synth."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pytest

from crm_core.db import Database
from hotline.cli_crm import add_crm_commands


@dataclass
class FakeSettings:
    database_url: str


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_crm_commands(parser.add_subparsers(dest="command").add_parser("crm"))
    return parser.parse_args(["crm", *argv])


HEADER = "account_number,name,phone,language,risk_class,vip,birth_date,investing_since,annual_income,"
CSV = HEADER + """financial_assets,city
10000000001,王伟,+86 138 0013 8000,zh,C3,no,1970-05-01,2010-01-01,300000.00,800000,上海
10000000002,,13800138001,zh,C2,no,,,,,
10000000003,Li Na,13800138002,fr,C2,no,,,,,
10000000004,张敏,13800138003,zh,C9,no,,,,,
10000000005,赵强,13800138004,zh,C4,yes,1999-13-01,,,,
10000000006,Alice Chen,13800138005,en,C5,yes,1985-02-03,2015-06-01,1200000,9000000.5,Hong Kong
ABC,坏账号,13800138006,zh,C1,no,,,,,
10000000001,重复,13800138007,zh,C1,no,,,,,
10000000008,刘洋,138,zh,C1,no,,,,,
10000000009,钱多,13800138009,zh,C1,no,,,-5,,
"""


def test_import_reports_bad_rows_by_line_and_loads_good_ones(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "investors.csv"
    path.write_text(CSV, encoding="utf-8")
    settings = FakeSettings(database_url)
    args = parse("import", str(path))
    assert args.handler(args, settings) == 1
    out, err = capsys.readouterr()
    assert "loaded 2, updated 0, rejected 8 row(s)" in out
    for line, reason in [(3, "name is empty"), (4, "language 'fr'"), (5, "risk_class 'C9'"),
                         (6, "birth_date: '1999-13-01'"), (8, "account_number 'ABC'"),
                         (9, "account_number repeats line 2"), (10, "phone '138'"), (11, "annual_income: '-5'")]:
        assert f"investors.csv:{line}: {reason}" in err

    args = parse("search", "王伟")
    assert args.handler(args, settings) == 0
    assert "10000000001\t王伟" in capsys.readouterr().out
    args = parse("search", "--field", "phone=+8613800138005")
    assert args.handler(args, settings) == 0
    assert "Alice Chen" in capsys.readouterr().out
    args = parse("profile", "10000000006")
    assert args.handler(args, settings) == 0
    out = capsys.readouterr().out
    assert "investor_class" in out and "professional" in out and "all/professional" in out
    args = parse("explain", "10000000006", "--product", "OPT05")
    assert args.handler(args, settings) == 0
    out = capsys.readouterr().out
    assert "floor: allow (FLOOR:OK)" in out and "suitability: allowed" in out
    args = parse("explain", "10000000001", "--product", "OPT05")
    assert args.handler(args, settings) == 0
    assert "suitability: refused by FLOOR:RISK" in capsys.readouterr().out
    args = parse("explain", "nope", "--product", "OPT05")
    assert args.handler(args, settings) == 2


def test_synth_recompute_and_search(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = FakeSettings(database_url)
    args = parse("synth", "--investors", "40", "--valuation-days", "5", "--recompute")
    assert args.handler(args, settings) == 0
    out = capsys.readouterr().out
    assert "added 40 investors" in out and "40 investors in" in out
    args = parse("search", "--field", "segment=retail", "--limit", "100")
    assert args.handler(args, settings) == 0
    found = [line for line in capsys.readouterr().out.splitlines() if "\t" in line]
    assert 0 < len(found) < 40
    args = parse("search", "--field", "nonsense")
    assert args.handler(args, settings) == 2
    db = Database(database_url)
    try:
        with db.session() as session:
            from crm_core.models import Agent
            job = session.query(Agent.job_number).filter(Agent.job_number.like("S%")).first()[0]
    finally:
        db.dispose()
    args = parse("explain", "1", "--staff", job)
    assert args.handler(args, settings) == 0
    assert "assignment rule" in capsys.readouterr().out


def test_reimport_updates_and_profile_at_a_past_time(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = FakeSettings(database_url)
    path = tmp_path / "one.csv"
    path.write_text("account_number,name,risk_class,vip\n10000000077,孙丽,C2,no\n", encoding="utf-8")
    args = parse("import", str(path))
    assert args.handler(args, settings) == 0
    capsys.readouterr()
    from datetime import UTC, datetime
    between = datetime.now(UTC).isoformat()
    path.write_text("account_number,name,risk_class,vip\n10000000077,孙丽,C4,yes\n", encoding="utf-8")
    assert args.handler(args, settings) == 0
    assert "loaded 0, updated 1, rejected 0 row(s)" in capsys.readouterr().out
    args = parse("profile", "10000000077")
    assert args.handler(args, settings) == 0
    now = capsys.readouterr().out
    assert "risk_class         C4" in now and "vip                True" in now and "all/vip" in now
    args = parse("profile", "10000000077", "--at", between)
    assert args.handler(args, settings) == 0
    then = capsys.readouterr().out
    assert "risk_class         C2" in then and "vip                False" in then


def test_import_with_a_bad_header_loads_nothing_and_says_why(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("acct,name\n1,x\n", encoding="utf-8")
    args = parse("import", str(path))
    assert args.handler(args, FakeSettings(database_url)) == 1
    out, err = capsys.readouterr()
    assert "bad.csv:1: header lacks column(s) account_number" in err and "loaded 0" in out
    args = parse("import", str(tmp_path / "missing.csv"))
    assert args.handler(args, FakeSettings(database_url)) == 2
