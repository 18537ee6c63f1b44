"""Complaints with deadlines: deadlines per category in working days (deadlines.py), escalation of the overdue
ones (escalation.py), how the client is told (replies.py) — all pure — and the service that opens,
acknowledges, assigns, resolves and escalates them with a history of every step (service.py); intake.py finds
who a fax or an e-mail is from."""
