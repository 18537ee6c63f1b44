"""`hotline review publish` through the real command line: versions, and a bad form refused writing nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crm_core.models import ReviewFormVersion
from tests.support.cli import fresh_state, readme_command, run_hotline

STANDARD = Path(__file__).resolve().parents[3] / "crm_core" / "reviews" / "standard.json"


def test_the_readmes_review_publish_command(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    shown = readme_command("hotline review publish standard crm_core/reviews/standard.json")
    published = run_hotline(state, *shown[:-1], str(STANDARD))
    assert (published.returncode, published.stdout) == (0, "standard v1\n"), published.stderr
    assert run_hotline(state, "review", "publish", "standard", str(STANDARD)).stdout == "standard v2\n"

    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x", "sections": [{"id": "s", "title": "S", "weight": 0, "items": []}]}')
    refused = run_hotline(state, "review", "publish", "standard", str(bad))
    assert refused.returncode == 2
    assert refused.stderr.strip() == "error: section s: items: a list of 1 to 40 items"
    missing = run_hotline(state, "review", "publish", "standard", str(tmp_path / "none.json"))
    assert missing.returncode == 2 and missing.stderr.startswith("error: cannot read")
    with database.session() as session:
        assert [r.version for r in session.scalars(select(ReviewFormVersion))] == [1, 2]
    database.dispose()
