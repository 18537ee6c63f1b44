"""Complaints with deadlines: deadlines per category in working days (deadlines.py), escalation of the overdue
ones (escalation.py), how the client is told (replies.py) — all pure — and the service that opens,
acknowledges, assigns, resolves and escalates them with a history of every step (service.py); intake.py finds
who a fax or an e-mail is from and takes the client portal's form; client_view.py is what a client sees of theirs
(which steps of the history are shown: `client_step`, pure)."""
