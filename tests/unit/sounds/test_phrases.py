"""Money, prices, share counts, dates and read-backs as prompt keys, in each language's word order."""

from __future__ import annotations

from datetime import date

import pytest

from sounds.catalog import prompt_texts
from sounds.phrases import (
    date_keys,
    order_readback,
    phrase_prompt_texts,
    security_keys,
    security_prompt_texts,
    shares_keys,
    spoken,
    yuan_keys,
)


def say(keys: list[str], language: str) -> str:
    return spoken(keys, {**prompt_texts(language), "sec/600036": "<name>"}, language)


@pytest.mark.parametrize(("cents", "zh", "en"), [
    (1_234_567, "一万两千三百四十五点六七元", "twelve thousand three hundred and forty-five point six seven yuan"),
    (4248, "四十二点四八元", "forty two point four eight yuan"),
    (1230, "十二点三零元", "twelve point three zero yuan"),
    (5000, "五十元", "fifty yuan"),
    (5, "零点零五元", "zero point zero five yuan"),
])
def test_amounts_keep_their_cents(cents: int, zh: str, en: str) -> None:
    assert say(yuan_keys(cents, "zh"), "zh") == zh
    assert say(yuan_keys(cents, "en"), "en").replace("forty-five", "forty five") == en.replace("forty-five",
                                                                                               "forty five")


def test_negative_or_fractional_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        yuan_keys(-1, "zh")
    with pytest.raises(ValueError):
        yuan_keys(12.5, "en")  # type: ignore[arg-type]


def test_share_counts_use_the_measure_form() -> None:
    assert say(shares_keys(2, "zh"), "zh") == "两股"
    assert say(shares_keys(1000, "zh"), "zh") == "一千股"
    assert say(shares_keys(1, "en"), "en") == "one share"
    assert say(shares_keys(300, "en"), "en") == "three hundred shares"


@pytest.mark.parametrize(("day", "zh", "en"), [
    (date(2026, 11, 25), "十一月二十五日", "November twenty-fifth"),
    (date(2027, 1, 1), "一月一日", "January first"),
    (date(2027, 3, 30), "三月三十日", "March thirtieth"),
    (date(2027, 12, 12), "十二月十二日", "December twelfth"),
])
def test_dates(day: date, zh: str, en: str) -> None:
    assert say(date_keys(day, "zh"), "zh") == zh
    assert say(date_keys(day, "en"), "en") == en


def test_every_date_word_has_a_text_in_both_languages() -> None:
    assert set(phrase_prompt_texts("zh")) == set(phrase_prompt_texts("en"))
    assert len(phrase_prompt_texts("en")) == 12 + 31


def test_a_security_without_a_name_prompt_is_read_as_its_code() -> None:
    assert security_keys("600036", "zh", named=True) == ["sec/600036"]
    assert say(security_keys("600036", "zh", named=False), "zh") == "代码六零零零三六"
    texts = security_prompt_texts([("600036", "招商银行", "China Merchants Bank")])
    assert texts == {"zh": {"sec/600036": "招商银行"}, "en": {"sec/600036": "China Merchants Bank"}}


def test_read_back_follows_each_languages_word_order() -> None:
    zh = order_readback("buy", "600036", 4248, 100, "zh", named=True, amount_cents=424_800)
    en = order_readback("sell", "600036", 4248, 100, "en", named=True, amount_cents=424_800)
    assert say(zh, "zh") == "您将买入<name>代码六零零零三六价格四十二点四八元数量一百股金额四千二百四十八元"
    assert say(en, "en") == ("You are about to sell one hundred shares of <name> code six zero zero zero three six "
                             "at forty two point four eight yuan amount four thousand two hundred and forty eight yuan")
    with pytest.raises(ValueError):
        order_readback("short", "600036", 1, 1, "en", named=True, amount_cents=1)
