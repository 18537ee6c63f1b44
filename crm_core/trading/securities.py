"""The securities the built-in broker trades: shipped as crm_core/data/securities.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import Product

DATA = Path(__file__).resolve().parent.parent / "data" / "securities.csv"
LIMIT_PERCENT = {"main": 10, "chinext": 20, "star": 20}


@dataclass(frozen=True)
class Security:
    code: str
    exchange: str  # SH | SZ
    name_zh: str
    name_en: str
    board: str  # main | chinext | star
    previous_close_cents: int
    risk_level: str  # R1..R5, the product risk level suitability checks

    @property
    def limit_percent(self) -> int:
        return LIMIT_PERCENT[self.board]

    @property
    def limit_up_cents(self) -> int:
        return _percent_of(self.previous_close_cents, 100 + self.limit_percent)

    @property
    def limit_down_cents(self) -> int:
        return _percent_of(self.previous_close_cents, 100 - self.limit_percent)


def _percent_of(cents: int, percent: int) -> int:
    return int((Decimal(cents) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@lru_cache(maxsize=4)
def load_securities(path: Path = DATA) -> dict[str, Security]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: Security(
            code=row["code"], exchange=row["exchange"], name_zh=row["name_zh"], name_en=row["name_en"],
            board=row["board"], previous_close_cents=int(Decimal(row["previous_close"]) * 100),
            risk_level=row["risk_level"],
        ) for row in csv.DictReader(handle)}


def ensure_products(session: Session, securities: dict[str, Security] | None = None) -> int:
    """Register every security as a product (so suitability can judge it); returns how many were added."""
    securities = securities if securities is not None else load_securities()
    known = set(session.scalars(select(Product.code).where(Product.code.in_(list(securities)))))
    added = [Product(code=s.code, name=f"{s.name_zh} {s.name_en}", kind="security", product_type="stock",
                     risk_level=s.risk_level, horizon="medium", min_investor_class="ordinary",
                     attributes={"board": s.board, "exchange": s.exchange})
             for s in securities.values() if s.code not in known]
    session.add_all(added)
    session.flush()
    return len(added)
