"""What complaints are about, and the category a complaint opened on a call starts from (the call's IVR
category when it is one of them; a call to the complaints line or the operator: service)."""

from __future__ import annotations

CATEGORIES = ("trading", "account", "products", "fees", "service", "other")


def category_for_call(call_category: str | None) -> str:
    return call_category if call_category in CATEGORIES else "service"
