"""The tariff table: its versions, and changing it (a new version, then the calls it covers re-rated)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm_core.billing.rating import E4, Line, TariffError, format_band
from crm_core.models import TariffRate, TariffVersion

BILLING_TIME_ZONE = "Asia/Shanghai"


def line_of(rate: TariffRate) -> Line:
    return Line(prefix=rate.prefix, rate_per_minute=Decimal(rate.rate_e4) * E4,
                increment_seconds=rate.increment_seconds, minimum_seconds=rate.minimum_seconds,
                direction=rate.direction, band=rate.band, band_from=rate.band_from, band_until=rate.band_until,
                id=rate.id)


def _row_of(line: Line) -> TariffRate:
    return TariffRate(prefix=line.prefix, rate_e4=int(line.rate_per_minute / E4),
                      increment_seconds=line.increment_seconds, minimum_seconds=line.minimum_seconds,
                      direction=line.direction, band=line.band, band_from=line.band_from, band_until=line.band_until)


def latest_version(session: Session) -> TariffVersion | None:
    query = select(TariffVersion).options(selectinload(TariffVersion.rates))
    return session.scalars(query.order_by(TariffVersion.effective_from.desc(), TariffVersion.id.desc())
                           .limit(1)).one_or_none()


def version_at(session: Session, at: datetime) -> TariffVersion | None:
    """The version in effect at `at` (the latest that had begun)."""
    query = select(TariffVersion).options(selectinload(TariffVersion.rates)).where(TariffVersion.effective_from <= at)
    return session.scalars(query.order_by(TariffVersion.effective_from.desc(), TariffVersion.id.desc())
                           .limit(1)).one_or_none()


def lines_of(version: TariffVersion | None) -> list[Line]:
    return [line_of(rate) for rate in version.rates] if version else []


def _slot(line: Line) -> tuple[str, str, int, int]:
    """What a line is the rate of: a direction, a prefix, a band."""
    return line.direction, line.prefix, line.band_from, line.band_until


def set_line(session: Session, line: Line, *, effective_from: datetime, note: str = "") -> TariffVersion:
    """A new version: the latest one's lines with `line` added (or replacing the line of the same direction,
    prefix and band)."""
    kept = [old for old in lines_of(latest_version(session)) if _slot(old) != _slot(line)]
    return _new_version(session, [*kept, line], effective_from, note or f"set {line.direction} {line.prefix}")


def remove_line(session: Session, *, direction: str, prefix: str, band_from: int, band_until: int,
                effective_from: datetime, note: str = "") -> TariffVersion:
    """A new version: the latest one's lines without the one of this direction, prefix and band."""
    lines = lines_of(latest_version(session))
    kept = [old for old in lines if _slot(old) != (direction, prefix, band_from, band_until)]
    if len(kept) == len(lines):
        raise TariffError(f"no {direction} line for prefix {prefix} in {format_band(band_from, band_until)}")
    return _new_version(session, kept, effective_from, note or f"remove {direction} {prefix}")


def _new_version(session: Session, lines: list[Line], effective_from: datetime, note: str) -> TariffVersion:
    if effective_from.tzinfo is None:
        raise TariffError("a tariff's start needs a time zone")
    latest = latest_version(session)
    if latest is not None and effective_from < latest.effective_from:
        begun = f"{latest.effective_from:%Y-%m-%d %H:%M} UTC"
        raise TariffError(f"a new tariff cannot start before the current one ({begun})")
    version = TariffVersion(effective_from=effective_from, time_zone=BILLING_TIME_ZONE, note=note[:200],
                            rates=[_row_of(line) for line in lines])
    session.add(version)
    session.flush()
    return version
