"""The outbox: every message to a client (fill reports, reminders, price alerts, replies, documents) is a
row here first, with its idempotency key, its channels and its life; the senders at the edges
(gateways/ for e-mail and SMS, ari_apps/notify/ for voice and fax) only carry out what it hands them.

Life of a notification: queued → sending → sent → delivered; a failure goes back to `retry` (same channel,
later), to the next channel of its chain (`fallback`), or ends `given_up`. A notification found `sending`
after a restart may have gone out: it becomes `unknown` and is never sent again by itself (`hotline notify
retry` sends it again on an operator's word).

The outbox's functions are in outbox.py and its pure decisions (channels, policy, settings) in rules.py; import
them from there (this package's own import stays light: the `[notify]` settings do not load the database's
models, the documents and the templates).
"""
