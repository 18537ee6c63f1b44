"""What the ACD's call sessions share, built once by the app."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ari_apps.acd.board import AgentBoard
from ari_apps.acd.dispatcher import Dispatcher
from ari_apps.acd.settings import AcdSettings
from ari_apps.events import EventSink, discard
from ari_apps.prompts import Prompts
from crm_core.db import AsyncDatabase

AfterCallHook = Callable[[str, str], Awaitable[bool]]


@dataclass(frozen=True)
class AcdDeps:
    db: AsyncDatabase
    prompts: Prompts
    settings: AcdSettings
    board: AgentBoard
    dispatcher: Dispatcher
    events: EventSink = discard
    # The caller whose agent hung up (call id, channel id): True if taken (the post-call survey), else hung up.
    after_call: AfterCallHook | None = None

