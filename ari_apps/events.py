"""Live events the Stasis apps emit (screen-pop, agent state, call ended) for whoever listens.

The apps only know this callable type; the service connects it to the console's fan-out.
"""

from collections.abc import Callable
from typing import Any

EventSink = Callable[[dict[str, Any]], None]


def discard(event: dict[str, Any]) -> None:
    """The sink used when nobody listens."""
