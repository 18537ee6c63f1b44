"""CSV import of investors: every bad row is reported by line with its reason; good rows still load.

Columns (header names; only account_number and name are required):
account_number, name, phone, language, risk_class, investor_class, vip, birth_date, investing_since,
annual_income, financial_assets, city, email, address, preferred_channel, notes, time_zone
Money is in yuan ("1234.56"), dates are ISO (2026-01-31), a time zone is an IANA name (Europe/London; empty:
the brokerage's own). An existing account number is updated.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import Investor, InvestorDetail, InvestorPhone
from crm_core.phones import normalize_number
from crm_core.time_zones import zone_named

REQUIRED = ("account_number", "name")
KNOWN = {*REQUIRED, "phone", "language", "risk_class", "investor_class", "vip", "birth_date", "investing_since",
         "annual_income", "financial_assets", "city", "email", "address", "preferred_channel", "notes", "time_zone"}
LANGUAGES = {"zh", "en"}
CHANNELS = {"", "phone", "sms", "email", "wechat", "app", "mail"}


class RowError(ValueError):
    """Why one row cannot be loaded."""


@dataclass
class ImportReport:
    loaded: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number in the file, reason)
    investor_ids: list[int] = field(default_factory=list)


@dataclass
class Row:
    line: int
    investor: dict[str, Any]
    detail: dict[str, Any]
    phone: str | None


def _money(text: str, name: str) -> int | None:
    if not text:
        return None
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise RowError(f"{name}: {text!r} is not an amount") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise RowError(f"{name}: {text!r} must be positive with at most 2 decimals")
    return int(amount * 100)


def _date(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise RowError(f"{name}: {text!r} is not a date (YYYY-MM-DD)") from None
    if value > date.today():
        raise RowError(f"{name}: {text} is in the future")
    return value


def parse_row(line: int, raw: dict[str, str]) -> Row:
    values = {key: (raw.get(key) or "").strip() for key in KNOWN}
    for key in REQUIRED:
        if not values[key]:
            raise RowError(f"{key} is empty")
    if not values["account_number"].isdigit():
        raise RowError(f"account_number {values['account_number']!r} must be digits only")
    language = values["language"] or "zh"
    if language not in LANGUAGES:
        raise RowError(f"language {language!r} is not one of {sorted(LANGUAGES)}")
    risk = values["risk_class"].upper() or "C1"
    if risk not in {f"C{n}" for n in range(1, 6)}:
        raise RowError(f"risk_class {values['risk_class']!r} is not C1..C5")
    klass = values["investor_class"] or "ordinary"
    if klass not in ("ordinary", "professional"):
        raise RowError(f"investor_class {klass!r} is not ordinary or professional")
    if values["vip"].lower() not in ("", "0", "1", "true", "false", "yes", "no"):
        raise RowError(f"vip {values['vip']!r} is not a yes/no value")
    if values["preferred_channel"] not in CHANNELS:
        raise RowError(f"preferred_channel {values['preferred_channel']!r} is not one of {sorted(CHANNELS - {''})}")
    if values["time_zone"] and zone_named(values["time_zone"]) is None:
        raise RowError(f"time_zone {values['time_zone']!r} is not a known IANA time zone (e.g. Asia/Shanghai)")
    phone = normalize_number(values["phone"]) if values["phone"] else None
    if values["phone"] and (not phone or len(phone) < 7):
        raise RowError(f"phone {values['phone']!r} is not a telephone number")
    return Row(line, {
        "account_number": values["account_number"], "name": values["name"], "language": language,
        "risk_class": risk, "investor_class": klass, "vip": values["vip"].lower() in ("1", "true", "yes"),
    }, {
        "birth_date": _date(values["birth_date"], "birth_date"),
        "investing_since": _date(values["investing_since"], "investing_since"),
        "annual_income_cents": _money(values["annual_income"], "annual_income"),
        "financial_assets_cents": _money(values["financial_assets"], "financial_assets"),
        "city": values["city"], "email": values["email"], "address": values["address"],
        "preferred_channel": values["preferred_channel"], "notes": values["notes"], "time_zone": values["time_zone"],
    }, phone)


def read_rows(path: Path, report: ImportReport) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            report.errors.append((1, f"header lacks column(s) {', '.join(missing)}"))
            return
        unknown = sorted(set(reader.fieldnames or []) - KNOWN)
        if unknown:
            report.errors.append((1, f"unknown column(s) ignored: {', '.join(unknown)}"))
        seen: dict[str, int] = {}
        for raw in reader:
            line = reader.line_num
            try:
                if None in raw:
                    raise RowError("more fields than the header has")
                row = parse_row(line, raw)
                if row.investor["account_number"] in seen:
                    raise RowError(f"account_number repeats line {seen[row.investor['account_number']]}")
                seen[row.investor["account_number"]] = line
                yield row
            except RowError as exc:
                report.errors.append((line, str(exc)))


def import_investors(session: Session, path: Path) -> ImportReport:
    """Load the good rows (insert or update by account number) in the caller's transaction."""
    report = ImportReport()
    for row in read_rows(path, report):
        investor = session.scalars(
            select(Investor).where(Investor.account_number == row.investor["account_number"])
        ).one_or_none()
        if investor is None:
            investor = Investor(**row.investor)
            session.add(investor)
            session.flush()
            report.loaded += 1
        else:
            for key, value in row.investor.items():
                setattr(investor, key, value)
            report.updated += 1
        detail = session.get(InvestorDetail, investor.id) or InvestorDetail(investor_id=investor.id)
        for key, value in row.detail.items():
            setattr(detail, key, value)
        session.add(detail)
        if row.phone and not session.scalars(select(InvestorPhone.id).where(
                InvestorPhone.investor_id == investor.id, InvestorPhone.number == row.phone)).first():
            session.add(InvestorPhone(investor_id=investor.id, number=row.phone, kind="mobile"))
        report.investor_ids.append(investor.id)
    session.flush()
    return report
