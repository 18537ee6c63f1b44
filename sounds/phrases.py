"""Trading phrases as sequences of prompt keys: money, prices, share counts, dates, securities, and the
read-backs built from them, in each language's own word order. Pure functions, no I/O.

    yuan_keys(1234567, "zh")  -> 一万两千三百四十五 点 六七 元
    yuan_keys(1234567, "en")  -> twelve thousand three hundred and forty-five point six seven yuan
    date_keys(date(2026, 11, 25), "zh") -> 十一月 二十五日;  "en" -> November twenty-fifth

Security names are prompts of their own (``sec/<code>``), synthesised from the securities list by the
setup (``security_prompt_texts``); a code without one is read digit by digit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sounds.say import digits_prompts, number_prompts

BUY, SELL = "buy", "sell"

_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
_EN_ORDINAL_UNITS = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                     "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                     "seventeenth", "eighteenth", "nineteenth")
_ZH_NUMBER = "零一二三四五六七八九"


def phrase_prompt_texts(language: str) -> dict[str, str]:
    """Text of every generated ``date/*`` prompt (months, days of the month) of ``language``."""
    if language == "en":
        texts = {f"date/month_{m}": name for m, name in enumerate(_EN_MONTHS, start=1)}
        texts.update({f"date/day_{d}": _en_ordinal(d) for d in range(1, 32)})
        return texts
    if language == "zh":
        texts = {f"date/month_{m}": f"{_zh_small(m)}月" for m in range(1, 13)}
        texts.update({f"date/day_{d}": f"{_zh_small(d)}日" for d in range(1, 32)})
        return texts
    raise ValueError(f"unsupported language {language!r}")


def security_prompt_texts(names: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, str]]:
    """``{language: {"sec/<code>": name}}`` from (code, Chinese name, English name) rows."""
    zh: dict[str, str] = {}
    en: dict[str, str] = {}
    for code, name_zh, name_en in names:
        zh[security_key(code)] = name_zh
        en[security_key(code)] = name_en
    return {"zh": zh, "en": en}


def security_key(code: str) -> str:
    if not code.isdigit():
        raise ValueError(f"a security code is digits, got {code!r}")
    return f"sec/{code}"


def _en_ordinal(day: int) -> str:
    if day < 20:
        return _EN_ORDINAL_UNITS[day]
    tens, units = divmod(day, 10)
    word = {2: "twenty", 3: "thirty"}[tens]
    if not units:
        return word[:-1] + "ieth"
    return f"{word}-{_EN_ORDINAL_UNITS[units]}"


def _zh_small(n: int) -> str:
    tens, units = divmod(n, 10)
    text = ("" if tens == 0 else "十" if tens == 1 else _ZH_NUMBER[tens] + "十")
    return text + (_ZH_NUMBER[units] if units else "")


# --- amounts ------------------------------------------------------------------------------------

def yuan_keys(cents: int, language: str) -> list[str]:
    """An amount of money in yuan with its two decimals (12.30 -> 十二点三零元), then the currency word."""
    if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
        raise ValueError(f"an amount is a non-negative number of cents, got {cents!r}")
    whole, fraction = divmod(cents, 100)
    keys = number_prompts(whole, language)
    if fraction:
        keys += ["num/point", *digits_prompts(f"{fraction:02d}", language)]
    return keys + ["word/yuan"]


def shares_keys(quantity: int, language: str) -> list[str]:
    """A number of shares: 一千股 / one thousand shares (one share)."""
    if language == "en" and quantity == 1:
        return ["num/1", "word/share"]
    return number_prompts(quantity, language, measure=True) + ["word/shares"]


def date_keys(day: date, language: str) -> list[str]:
    """十一月二十五日 / November twenty-fifth."""
    return [f"date/month_{day.month}", f"date/day_{day.day}"]


def security_keys(code: str, language: str, *, named: bool) -> list[str]:
    """The security's name when it has a prompt, else "code" and its digits."""
    if named:
        return [security_key(code)]
    return ["word/code", *digits_prompts(code, language)]


# --- sentences ----------------------------------------------------------------------------------

def order_readback(side: str, code: str, price_cents: int, quantity: int, language: str, *, named: bool,
                   amount_cents: int) -> list[str]:
    """What the caller hears before confirming an order.

    en: "You are about to buy | one thousand shares | of | <name> | code 6 0 0 0 3 6 | at | 12.34 yuan |
         for an amount of | 12,340 yuan."
    zh: "您将买入 | <name> | 代码 六零零零三六 | 价格 | 十二点三四元 | 数量 | 一千股 | 金额 | 一万二千三百四十元"
    """
    side_key = _side_key(side, "readback")
    name = security_keys(code, language, named=named)
    code_digits = ["word/code", *digits_prompts(code, language)] if named else []
    if language == "en":
        return [side_key, *shares_keys(quantity, language), "word/of", *name, *code_digits, "word/at",
                *yuan_keys(price_cents, language), "word/amount", *yuan_keys(amount_cents, language)]
    return [side_key, *name, *code_digits, "word/price", *yuan_keys(price_cents, language), "word/quantity",
            *shares_keys(quantity, language), "word/amount", *yuan_keys(amount_cents, language)]


def order_line(side: str, code: str, price_cents: int, quantity: int, language: str, *, named: bool) -> list[str]:
    """One order or fill in a list: "buy, <name>, one thousand shares at 12.34 yuan"."""
    name = security_keys(code, language, named=named)
    if language == "en":
        return [_side_key(side, "word"), *name, *shares_keys(quantity, language), "word/at",
                *yuan_keys(price_cents, language)]
    return [_side_key(side, "word"), *name, *shares_keys(quantity, language), "word/price",
            *yuan_keys(price_cents, language)]


def position_line(code: str, quantity: int, sellable: int, last_cents: int, language: str, *,
                  named: bool) -> list[str]:
    """"<name>: one thousand shares, of which one thousand can be sold; latest price 12.34 yuan"."""
    return [*security_keys(code, language, named=named), *shares_keys(quantity, language), "word/sellable",
            *shares_keys(sellable, language), "word/latest_price", *yuan_keys(last_cents, language)]


def transfer_readback(direction_key: str, amount_cents: int, language: str) -> list[str]:
    """"Transfer from your bank to your brokerage account: 5,000 yuan"."""
    return [direction_key, *yuan_keys(amount_cents, language)]


def _side_key(side: str, kind: str) -> str:
    if side not in (BUY, SELL):
        raise ValueError(f"an order side is buy or sell, got {side!r}")
    return f"{kind}/{side}" if kind == "word" else f"trade_readback_{side}"


def spoken(keys: list[str], texts: Mapping[str, str], language: str) -> str:
    """Readable rendering of a key sequence with the given texts (logs, tests)."""
    return (" " if language == "en" else "").join(texts[key] for key in keys)
