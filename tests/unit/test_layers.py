"""The layout's import rules (DESIGN.md, "Layout"), checked on the source: a wrong import fails here, not in
a review. Each folder may import only the folders listed for it (and the standard library and third-party
packages); nothing but the CLI and wiring (hotline/), tests and benches imports hotline/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OURS = {"agi", "ari_apps", "bench", "config", "console", "crm_core", "dialplan", "gateways", "hotline", "portal",
        "reports", "sounds", "tests", "webapi"}
MAY_IMPORT = {
    "crm_core": set(),
    "dialplan": set(),
    "sounds": set(),
    "config": set(),
    "agi": {"crm_core", "dialplan"},
    "ari_apps": {"crm_core", "dialplan", "sounds"},
    "gateways": {"crm_core"},
    "reports": {"crm_core"},
    "console": {"crm_core", "webapi"},
    "portal": {"crm_core", "webapi"},
    "webapi": set(),
}
# Beyond its folder's rule: the fax Stasis app renders its pages with the document edge (HTML to PDF to a
# fax image, gateways/fax_documents.py) that the e-mail sender uses for its PDFs: one renderer, not two.
ALSO = {"ari_apps/notify/fax.py": {"gateways"}}


def imports_of(path: Path) -> set[str]:
    """The top-level packages of ours that a module imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("folder", sorted(MAY_IMPORT))
def test_each_folder_imports_only_what_the_layout_allows(folder: str) -> None:
    wrong = {}
    for path in sorted((REPO / folder).rglob("*.py")):
        name = str(path.relative_to(REPO))
        if beyond := imports_of(path) - MAY_IMPORT[folder] - {folder} - ALSO.get(name, set()):
            wrong[name] = sorted(beyond)
    assert wrong == {}


def test_the_check_sees_a_wrong_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from hotline.settings import AcdSettings\nimport crm_core.db\nfrom . import x\n")
    assert imports_of(module) == {"hotline", "crm_core"}
