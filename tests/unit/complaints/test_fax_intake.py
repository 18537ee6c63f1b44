"""The service's side of a fax to the complaints number: the received TIFF made a PDF (tiff2pdf) and a complaint,
then removed from the spool; faxes left in the spool (the service was down when they ended) swept into complaints
from an unknown sender, a fax still arriving left alone, and a broken file kept without stopping the others."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import select

from crm_core.complaints import service
from crm_core.complaints.intake import FaxReceived
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.models import Complaint, Investor, InvestorContact
from gateways.fax_documents import html_to_fax_tiff
from hotline.complaint_wiring import FaxIntake

PAGE = "<html><body><p>My order was filled late.</p></body></html>"


def test_a_received_fax_becomes_a_complaint_and_leaves_the_spool(database: Database, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    with database.session() as session:
        investor = Investor(account_number="100000001", name="Chen Jing", investor_class="retail")
        session.add(investor)
        session.flush()
        session.add(InvestorContact(investor_id=investor.id, channel="fax", value="02168881234"))
    html_to_fax_tiff(PAGE, spool / "1764640000.7.tif")
    intake = FaxIntake(spool, database, ComplaintRules())
    complaint_id = intake.received(FaxReceived("1764640000.7", "02168881234", "SUCCESS", 1, ""))
    assert complaint_id is not None and list(spool.iterdir()) == []
    assert intake.received(FaxReceived("1764640000.8", "02168881234", "FAILED", 0, "no answer")) is None
    with database.session() as session:
        row = service.get(session, complaint_id)
        assert (row.status, row.investor_id is not None, row.sender) == ("acknowledged", True, "02168881234")
        [pages] = service.attachments_of(session, complaint_id)
        assert pages.content.startswith(b"%PDF-") and pages.pages == 1


def test_faxes_left_in_the_spool_are_swept_into_complaints(database: Database, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    html_to_fax_tiff(PAGE, spool / "1764640000.1.tif")
    html_to_fax_tiff(PAGE, spool / "1764640000.2.tif")
    (spool / "1764640000.3.tif").write_bytes(b"not a tiff")
    old = time.time() - 3600
    for name in ("1764640000.1.tif", "1764640000.3.tif"):
        os.utime(spool / name, (old, old))
    made = FaxIntake(spool, database, ComplaintRules()).sweep()
    assert len(made) == 1
    assert sorted(p.name for p in spool.iterdir()) == ["1764640000.2.tif", "1764640000.3.tif"]  # arriving, broken
    with database.session() as session:
        [row] = session.scalars(select(Complaint)).all()
        assert (row.source_key, row.investor_id, row.status) == ("fax:1764640000.1", None, "open")
        assert "found in the spool" in row.summary
