"""`[email]` in hotline.toml: the SMTP server the e-mail sender (gateways/smtp.py) hands messages to; light to
import (the settings do not load aiosmtplib)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SmtpSettings:
    host: str = ""  # empty: no e-mail sender (notifications by e-mail wait, queued)
    port: int = 25
    security: str = "none"  # none | starttls | tls
    username: str = ""
    password: str = ""
    sender: str = "Hotline <hotline@localhost>"
    timeout_seconds: float = 20.0
