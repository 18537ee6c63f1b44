"""What a caller keys in for codes, prices, quantities and amounts; every mistake names its prompt."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ari_apps.ivr.ask import InputProblem
from ari_apps.ivr.trading.entry import parse_amount, parse_code, parse_price, parse_quantity


@pytest.mark.parametrize(("keys", "price"), [("12*34", "12.34"), ("12*3", "12.30"), ("12", "12"), ("0*5", "0.50")])
def test_star_is_the_decimal_point(keys: str, price: str) -> None:
    assert parse_price(keys) == Decimal(price)


@pytest.mark.parametrize("keys", ["*5", "12*", "12*345", "1**2", "0", "0*00", "12#", "1234567890"])
def test_malformed_prices_are_refused_with_the_price_prompt(keys: str) -> None:
    with pytest.raises(InputProblem) as refused:
        parse_price(keys)
    assert refused.value.prompt == "bad_price_format"


def test_amounts_are_cents() -> None:
    assert parse_amount("100*5") == 10_050 and parse_amount("500") == 50_000
    with pytest.raises(InputProblem, match="bad_amount_format"):
        parse_amount("0")


def test_codes_and_quantities() -> None:
    assert parse_code("600036") == "600036"
    for bad in ("60003", "6000361", "60003*"):
        with pytest.raises(InputProblem, match="bad_code_format"):
            parse_code(bad)
    assert parse_quantity("100") == 100
    for bad in ("0", "1*5", "9999999999"):
        with pytest.raises(InputProblem, match="bad_quantity_format"):
            parse_quantity(bad)
