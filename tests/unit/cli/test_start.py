"""`hotline` starts light (the test suite runs hundreds of them): --help imports no command's module (nor pandas,
nor Alembic), a command imports its own module only, and every command is still listed and parsed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hotline.cli import COMMANDS, build_parser, command_of

HEAVY = {"pandas", "alembic", "weasyprint", *(adds.split(":")[0] for adds, _ in COMMANDS.values())}


def loaded_by(*argv: str) -> set[str]:
    """The modules imported by building the parser for this command line, in a fresh interpreter."""
    code = (f"import sys\nfrom hotline.cli import build_parser, command_of\nbuild_parser(command_of({list(argv)!r}))\n"
            "print(' '.join(sys.modules))")
    return set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split())


def test_help_imports_no_commands_module() -> None:
    assert HEAVY & loaded_by("--help") == set()


def test_a_command_imports_its_own_module_only() -> None:
    assert HEAVY & loaded_by("notify", "status") == {"hotline.cli_notify"}
    assert HEAVY & loaded_by("--config", "hotline.toml", "budget", "status") == {"hotline.cli_billing"}


@pytest.mark.parametrize(("argv", "command"), [
    ([], None), (["--help"], None), (["crm", "search", "x"], "crm"), (["--config", "x.toml", "bill"], "bill"),
    (["--config=x.toml", "report"], "report"), (["--conf", "x.toml", "survey"], "survey"), (["-h"], None),
])
def test_the_command_of_a_command_line(argv: list[str], command: str | None) -> None:
    assert command_of(argv) == command


def test_every_command_is_listed_and_takes_its_arguments() -> None:
    parser = build_parser()
    listed = parser.format_help()
    for name in COMMANDS:
        assert name in listed
    assert parser.parse_args(["crm", "search", "--limit", "3", "x"]).limit == 3
    assert parser.parse_args(["budget", "set", "--agent", "1001", "--month", "2026-12", "--limit", "5"]).agent == "1001"
    assert build_parser("notify").parse_args(["notify", "status", "--id", "7"]).id == 7
