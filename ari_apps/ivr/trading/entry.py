"""What the caller keys in, read as codes, prices, share counts and amounts (`*` is the decimal point).

Each parser returns the value or raises InputProblem naming the prompt that explains the mistake; the
domain (crm_core.trading) still checks every rule afterwards.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ari_apps.ivr.ask import InputProblem

_DECIMAL = re.compile(r"^(\d{1,9})(?:\*(\d{1,2}))?$")
MAX_QUANTITY = 999_999_900


def parse_code(keys: str) -> str:
    if len(keys) != 6 or not keys.isdigit():
        raise InputProblem("bad_code_format")
    return keys


def parse_price(keys: str) -> Decimal:
    """"12*34" -> 12.34; "12*3" -> 12.30; "12" -> 12."""
    return Decimal(_cents(keys, "bad_price_format")) / 100


def parse_amount(keys: str) -> int:
    """An amount in yuan keyed like a price, as cents."""
    return _cents(keys, "bad_amount_format")


def parse_quantity(keys: str) -> int:
    if not keys.isdigit() or not 0 < int(keys) <= MAX_QUANTITY:
        raise InputProblem("bad_quantity_format")
    return int(keys)


def _cents(keys: str, problem: str) -> int:
    match = _DECIMAL.match(keys)
    if match is None:
        raise InputProblem(problem)
    whole, fraction = match.groups()
    cents = int(whole) * 100 + int((fraction or "0").ljust(2, "0"))
    if cents <= 0:
        raise InputProblem(problem)
    return cents
