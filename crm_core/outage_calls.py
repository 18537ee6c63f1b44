"""Calls that arrived while the service was down, from Asterisk's own record of them.

When the service cannot take a call, the dialplan (`unavailable`) apologises and hangs up; before the
apology it raises a CEL user event that Asterisk's cel_custom writes, one CSV line per call, with the fixed
columns of `COLUMNS` (config/cel_custom.conf.j2). The service reads that file when it starts and then
periodically, and adds each call it has not seen as `lost_in_outage`: offered to the `outage` queue and not
answered, so that the queue reports count it and the service level falls instead of the call vanishing.
Importing is idempotent: the call's id comes from Asterisk's uniqueid; a channel the service had already
opened (it died between the caller's lookup and the IVR) is closed as lost instead of added again."""

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
from crm_core.models.call import FINAL_STATUSES

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
    """Add the calls not yet recorded, and close as lost the ones the service opened but never served;
    returns how many calls were added or closed."""
    done = 0
    recorded = _recorded(session, records)
    for record in records:
        if record.uniqueid in recorded:
            call_id, final = recorded[record.uniqueid]
            if not final:
                _close(session, call_id, record)
                recorded[record.uniqueid] = (call_id, True)
                done += 1
            continue
        recorded[record.uniqueid] = (call_id_of(record.uniqueid), True)  # a line written twice
        try:
            with session.begin_nested():
                _add(session, record)
        except IntegrityError:  # another service imported it at the same moment
            continue
        done += 1
    return done


def _recorded(session: Session, records: list[OutageRecord]) -> dict[str, tuple[str, bool]]:
    """uniqueid → (call id, ended) for the records already in the database: imported, or opened by the service
    itself (it died between the caller's lookup and the IVR, so the call was never closed)."""
    recorded: dict[str, tuple[str, bool]] = {}
    for n in range(0, len(records), KNOWN_BATCH):
        by_id = {call_id_of(r.uniqueid): r.uniqueid for r in records[n:n + KNOWN_BATCH]}
        for call_id, channel_id, status in session.execute(select(Call.id, Call.channel_id, Call.status).where(
                Call.id.in_(by_id) | Call.channel_id.in_(list(by_id.values())))):
            recorded[by_id.get(call_id, channel_id)] = (call_id, status in FINAL_STATUSES)
    return recorded


def _close(session: Session, call_id: str, record: OutageRecord) -> None:
    call = calls.get_call(session, call_id)
    call.category = call.category or OUTAGE_SKILL
    call.queued_at = call.queued_at or record.at
    calls.finish(session, call_id, status=CallStatus.LOST_IN_OUTAGE, hangup_by="system", at=record.at)


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
