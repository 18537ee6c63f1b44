"""What `make run` installs is what the running hotline imports: every third-party package imported by the
packages that run (not tests, benches or scripts) is a distribution in install_requires, not only in the test
extra. (The test venv has both, so `make run` in it could never show a missing one: a fresh clone did.)"""

from __future__ import annotations

import ast
import configparser
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNNING = ("agi", "ari_apps", "config", "console", "crm_core", "dialplan", "gateways", "hotline", "portal", "reports",
           "sounds", "webapi")


def requirement_names(section: str, key: str) -> set[str]:
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    lines = [line.strip() for line in config[section][key].splitlines() if line.strip()]
    return {re.split(r"[<>=!~\[ ;]", line, maxsplit=1)[0].lower().replace("_", "-") for line in lines}


def imported_top_levels() -> dict[str, str]:
    """Top-level modules imported by the running packages, each with one file that imports it."""
    found: dict[str, str] = {}
    for folder in RUNNING:
        for path in (REPO / folder).rglob("*.py"):
            if "migrations" in path.parts:  # run by alembic with the running packages' own imports
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(REPO)))
    return found


def test_every_third_party_import_of_the_running_code_is_installed_by_make_run() -> None:
    required = requirement_names("options", "install_requires")
    distributions = packages_distributions()
    missing = {}
    for module, where in imported_top_levels().items():
        if module in sys.stdlib_module_names or module in RUNNING or module == "__future__":
            continue
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & required:
            missing[module] = where
    assert missing == {}, f"imported when the hotline runs but not in install_requires: {missing}"


def test_the_check_sees_a_package_only_the_tests_install() -> None:
    assert "aiosmtpd" not in requirement_names("options.extras_require", "test") or \
        "aiosmtpd" in requirement_names("options", "install_requires")
    assert "playwright" not in requirement_names("options", "install_requires")
    assert {d.lower() for d in packages_distributions().get("playwright", [])} == {"playwright"}
