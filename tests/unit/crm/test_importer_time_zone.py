"""The investor import's time_zone column: an IANA name kept with the investor's details, or the row refused."""

from __future__ import annotations

from pathlib import Path

from crm_core.db import Database
from crm_core.importer import import_investors
from crm_core.models import Investor, InvestorDetail


def test_a_known_zone_is_kept_and_an_unknown_one_refuses_its_row_only(database: Database, tmp_path: Path) -> None:
    source = tmp_path / "investors.csv"
    source.write_text("account_number,name,phone,time_zone\n"
                      "500000001,London client,13900005001,Europe/London\n"
                      "500000002,Nowhere client,13900005002,Mars/Olympus\n"
                      "500000003,Home client,13900005003,\n")
    with database.session() as session:
        report = import_investors(session, source)
        assert report.loaded == 2
        assert report.errors == [(3, "time_zone 'Mars/Olympus' is not a known IANA time zone (e.g. Asia/Shanghai)")]
        zones = {name: zone for name, zone in session.query(Investor.name, InvestorDetail.time_zone)
                 .join(InvestorDetail, InvestorDetail.investor_id == Investor.id)}
        assert zones == {"London client": "Europe/London", "Home client": ""}
