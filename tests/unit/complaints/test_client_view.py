"""What a client sees of their complaint's history: the steps that are theirs to know, in plain words; internal
ones (notes, escalations, matching an unknown sender) never."""

from __future__ import annotations

from crm_core.complaints.client_view import CLIENT_STEPS, client_step


def test_only_the_client_facing_kinds_of_history_are_shown() -> None:
    assert client_step("opened") == "Received"
    assert client_step("acknowledged") == "Acknowledged: we are looking into it"
    assert client_step("assigned") == "Given to a case handler"  # that it is handled, not by whom
    assert client_step("attached") == "A document was added"
    assert client_step("resolved") == "Resolved"
    for internal in ("note", "escalated", "matched", "unmatched", "anything new"):  # unknown kinds: hidden too
        assert client_step(internal) is None
    assert set(CLIENT_STEPS) == {"opened", "attached", "acknowledged", "assigned", "resolved"}
