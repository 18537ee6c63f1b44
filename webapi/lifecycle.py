"""What a web app starts beside itself and stops with itself: a background task and the executor of its
database work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from concurrent.futures import Executor
from typing import Any

from aiohttp import web


def run_alongside(app: web.Application, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """`work()` runs as a task from the app's start; at its cleanup the task is cancelled and awaited."""
    tasks: list[asyncio.Task[None]] = []

    async def start(_app: web.Application) -> None:
        tasks.append(asyncio.create_task(work(), name=name))

    async def stop(_app: web.Application) -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_cleanup.append(stop)


def shut_down_with(app: web.Application, executor: Executor) -> None:
    """The executor is shut down (its running work waited for) at the app's cleanup."""

    async def stop(_app: web.Application) -> None:
        executor.shutdown(wait=True)

    app.on_cleanup.append(stop)
