"""`hotline review publish CODE FILE`: publish a quality-review form (a JSON document of sections, items and
weights, crm_core/reviews/form.py) as that form's next version; supervisors score calls on the newest one."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.orm import Session

from crm_core.reviews import ReviewFormError, publish
from hotline.cli_session import in_session
from hotline.settings import Settings


def add_review_commands(review: argparse.ArgumentParser) -> None:
    commands = review.add_subparsers(dest="review_command", required=True)
    p = commands.add_parser("publish", help="publish a review form (JSON) as the form's next version")
    p.add_argument("code")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=in_session(cmd_publish, (ReviewFormError,)))


def cmd_publish(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewFormError(f"cannot read {args.file}: {exc}") from exc
    row = publish(session, args.code, text, by="cli")
    print(f"{row.code} v{row.version}")
    return 0
