"""Surveys as data and the outbound survey dialer's domain: versioned survey documents with branching
(definition.py), campaigns, their targets, attempts and answers (service.py, targets.py), the dialling
decisions (dialing.py: call windows, holidays, attempts, retry delays, pacing), and results (results.py).

Import from the module that holds a name (this package's own import stays light: the complaints' settings read
its calendar without loading the campaigns' service and the models).
"""
