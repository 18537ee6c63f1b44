"""What `hotline up` prints once everything is set up: every account and address a newcomer can try, and
example calls ready to paste. A pure function of the settings and `accounts.txt` (unit-tested)."""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path

from hotline.accounts_file import Accounts, ClientLogin
from hotline.settings import Settings

ORDER_CODE, ORDER_PRICE, ORDER_QUANTITY = "600036", "38*60", "100"  # 100 shares of China Merchants Bank at 38.60


def render(settings: Settings, accounts: Accounts | None, *, host: str | None = None,
           command: str | None = None) -> str:
    host = host or machine_address(settings.asterisk.sip_bind)
    command = command or hotline_command()
    number = settings.asterisk.hotline_number
    lines = [
        "",
        "The hotline is set up. What there is to try:",
        "",
        f"Softphones (SIP): server {host}, port {settings.asterisk.sip_port}, UDP, realm 'hotline'. "
        f"Dial {number} for the hotline.",
        f"Web console: http://{console_host(settings.console.bind, host)}:{settings.console.port}/ "
        "(agents: the desk with the screen-pop; supervisors: the live board, listen / whisper / barge)",
        *_portal_lines(settings, host, accounts.clients if accounts else []),
    ]
    if accounts is None:
        lines += ["", f"No accounts file in {settings.state_path}: `hotline demo-data` writes one."]
    else:
        lines += _staff_lines(accounts) + _client_lines(accounts) + [f"  {p}" for p in accounts.problems]
    lines += _examples(command, number, accounts.clients if accounts else [])
    return "\n".join(lines) + "\n"


def _portal_lines(settings: Settings, host: str, clients: list[ClientLogin]) -> list[str]:
    if not settings.portal.enabled:
        return []
    line = (f"Client portal: http://{console_host(settings.portal.bind, host)}:{settings.portal.port}/ "
            "(clients: funds, holdings, orders and fills, web orders)")
    if clients:
        line += f"; log in with fund account {clients[0].fund_account} and trading password " \
                f"{clients[0].trading_password}"
    return [line]


def _staff_lines(accounts: Accounts) -> list[str]:
    lines = ["", "Staff: log in to the web console with the job number and desktop password; register a "
                 "softphone with the SIP user and password:"]
    for s in accounts.staff:
        lines.append(f"  {s.role:<13} {s.job_number}  {s.name:<10}  desktop password {s.desktop_password}  "
                     f"SIP {s.sip_username} / {s.sip_password}")
    return lines


def _client_lines(accounts: Accounts) -> list[str]:
    lines = ["", "Clients: a call from their phone number is recognised. Phone trading: key 5 at the main menu, "
                 "then the fund account and #, then the trading password and # (bank transfers: 9 in the "
                 "trading menu, with the bank password); a statement, quote sheet or fact sheet by fax (also on this "
                 "call), e-mail or SMS: key 6 at the main menu; a price alert: key 7; a date reminder: key 8:"]
    for c in accounts.clients:
        lines.append(f"  {c.fund_account}  {c.name:<10}  phone {c.phone}  trading password {c.trading_password}  "
                     f"bank password {c.bank_password}")
    if accounts.clients:
        from hotline.demo import COMMISSIONERS  # the demo's CRM and pandas only for the welcome of the demo data

        served = "; ".join(f"{job} serves {', '.join(clients)}" for job, clients in COMMISSIONERS.items())
        lines.append(f"  Each client's calls go first to their own agent, their service commissioner ({served}): "
                     "`hotline crm route 100000001` says how and why, `hotline crm assign` moves a client.")
    return lines


def _examples(command: str, number: str, clients: list[ClientLogin]) -> list[str]:
    lines = ["", "Try, in another terminal:",
             f"  {command} call --from 13800000001 --dtmf 1 {number}"
             "    # trading help: routed to an agent"]
    if clients:
        lines.append(f"  {command} call --from {clients[0].phone} --dtmf {shlex.quote(order_keys(clients[0]))} "
                     f"{number}    # a phone order read back and confirmed, then 0: the trading desk (an agent)")
    lines.append(f"  {command} call --json --from 13999999999 --dtmf '100000003#,3' {number}"
                 "    # an unknown number keys an account")
    lines.append(f"  {command} down    # stop the service and Asterisk")
    return lines


def order_keys(client: ClientLogin) -> str:
    """The keys of a buy by phone, one group per prompt: main menu 5, log in, 1 (buy), code, price, quantity,
    1 (confirm), then 0 at the trading menu for the trading desk."""
    return ",".join(["5", f"{client.fund_account}#", f"{client.trading_password}#", "1", ORDER_CODE,
                     f"{ORDER_PRICE}#", f"{ORDER_QUANTITY}#", "1", "0"])


def hotline_command() -> str:
    """How to run this command again: the virtualenv's `hotline`, relative to the current folder if inside it."""
    executable = Path(sys.executable).parent / "hotline"
    if not executable.exists():
        return "hotline"
    try:
        return str(executable.relative_to(Path.cwd()))
    except ValueError:
        return str(executable)


def console_host(bind: str, host: str) -> str:
    return host if bind in {"0.0.0.0", "::", ""} else bind


def machine_address(bind: str) -> str:
    """The address softphones reach: the bound one, or this machine's primary address for a wildcard bind
    (a UDP socket 'connected' to a private address sends nothing; it only picks the outgoing interface)."""
    if bind not in {"0.0.0.0", "::", ""}:
        return bind
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 1))
            return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostname()
