"""Agents' PJSIP endpoints, pushed from the database to Asterisk: render pjsip_agents.conf, reload.

Only the HA1 digest (md5 of user:realm:password) is stored and written; never a clear password.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from jinja2 import Template

from crm_core.agents import sip_accounts
from crm_core.db import Database
from crm_core.passwords import SIP_REALM

logger = logging.getLogger(__name__)

_TEMPLATE = Template("""; Written by the hotline service from the agents table. Do not edit.
{% for username, ha1 in accounts %}
[{{ username }}]
type = endpoint
context = hotline-internal
disallow = all
allow = ulaw,alaw,g722
auth = {{ username }}
aors = {{ username }}
direct_media = no
rtp_symmetric = yes
force_rport = yes
rewrite_contact = yes
dtmf_mode = rfc4733

[{{ username }}]
type = auth
auth_type = digest
username = {{ username }}
realm = {{ realm }}
md5_cred = {{ ha1 }}

[{{ username }}]
type = aor
max_contacts = 1
remove_existing = yes
qualify_frequency = 30
{% endfor %}""")


def render_accounts(accounts: list[tuple[str, str]]) -> str:
    return _TEMPLATE.render(accounts=accounts, realm=SIP_REALM)


def write_if_changed(path: Path, db: Database) -> bool:
    """Rewrite the agents file when the database says something new; True if it changed."""
    with db.session() as session:
        text = render_accounts(sip_accounts(session))
    old = path.read_text() if path.exists() else ""
    if hashlib.sha256(old.encode()).digest() == hashlib.sha256(text.encode()).digest():
        return False
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)
    os.chmod(temporary, 0o600)
    temporary.replace(path)
    logger.info("agents' SIP accounts rewritten (%d)", text.count("type = endpoint"))
    return True
