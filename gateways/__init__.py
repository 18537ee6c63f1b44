"""Protocol edges that are not Asterisk: one module each (SMTP, SMPP), and the dispatcher that hands the
outbox's due messages to the senders (these, and ari_apps/notify's voice and fax) given by the wiring."""
