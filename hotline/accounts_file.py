"""`<state>/accounts.txt`: the demo's generated passwords, written once (mode 0600) and read by the welcome.

One format, written and read here only. Tab-separated lines, the first column says what the line is:

    staff   <job number>  <name>  <role>  <desktop password>  <SIP user>  <SIP password>
    client  <fund account>  <name>  <phone>  <trading password>  <bank password>

Lines starting with `#` are comments (the writer explains the columns in them). The database keeps only
hashes of these passwords: this file is the one place a newcomer finds them.
"""

from __future__ import annotations

import os
from dataclasses import astuple, dataclass
from pathlib import Path

STAFF, CLIENT = "staff", "client"


@dataclass(frozen=True)
class StaffLogin:
    job_number: str
    name: str
    role: str  # agent | supervisor | administrator
    desktop_password: str
    sip_username: str
    sip_password: str


@dataclass(frozen=True)
class ClientLogin:
    fund_account: str
    name: str
    phone: str
    trading_password: str
    bank_password: str


@dataclass(frozen=True)
class Accounts:
    staff: list[StaffLogin]
    clients: list[ClientLogin]
    problems: list[str]  # lines that could not be read, each with its number and why


class AccountsFileError(ValueError):
    """A line of accounts.txt that is not in the format above."""


_KINDS: dict[str, type[StaffLogin] | type[ClientLogin]] = {STAFF: StaffLogin, CLIENT: ClientLogin}
_HEADER = (
    "# Demo accounts, generated once by `hotline demo-data` (the database keeps only hashes).\n"
    "# staff   job_number  name  role  desktop_password  sip_username  sip_password\n"
    "# client  fund_account  name  phone  trading_password  bank_password\n"
)


def write(path: Path, staff: list[StaffLogin], clients: list[ClientLogin]) -> None:
    """Write the file with mode 0600 (created so: never readable by others, not even for a moment)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(_HEADER)
        for kind, rows in ((STAFF, staff), (CLIENT, clients)):
            for row in rows:
                handle.write(format_line(kind, row))


def format_line(kind: str, row: StaffLogin | ClientLogin) -> str:
    fields = astuple(row)
    if any("\t" in f or "\n" in f for f in fields):
        raise AccountsFileError(f"a {kind} field holds a tab or a newline: {row}")
    return "\t".join((kind, *fields)) + "\n"


def parse_line(line: str) -> StaffLogin | ClientLogin:
    kind, *fields = line.rstrip("\n").split("\t")
    model = _KINDS.get(kind)
    if model is None:
        raise AccountsFileError(f"unknown kind {kind!r} (expected {' or '.join(_KINDS)})")
    expected = len(model.__dataclass_fields__)
    if len(fields) != expected:
        raise AccountsFileError(f"a {kind} line has {len(fields)} fields after the kind, expected {expected}")
    return model(*fields)


def read(path: Path) -> Accounts:
    """Every readable line; unreadable ones are reported in `problems`, never a crash (a file written by an
    older version, or edited by hand, still shows what it can)."""
    staff: list[StaffLogin] = []
    clients: list[ClientLogin] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            row = parse_line(line)
        except AccountsFileError as exc:
            problems.append(f"{path}:{number}: {exc}")
            continue
        if isinstance(row, StaffLogin):
            staff.append(row)
        else:
            clients.append(row)
    return Accounts(staff, clients, problems)
