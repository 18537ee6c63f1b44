"""How a `hotline` subcommand that works on the database runs: in one transaction, a failure the command
expects printed as one error line with exit 2 (and nothing written), anything else left to show itself."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sqlalchemy.orm import Session

from crm_core.db import Database
from hotline.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
Work = Callable[[argparse.Namespace, Settings, Session], int]
Failures = tuple[type[Exception], ...]


def failing_cleanly(run: Handler, failures: Failures) -> Handler:
    """`run`, with the failures it expects as one `error:` line and exit 2."""

    def handler(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return run(args, settings)
        except failures as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return handler


def in_session(work: Work, failures: Failures) -> Handler:
    """`work` in one transaction: a failure writes nothing, and an expected one is an error line and exit 2."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        database = Database(settings.database_url)
        try:
            with database.session() as session:
                return work(args, settings, session)
        finally:
            database.dispose()

    return failing_cleanly(run, failures)
