"""Database work from async code: every call runs in one thread-pool executor, never on the loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crm_core.db import Database

logger = logging.getLogger(__name__)
T = TypeVar("T")


class AsyncDatabase:
    def __init__(self, database: Database, executor: ThreadPoolExecutor) -> None:
        self.database = database
        self._executor = executor

    async def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`work(session, *args, **kwargs)` in one transaction, in the executor."""

        def in_session() -> T:
            with self.database.session() as session:
                return work(session, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._executor, in_session)

    async def record(self, work: Callable[[Session], Any] | Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """The same for bookkeeping that must not stop a call: a database error is logged, not raised."""
        try:
            await self.run(work, *args, **kwargs)
            return True
        except (SQLAlchemyError, LookupError) as exc:  # LookupError: a call that was never recorded
            logger.error("call record not written (%s): %s", getattr(work, "__name__", work), exc)
            return False
