"""`hotline crm ...`: import, recompute, profile, explain, search, synth, assign, route (crm_core's command
line)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.agents import get_by_job_number
from crm_core.attributes.values import profile_at
from crm_core.call_routing import route_for
from crm_core.db import Database
from crm_core.explain import explain_product, explain_staff
from crm_core.importer import import_investors
from crm_core.investors import find_by_account
from crm_core.migrate import upgrade
from crm_core.models import Agent, Investor, InvestorAssignment, SegmentMembership
from crm_core.rematch import full_recompute, rematch_investors
from crm_core.search import SearchError, field_search, keyword_search, reindex
from crm_core.seed import seed_reference_data
from crm_core.staff import StaffError
from crm_core.summary import risk_classes
from crm_core.synth import SynthOptions, synthesize
from crm_core.workflows import CapacityError, assign_investors
from hotline.cli_session import in_session


class HasDatabaseUrl(Protocol):
    @property
    def database_url(self) -> str: ...


def add_crm_commands(crm: argparse.ArgumentParser) -> None:
    """`crm`'s subcommands and their arguments, into its parser."""
    commands = crm.add_subparsers(dest="crm_command", required=True)

    importing = commands.add_parser("import", help="load investors from a CSV file")
    importing.add_argument("path", type=Path)
    importing.set_defaults(handler=cmd_import)

    recompute = commands.add_parser("recompute", help="recompute every attribute, path and match")
    recompute.add_argument("--chunk-size", type=int, default=50_000)
    recompute.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    recompute.set_defaults(handler=cmd_recompute)

    profile = commands.add_parser("profile", help="an investor's attributes, now or at a past time")
    profile.add_argument("investor", help="investor id or account number")
    profile.add_argument("--at", type=_utc, default=None, help="ISO time (UTC), e.g. 2026-01-31T12:00")
    profile.set_defaults(handler=cmd_profile)

    explain = commands.add_parser("explain", help="which rules fired for an investor and a product or staff")
    explain.add_argument("investor", help="investor id or account number")
    target = explain.add_mutually_exclusive_group(required=True)
    target.add_argument("--product")
    target.add_argument("--staff", help="staff job number")
    explain.set_defaults(handler=cmd_explain)

    search = commands.add_parser("search", help="find investors by keywords or by field=value")
    search.add_argument("keywords", nargs="*")
    search.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                        help="account, name, phone, city, email, segment, language, risk_class (as suitability "
                        "sees it) or an attribute")
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(handler=cmd_search)

    synth = commands.add_parser("synth", help="generate synthetic investors, trades and valuations")
    synth.add_argument("--investors", type=int, required=True)
    synth.add_argument("--seed", type=int, default=7)
    synth.add_argument("--valuation-days", type=int, default=20)
    synth.add_argument("--trades-per-investor", type=float, default=5.0)
    synth.add_argument("--recompute", action="store_true", help="recompute everything afterwards")
    synth.set_defaults(handler=cmd_synth)

    assign = commands.add_parser("assign", help="the distribution administrator assigns an investor to a staff member")
    assign.add_argument("investor", help="investor id or account number")
    assign.add_argument("job", help="the staff member's job number")
    assign.add_argument("--role", default="service_commissioner", help="the role they serve the investor in")
    assign.add_argument("--by", default="administrator", help="who assigns (recorded with the change)")
    assign.set_defaults(handler=in_session(cmd_assign, (LookupError, StaffError, CapacityError)))

    route = commands.add_parser("route", help="how the ACD routes this investor's next call, and why")
    route.add_argument("investor", help="investor id or account number")
    route.add_argument("--category", default="trading", help="the menu category (the skill)")
    route.set_defaults(handler=in_session(cmd_route, (LookupError, ValueError, TypeError)))


