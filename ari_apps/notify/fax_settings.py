"""`[fax]` in hotline.toml: how fax numbers are dialled and how long a fax may take."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FaxSettings:
    dial: str = ""  # "" : no fax sender (faxes wait, queued); e.g. "PJSIP/{number}@trunk"
    ring_seconds: int = 45
    timeout_seconds: float = 600.0  # the whole call, pages included
    station_id: str = ""  # our fax number as the far end's machine prints it (T.30 TSI)
    header: str = "Hotline"  # the header line on each page
