"""accounts.txt, one format written and read in one module, and the welcome built from it."""

from __future__ import annotations

import shlex
import stat
from pathlib import Path

import pytest

from hotline import accounts_file, welcome
from hotline.accounts_file import AccountsFileError, ClientLogin, StaffLogin
from hotline.cli import build_parser
from hotline.scripted_call import parse_dtmf
from hotline.settings import load_settings

STAFF = [StaffLogin("1001", "Zhao Lei", "agent", "desk-pw", "agent1001", "sip-pw"),
         StaffLogin("9001", "Ma Jun", "supervisor", "sup-pw", "agent9001", "sup-sip")]
CLIENTS = [ClientLogin("100000001", "Wang Fang", "13800000001", "135790", "2468")]


def test_what_is_written_is_read_back_whole_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "accounts.txt"
    accounts_file.write(path, STAFF, CLIENTS)
    read = accounts_file.read(path)
    assert (read.staff, read.clients, read.problems) == (STAFF, CLIENTS, [])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_older_or_hand_edited_file_shows_what_it_can_and_names_each_bad_line(tmp_path: Path) -> None:
    """The file `make run` crashed on: agents' five columns and trading logins' three, without a kind."""
    path = tmp_path / "accounts.txt"
    path.write_text("# job_number  name  desktop_password  sip_username  sip_password\n"
                    "1001\tZhao Lei\tpw\tagent1001\tsip\n"
                    "100000001\t135790\t2468\n"
                    + accounts_file.format_line("client", CLIENTS[0]))
    read = accounts_file.read(path)
    assert read.clients == CLIENTS and read.staff == []
    assert read.problems == [f"{path}:2: unknown kind '1001' (expected staff or client)",
                             f"{path}:3: unknown kind '100000001' (expected staff or client)"]


def test_a_line_with_the_wrong_number_of_fields_is_refused_clearly() -> None:
    with pytest.raises(AccountsFileError, match="a staff line has 2 fields after the kind, expected 6"):
        accounts_file.parse_line("staff\t1001\tZhao Lei")


def test_a_field_with_a_tab_cannot_be_written() -> None:
    with pytest.raises(AccountsFileError, match="tab"):
        accounts_file.format_line("staff", StaffLogin("1001", "Zhao\tLei", "agent", "a", "b", "c"))


def test_the_welcome_shows_staff_clients_console_and_examples_that_parse() -> None:
    settings = load_settings(environ={"HOTLINE_CONSOLE_PORT": "8181"})
    text = welcome.render(settings, accounts_file.Accounts(STAFF, CLIENTS, ["accounts.txt:7: bad"]),
                          host="192.0.2.10", command=".venv/bin/hotline")
    assert "server 192.0.2.10, port 5060" in text and "http://192.0.2.10:8181/" in text
    assert "supervisor    9001  Ma Jun      desktop password sup-pw  SIP agent9001 / sup-sip" in text
    assert "100000001  Wang Fang   phone 13800000001  trading password 135790  bank password 2468" in text
    assert "accounts.txt:7: bad" in text
    assert "service commissioner (1001 serves 100000001, 100000002, 100000004; 1002 serves" in text
    examples = [line.split("    # ")[0].strip() for line in text.splitlines() if line.startswith("  .venv/bin/")]
    parser = build_parser()
    for line in examples:
        parser.parse_args(shlex.split(line)[1:])  # each example is a valid command line
    order = next(line for line in examples if "135790#" in line)
    keys = parse_dtmf(parser.parse_args(shlex.split(order)[1:]).dtmf)
    assert keys == ["5", "100000001#", "135790#", "1", "600036", "38*60#", "100#", "1", "0"]


def test_the_welcome_shows_the_client_portal_with_the_demo_clients_login() -> None:
    settings = load_settings(environ={"HOTLINE_PORTAL_PORT": "8282"})
    text = welcome.render(settings, accounts_file.Accounts(STAFF, CLIENTS, []), host="192.0.2.10", command="hotline")
    assert ("Client portal: http://192.0.2.10:8282/ (clients: funds, holdings, orders and fills, web orders); "
            "log in with fund account 100000001 and trading password 135790") in text
    off = load_settings(environ={"HOTLINE_PORTAL_ENABLED": "false"})
    assert "Client portal" not in welcome.render(off, None, host="h", command="hotline")


def test_the_welcome_without_an_accounts_file_says_how_to_make_one() -> None:
    text = welcome.render(load_settings(environ={}), None, host="h", command="hotline")
    assert "`hotline demo-data` writes one" in text and "hotline call --from 13800000001 --dtmf 1 95500" in text


def test_the_address_printed_for_a_bound_console_is_its_bind() -> None:
    assert welcome.console_host("127.0.0.1", "192.0.2.10") == "127.0.0.1"
    assert welcome.console_host("0.0.0.0", "192.0.2.10") == "192.0.2.10"
    assert welcome.machine_address("127.0.0.1") == "127.0.0.1"
