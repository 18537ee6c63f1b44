"""Calls that arrived while the service was down, from Asterisk's own record of them.

When the service cannot take a call, the dialplan (`unavailable`) apologises and hangs up; before the
apology it raises a CEL user event that Asterisk's cel_custom writes, one CSV line per call, with the fixed
columns of `COLUMNS` (config/cel_custom.conf.j2). The service reads that file when it starts and then
periodically, and adds each call it has not seen as `lost_in_outage`: offered to the `outage` queue and not
answered, so that the queue reports count it and the service level falls instead of the call vanishing.
Importing is idempotent: the call's id comes from Asterisk's uniqueid, and a channel the service already
recorded (it died between the lookup and the IVR) is left to that record."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm_core import calls
from crm_core.models import Call, CallStatus

logger = logging.getLogger(__name__)

EVENT = "HOTLINE_OUTAGE"  # the dialplan's CELGenUserEvent name
OUTAGE_SKILL = "outage"  # the queue these calls are counted in
KNOWN_BATCH = 500  # uniqueids looked up per query
COLUMNS = ("eventtype", "userdeftype", "eventtime", "uniqueid", "linkedid", "caller", "dialed")


@dataclass(frozen=True)
class OutageRecord:
    uniqueid: str
    linkedid: str
    at: datetime
    caller: str
    dialed: str


@dataclass(frozen=True)
class Parsed:
    records: list[OutageRecord]
    problems: list[str]  # "line N: why", for lines that mean nothing (left in the file, skipped here)


def parse(text: str) -> Parsed:
    """The outage records of the CSV text; other CEL events are skipped, bad lines named."""
    records: list[OutageRecord] = []
    problems: list[str] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row:
            continue
        if len(row) != len(COLUMNS):
            problems.append(f"line {number}: {len(row)} columns, not {len(COLUMNS)}")
            continue
        fields = dict(zip(COLUMNS, (value.strip() for value in row), strict=True))
        # Asterisk 23's cel_custom (res_cdrel_custom) writes the user event's name as its type; older ones
        # write USER_DEFINED.
        if fields["eventtype"] not in ("USER_DEFINED", EVENT) or fields["userdeftype"].upper() != EVENT:
            continue
        try:
            at = datetime.fromtimestamp(float(fields["eventtime"]), UTC)
        except (ValueError, OverflowError):
            problems.append(f"line {number}: event time {fields['eventtime']!r} is not seconds since 1970")
            continue
        if not fields["uniqueid"]:
            problems.append(f"line {number}: no uniqueid")
            continue
        records.append(OutageRecord(fields["uniqueid"], fields["linkedid"], at, fields["caller"][:40],
                                    fields["dialed"][:40]))
    return Parsed(records, problems)


def import_file(session: Session, path: Path) -> int:
    """Import the records of Asterisk's file (none yet: nothing to do); returns the calls added."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return 0
    parsed = parse(text)
    for problem in parsed.problems:
        logger.warning("outage records %s, %s: skipped", path, problem)
    added = import_records(session, parsed.records)
    if added:
        logger.warning("%d call(s) that arrived while the service was down recorded as %s", added,
                       CallStatus.LOST_IN_OUTAGE.value)
    return added


def call_id_of(uniqueid: str) -> str:
    """The call's id, the same every time the record is read (ids are 32 characters)."""
    return "outage-" + hashlib.sha256(uniqueid.encode()).hexdigest()[:25]


def import_records(session: Session, records: list[OutageRecord]) -> int:
    """Add the calls not yet recorded; returns how many were added."""
    added = 0
    known = _known(session, records)
    for record in records:
        if record.uniqueid in known:
            continue
        known.add(record.uniqueid)  # a line written twice
        try:
            with session.begin_nested():
                _add(session, record)
        except IntegrityError:  # another service imported it at the same moment
            continue
        added += 1
    return added


def _known(session: Session, records: list[OutageRecord]) -> set[str]:
    """The uniqueids of the records already in the database (imported, or recorded by the service itself)."""
    known: set[str] = set()
    for n in range(0, len(records), KNOWN_BATCH):
        by_id = {call_id_of(r.uniqueid): r.uniqueid for r in records[n:n + KNOWN_BATCH]}
        for call_id, channel_id in session.execute(select(Call.id, Call.channel_id).where(
                Call.id.in_(by_id) | Call.channel_id.in_(list(by_id.values())))):
            known.add(by_id.get(call_id, channel_id))
    return known


def _add(session: Session, record: OutageRecord) -> None:
    call = Call(id=call_id_of(record.uniqueid), channel_id=record.uniqueid, caller_number=record.caller,
                dialed_number=record.dialed, category=OUTAGE_SKILL, status=CallStatus.IVR.value,
                entered_at=record.at, queued_at=record.at)
    session.add(call)
    session.flush()
    calls.record_event(session, call.id, "entered", caller=record.caller, dialed=record.dialed,
                       linkedid=record.linkedid, source="asterisk")
    calls.finish(session, call.id, status=CallStatus.LOST_IN_OUTAGE, hangup_by="system", at=record.at)
    for event in calls.events_of(session, call.id):
        event.at = record.at  # when it happened, not when the service learnt of it
