"""An overdue complaint escalates in the running service: its scheduler's complaint-escalation job (every minute
here) takes it to the supervisor, writes the step, and the supervisors' WebSocket receives the typed
`complaint_escalated` event (published from the job's thread on the service's loop)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm_core.complaints import service
from crm_core.complaints.rules import ComplaintRules
from crm_core.events import ComplaintEscalated
from crm_core.models import AgentState
from crm_core.models.base import utcnow
from tests.integration.conftest import Hotline
from tests.integration.test_live_events_e2e import SUPERVISOR, console_url
from tests.support.desk import LiveSocket
from tests.support.hotline import AgentSpec, add_agents, wait_for

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_the_service_escalates_an_overdue_complaint_and_tells_the_supervisors(hotline: Hotline) -> None:
    add_agents(hotline.db, [SUPERVISOR, AgentSpec("2001", {"complaints": 9}, state=AgentState.LOGGED_OUT)])
    with hotline.db.session() as session:
        complaint_id = service.open_complaint(session, category="fees", summary="no answer for a week",
                                              channel="letter", now=utcnow() - timedelta(days=8),
                                              rules=ComplaintRules(), actor="test").id
    hotline.service.start(HOTLINE_SCHEDULER_ENABLED="true", HOTLINE_SCHEDULER_CRM_RECOMPUTE_AT="",  # that job only
                          HOTLINE_COMPLAINTS_ESCALATE_EVERY_MINUTES="1", HOTLINE_COMPLAINTS_SUPERVISOR="2900")
    socket = LiveSocket(console_url(hotline), "2900", "pw-2900")
    try:
        assert wait_for(lambda: socket.of_type(ComplaintEscalated.type), timeout=90), socket.messages
    finally:
        socket.close()
    [event] = socket.of_type(ComplaintEscalated.type)
    assert (event["complaint_id"], event["level"], event["to"]) == (complaint_id, 1, "2900")
    with hotline.db.session() as session:
        row = service.get(session, complaint_id)
        assert (row.escalation_level, row.escalated_to) == (1, "2900")
        assert service.steps_of(session, complaint_id)[-1].action == "escalated"
