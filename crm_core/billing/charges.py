"""CDRs rated: when a CDR is written (under the tariff in effect when the call started), and again when
the tariff changes (under the new version, keeping the earlier ratings as history)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from crm_core.billing.rating import E4, Rated, rate_call
from crm_core.billing.tariffs import lines_of, version_at
from crm_core.models import Call, CallDetailRecord, CdrRating, TariffVersion
from crm_core.models.call import CallDirection


def rate_cdr(session: Session, cdr: CallDetailRecord, call: Call) -> CdrRating | None:
    """The CDR's rating under the tariff in effect when its call started (None: there is no tariff yet)."""
    version = version_at(session, cdr.started_at)
    if version is None:
        return None
    return _save(session, cdr, version, rate_with(version, cdr, call.direction))


def rate_with(version: TariffVersion, cdr: CallDetailRecord, direction: str) -> Rated:
    outbound = direction == CallDirection.OUTBOUND.value
    return rate_call(lines_of(version), direction=direction, number=cdr.destination if outbound else cdr.source,
                     answered_at=cdr.answered_at, billable_seconds=cdr.billable_seconds,
                     time_zone=version.time_zone)


def rerate(session: Session, version: TariffVersion) -> int:
    """Rate under `version` every CDR of a call that started since it took effect and that it has not rated
    yet; returns how many. Earlier ratings stay: a CDR's charge is its rating of the newest version."""
    done = select(CdrRating.cdr_id).where(CdrRating.tariff_version_id == version.id)
    rows = session.execute(
        select(CallDetailRecord, Call.direction).join(Call, Call.id == CallDetailRecord.call_id)
        .where(CallDetailRecord.started_at >= version.effective_from, CallDetailRecord.id.not_in(done))
        .order_by(CallDetailRecord.id)
    ).all()
    for cdr, direction in rows:
        _save(session, cdr, version, rate_with(version, cdr, direction))
    session.flush()
    return len(rows)


def _save(session: Session, cdr: CallDetailRecord, version: TariffVersion, rated: Rated) -> CdrRating:
    line = rated.line
    rating = CdrRating(cdr_id=cdr.id, tariff_version_id=version.id, tariff_rate_id=line.id if line else None,
                       number=rated.number, direction=rated.direction, prefix=line.prefix if line else None,
                       band=line.band if line else None,
                       rate_e4=int(line.rate_per_minute / E4) if line else 0,
                       increment_seconds=line.increment_seconds if line else 0,
                       minimum_seconds=line.minimum_seconds if line else 0,
                       billable_seconds=rated.billable_seconds, billed_seconds=rated.billed_seconds,
                       cost_fen=int(rated.cost * 100))
    session.add(rating)
    return rating


Charged = tuple[CallDetailRecord, Call, CdrRating | None]
Selected = TypeVar("Selected", bound=Select[*tuple[Any, ...]])


def charged(session: Session, *conditions: ColumnElement[bool]) -> list[Charged]:
    """CDRs (with their call) meeting `conditions`, each with its charge: its rating under the newest tariff
    version that rated it (None: never rated), in the order the calls started."""
    query = _with_charge(select(CallDetailRecord, Call, CdrRating), conditions)
    return [(cdr, call, rating) for cdr, call, rating in
            session.execute(query.order_by(CallDetailRecord.started_at, CallDetailRecord.id))]


def charged_fen(session: Session, *conditions: ColumnElement[bool]) -> int:
    """What the CDRs meeting `conditions` are charged in all, in fen (one SUM in the database)."""
    query = _with_charge(select(func.coalesce(func.sum(CdrRating.cost_fen), 0)), conditions)
    return int(session.scalar(query) or 0)


def _with_charge(query: Selected, conditions: tuple[ColumnElement[bool], ...]) -> Selected:
    newest = (select(CdrRating.cdr_id, func.max(CdrRating.tariff_version_id).label("version_id"))
              .group_by(CdrRating.cdr_id).subquery())
    return (query.select_from(CallDetailRecord)
            .join(Call, Call.id == CallDetailRecord.call_id)
            .outerjoin(newest, newest.c.cdr_id == CallDetailRecord.id)
            .outerjoin(CdrRating, (CdrRating.cdr_id == CallDetailRecord.id)
                       & (CdrRating.tariff_version_id == newest.c.version_id))
            .where(*conditions))
