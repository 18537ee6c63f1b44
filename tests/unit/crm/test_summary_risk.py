"""On a synthetic population (declared classes drawn apart from the questionnaires, as `hotline crm synth`
makes them): the summary's risk class is the one suitability decides on, search finds investors by it and
`hotline crm search` prints it, with the declared class beside it where they differ."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from crm_core.db import Database
from crm_core.matching.context import load_context
from crm_core.models import Investor
from crm_core.search import field_search
from crm_core.summary import risk_classes
from hotline.cli_crm import add_crm_commands


def test_the_summary_class_is_what_suitability_sees(crm: Database) -> None:
    with crm.session() as session:
        ids = list(session.scalars(select(Investor.id).order_by(Investor.id)))
        ranks = load_context(session, ids, {"investor.risk_class"})["investor.risk_class"]
        risks = risk_classes(session, ids)
    seen_by_suitability = {i: (None if rank != rank else f"C{int(rank)}") for i, rank in ranks.items()}
    assert {i: risk.effective for i, risk in risks.items()} == seen_by_suitability
    differing = [i for i, risk in risks.items() if risk.differs]
    assert differing, "synth draws declared classes apart from the questionnaires: some must differ"
    assert all(risks[i].label == f"{risks[i].effective} (declared {risks[i].declared})" for i in differing)


def test_search_by_risk_class_finds_the_effective_class(crm: Database) -> None:
    with crm.session() as session:
        risks = risk_classes(session, session.scalars(select(Investor.id)))
        for value in ("C1", "C2", "C3", "C4", "C5"):
            expected = sorted(i for i, risk in risks.items() if risk.effective == value)
            assert field_search(session, "risk_class", value, limit=1000) == expected, value


@dataclass
class Settings:
    database_url: str


def test_the_search_command_prints_the_effective_class(crm: Database, capsys: pytest.CaptureFixture[str]) -> None:
    with crm.session() as session:
        risks = risk_classes(session, session.scalars(select(Investor.id)))
    investor_id, risk = next((i, r) for i, r in sorted(risks.items()) if r.differs and r.effective)
    parser = argparse.ArgumentParser()
    add_crm_commands(parser.add_subparsers(dest="command").add_parser("crm"))
    args = parser.parse_args(["crm", "search", "--field", f"risk_class={risk.effective}", "--limit", "1000"])
    assert args.handler(args, Settings(crm.url)) == 0
    lines = {int(line.split("\t")[0]): line.split("\t")[3] for line in capsys.readouterr().out.splitlines()}
    assert lines[investor_id] == f"{risk.effective} (declared {risk.declared})"
    assert set(lines) == {i for i, r in risks.items() if r.effective == risk.effective}

    bad = parser.parse_args(["crm", "search", "--field", "risk_class=R4"])
    assert bad.handler(bad, Settings(crm.url)) == 2
    assert "risk class must be one of C1, C2, C3, C4, C5, not 'R4'" in capsys.readouterr().err
