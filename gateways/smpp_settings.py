"""`[sms]` in hotline.toml: the SMSC the SMS sender (gateways/smpp.py) binds to; light to import (the settings
do not load smpplib)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SmppSettings:
    host: str = ""  # empty: no SMS sender (SMS notifications wait, queued)
    port: int = 2775
    system_id: str = ""
    password: str = ""
    system_type: str = ""
    source_addr: str = "95500"
    enquire_link_seconds: float = 30.0
    submit_timeout_seconds: float = 10.0
