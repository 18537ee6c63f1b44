"""Credentials generated at setup (ARI, AMI), kept in the state folder with mode 0600, never in the repo."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

SECRETS_FILE = "secrets.json"


@dataclass(frozen=True)
class Secrets:
    ari_user: str
    ari_password: str
    ami_user: str
    ami_password: str


def generate() -> Secrets:
    return Secrets(
        ari_user=f"hotline-{secrets.token_hex(3)}",
        ari_password=secrets.token_urlsafe(24),
        ami_user=f"hotline-{secrets.token_hex(3)}",
        ami_password=secrets.token_urlsafe(24),
    )


def load_or_create(state_dir: Path) -> Secrets:
    """Read the state folder's credentials, generating and saving them on first use."""
    path = state_dir / SECRETS_FILE
    if path.exists():
        return Secrets(**json.loads(path.read_text()))
    state_dir.mkdir(parents=True, exist_ok=True)
    created = generate()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(asdict(created), handle)
    return created