def _utc(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _open(settings: HasDatabaseUrl) -> Database:
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    with db.session() as session:
        seed_reference_data(session)
    return db


def _investor_id(db: Database, ref: str) -> int | None:
    with db.session() as session:
        try:
            return _investor(session, ref).id
        except LookupError:
            return None


def cmd_import(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    if not args.path.exists():
        print(f"no such file: {args.path}", file=sys.stderr)
        return 2
    db = _open(settings)
    with db.session() as session:
        report = import_investors(session, args.path)
        if report.investor_ids:
            rematch_investors(session, report.investor_ids, f"import {args.path.name}")
            reindex(session, report.investor_ids)
    for line, reason in report.errors:
        print(f"{args.path}:{line}: {reason}", file=sys.stderr)
    print(f"loaded {report.loaded}, updated {report.updated}, rejected {len(report.errors)} row(s)")
    db.dispose()
    return 1 if report.errors else 0


def cmd_recompute(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    db = _open(settings)
    report = full_recompute(db, chunk_size=args.chunk_size, as_of=args.as_of)
    with db.session() as session:
        reindex(session)
    print(f"{report.investors} investors in {report.seconds:.1f}s: {report.attribute_changes} attribute values, "
          f"{report.segment_moves} paths, {report.match_changes} match changes, "
          f"{report.assignment_changes} assignments changed")
    db.dispose()
    return 0


def cmd_profile(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    db = _open(settings)
    investor_id = _investor_id(db, args.investor)
    if investor_id is None:
        print(f"no investor {args.investor!r}", file=sys.stderr)
        return 2
    with db.session() as session:
        investor = session.get(Investor, investor_id)
        assert investor is not None
        path = session.scalars(select(SegmentMembership.path).where(
            SegmentMembership.investor_id == investor_id, SegmentMembership.valid_to.is_(None))).first()
        print(f"{investor.account_number} {investor.name} (id {investor_id}) segment: {path or '-'}")
        when = args.at.isoformat() if args.at else "now"
        print(f"attributes ({when}):")
        for line in profile_at(session, investor_id, args.at):
            unit = f" {line.unit}" if line.unit else ""
            print(f"  {line.key:<18} {line.value}{unit}  (since {line.since:%Y-%m-%d %H:%M})")
    db.dispose()
    return 0


def cmd_explain(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    db = _open(settings)
    investor_id = _investor_id(db, args.investor)
    if investor_id is None:
        print(f"no investor {args.investor!r}", file=sys.stderr)
        return 2
    try:
        with db.session() as session:
            lines = (explain_product(session, investor_id, args.product) if args.product
                     else explain_staff(session, investor_id, args.staff))
    except LookupError as exc:
        print(str(exc).strip("'\""), file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def cmd_search(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    db = _open(settings)
    found: list[int] | None = None
    try:
        with db.session() as session:
            if args.keywords:
                found = keyword_search(session, " ".join(args.keywords), args.limit)
            for item in args.field:
                name, _, value = item.partition("=")
                if not value:
                    raise SearchError(f"--field needs NAME=VALUE, not {item!r}")
                hits = field_search(session, name.strip(), value.strip(), limit=args.limit * 50)
                found = hits if found is None else [i for i in found if i in set(hits)]
            if found is None:
                raise SearchError("give keywords or --field NAME=VALUE")
            shown = found[: args.limit]
            risks = risk_classes(session, shown)
            for investor in session.scalars(select(Investor).where(Investor.id.in_(shown)).order_by(Investor.id)):
                print(f"{investor.id}\t{investor.account_number}\t{investor.name}\t{risks[investor.id].label}")
    except SearchError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{min(len(found), args.limit)} investor(s)", file=sys.stderr)
    return 0


def cmd_synth(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    db = _open(settings)
    started = time.perf_counter()
    options = SynthOptions(investors=args.investors, seed=args.seed, valuation_days=args.valuation_days,
                           trades_per_investor=args.trades_per_investor, as_of=date.today())
    first = synthesize(db, options)
    print(f"added {args.investors} investors from id {first} in {time.perf_counter() - started:.1f}s")
    if args.recompute:
        return cmd_recompute(argparse.Namespace(chunk_size=50_000, as_of=None), settings)
    return 0


def _investor(session: Session, ref: str) -> Investor:
    investor = session.get(Investor, int(ref)) if ref.isdigit() else None
    investor = investor or find_by_account(session, ref)
    if investor is None:
        raise LookupError(f"no investor {ref!r}")
    return investor


def cmd_assign(args: argparse.Namespace, settings: object, session: Session) -> int:
    """Pin the investor to the staff member in the role (capacity checked); the next call routes to them."""
    investor = _investor(session, args.investor)
    agent = get_by_job_number(session, args.job)
    before = session.get(InvestorAssignment, (investor.id, args.role))
    old = session.get(Agent, before.agent_id).job_number if before is not None else "nobody"  # type: ignore[union-attr]
    assign_investors(session, [investor.id], agent.id, by=args.by, role_code=args.role)
    print(f"{investor.account_number} {investor.name}: {args.role} {old} -> {agent.job_number}")
    return 0


def cmd_route(args: argparse.Namespace, settings: object, session: Session) -> int:
    route = route_for(session, _investor(session, args.investor).id, args.category)
    for key, value in route.detail().items():
        print(f"{key}: {value}")
    return 0
