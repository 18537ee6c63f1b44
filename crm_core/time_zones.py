"""Time zones by IANA name: the one check that a name a person or a file gave names a zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_named(name: str) -> ZoneInfo | None:
    """The zone, or None when `name` names none (a typo, an empty or malformed name)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
