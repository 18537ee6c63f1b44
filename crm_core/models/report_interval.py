"""Contact-centre figures per 15-minute interval, added to as calls end (read by `reports/`).

One row per (interval, kind, key): kind `skill` (key: the skill code), `agent` (key: the agent's id), `ivr`
(key: "") or `trade` (key: the phone-trading action). A skill's row also counts its callbacks
(crm_core/callback_figures.py), in the interval each was asked in. Every figure is a sum (or, for the longest wait, a
maximum), so an hour, a day or a month is the sum of its 15-minute rows. A call counts in the interval it
entered in (the usual ACD convention), whatever interval it ends in.

Waits are counted against fixed thresholds (seconds) as Avaya CMS counts "service level increments":
a report's service-level and short-abandon thresholds are chosen among them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, PrimaryKeyConstraint, String, Table

from crm_core.models.base import Base, UtcDateTime

WAIT_THRESHOLDS = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180)
INTERVAL_MINUTES = 15
# A skill's callbacks: asked by the caller keeping their place, at the desk, on the portal; then made (dialled at
# least once), reached, failed after all attempts, cancelled (migration 0020).
CALLBACK_COUNTS = ("callbacks_queue", "callbacks_desk", "callbacks_portal", "callbacks_made", "callbacks_reached",
                   "callbacks_failed", "callbacks_cancelled")

COUNTS = ("entered", "contained", "trades", "offered", "answered", "abandoned", "overflowed", "transferred",
          *(f"answered_within_{t}" for t in WAIT_THRESHOLDS), *(f"abandoned_within_{t}" for t in WAIT_THRESHOLDS),
          "answer_wait_ms", "talk_ms", "hold_ms", *CALLBACK_COUNTS)
MAXIMA = ("max_wait_ms",)
FIGURES = COUNTS + MAXIMA

report_intervals = Table(
    "report_intervals", Base.metadata,
    Column("interval_start", UtcDateTime, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("key", String(60), nullable=False),
    *(Column(name, BigInteger, nullable=False, default=0, server_default="0") for name in FIGURES),
    PrimaryKeyConstraint("kind", "interval_start", "key", name="pk_report_intervals"),
)
