"""Where the Stasis apps send their live events (`crm_core.events`) for whoever listens.

The apps only know this callable type; the service connects it to the console's fan-out.
"""

from collections.abc import Callable

from crm_core.events import LiveEvent

EventSink = Callable[[LiveEvent], None]


def discard(event: LiveEvent) -> None:
    """The sink used when nobody listens."""
