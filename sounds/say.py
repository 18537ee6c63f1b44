"""Numbers as sequences of prompt keys: pure functions, no I/O.

A number is spoken by playing short prompts in order: 235 is ``num/2 num/hundred num/and num/30
num/5`` in English ("two hundred and thirty five") and ``num/2 num/hundred num/3 num/10 num/5`` in
Mandarin (二百三十五). The rules:

- English (British style, as hotlines say it): "two hundred and thirty-five", "one thousand and
  five", "ten thousand and ten", "one hundred thousand".
- Mandarin: 十/百/千/万/亿 with one 零 for each run of skipped places ("一千零五", "一万零一十"),
  十X only at the very start ("十五", "十万", but "一百一十"), 两 for a 2 multiplying 千/万/亿
  ("两千", "两万", "一万两千") and, with ``measure=True``, for a lone 2 before a measure word
  ("两 分钟").
"""

from __future__ import annotations

from collections.abc import Iterable

LANGUAGES: tuple[str, ...] = ("zh", "en")
MAX_NUMBER = 999_999_999
"""Largest number either language can say (one short of a thousand million / 十亿)."""

_EN_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)
_EN_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
            80: "eighty", 90: "ninety"}
_EN_WORDS = {"num/hundred": "hundred", "num/thousand": "thousand", "num/million": "million",
             "num/and": "and", "num/point": "point"}

_ZH_DIGITS = "零一二三四五六七八九"
_ZH_WORDS = {"num/10": "十", "num/hundred": "百", "num/thousand": "千", "num/wan": "万",
             "num/yi": "亿", "num/liang": "两", "num/point": "点"}
_ZH_SMALL_UNITS = ((1000, "num/thousand"), (100, "num/hundred"), (10, "num/10"))
_ZH_BIG_UNITS = ((100_000_000, "num/yi"), (10_000, "num/wan"), (1, None))


def number_prompt_texts(language: str) -> dict[str, str]:
    """Text of every ``num/*`` prompt key of ``language`` (what build.py synthesises)."""
    _check_language(language)
    if language == "en":
        texts = {f"num/{n}": word for n, word in enumerate(_EN_UNITS)}
        texts.update({f"num/{n}": word for n, word in _EN_TENS.items()})
        texts.update(_EN_WORDS)
        return texts
    texts = {f"num/{n}": digit for n, digit in enumerate(_ZH_DIGITS)}
    texts.update(_ZH_WORDS)
    return texts


def number_prompts(n: int, language: str, *, measure: bool = False) -> list[str]:
    """Prompt keys that, played in order, speak the integer ``n`` (0..MAX_NUMBER).

    ``measure=True`` says the number is followed by a measure word (分钟, 位...): in Mandarin a
    lone 2 is then 两 instead of 二. English ignores it.
    """
    _check_language(language)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number_prompts needs an int, got {n!r}")
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"cannot say {n}: outside 0..{MAX_NUMBER}")
    if language == "en":
        return _english(n)
    if measure and n == 2:
        return ["num/liang"]
    return _mandarin(n)


def digits_prompts(text: str, language: str) -> list[str]:
    """Prompt keys reading ``text`` (e.g. an account number) digit by digit."""
    _check_language(language)
    if not all(ch in "0123456789" for ch in text):
        raise ValueError(f"digits_prompts reads only the digits 0-9, got {text!r}")
    return [f"num/{ch}" for ch in text]


def prompt_path(key: str, language: str) -> str:
    """Relative media name ``<language>/<key>`` (no extension) of a prompt."""
    _check_language(language)
    if not key or key.startswith("/") or ".." in key.split("/"):
        raise ValueError(f"bad prompt key {key!r}")
    return f"{language}/{key}"


def spoken(keys: Iterable[str], language: str) -> str:
    """Readable rendering of number keys (for logs and tests): words joined as spoken."""
    texts = number_prompt_texts(language)
    separator = " " if language == "en" else ""
    return separator.join(texts[key] for key in keys)


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")


# --- English ---------------------------------------------------------------------------------

def _english(n: int) -> list[str]:
    if n == 0:
        return ["num/0"]
    keys: list[str] = []
    for scale, scale_key in ((1_000_000, "num/million"), (1_000, "num/thousand")):
        group, n = divmod(n, scale)
        if group:
            keys += _english_below_thousand(group) + [scale_key]
    if n:
        if keys and n < 100:
            keys.append("num/and")  # "one thousand and five"
        keys += _english_below_thousand(n)
    return keys


def _english_below_thousand(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    keys = [f"num/{hundreds}", "num/hundred"] if hundreds else []
    if hundreds and rest:
        keys.append("num/and")
    if rest >= 20:
        tens, units = divmod(rest, 10)
        keys.append(f"num/{tens * 10}")
        if units:
            keys.append(f"num/{units}")
    elif rest:
        keys.append(f"num/{rest}")
    return keys


# --- Mandarin --------------------------------------------------------------------------------

def _mandarin(n: int) -> list[str]:
    if n == 0:
        return ["num/0"]
    keys: list[str] = []
    pending_zero = False
    for scale, scale_key in _ZH_BIG_UNITS:
        section, n = divmod(n, scale)
        if not section:
            pending_zero = bool(keys)
            continue
        if keys and (pending_zero or section < 1000):
            keys.append("num/0")  # 一万零一十, 一亿零五万
        keys += _mandarin_section(section, leading=not keys, big_unit=scale_key is not None)
        if scale_key:
            keys.append(scale_key)
        pending_zero = False
    return keys


def _mandarin_section(section: int, *, leading: bool, big_unit: bool) -> list[str]:
    """Keys for 1..9999 within one 万-section."""
    if section == 2 and big_unit:
        return ["num/liang"]  # 两万, 两亿
    keys: list[str] = []
    zero_pending = False
    for place, unit_key in _ZH_SMALL_UNITS:
        digit, section = divmod(section, place)
        if not digit:
            zero_pending = bool(keys)
            continue
        if zero_pending:
            keys.append("num/0")
        keys += _mandarin_digit(digit, place, starts_number=leading and not keys)
        keys.append(unit_key)
        zero_pending = False
    if section:
        if zero_pending:
            keys.append("num/0")
        keys.append(f"num/{section}")
    return keys


def _mandarin_digit(digit: int, place: int, *, starts_number: bool) -> list[str]:
    if place == 10 and digit == 1 and starts_number:
        return []  # 十五, not 一十五, at the start only
    if place == 1000 and digit == 2:
        return ["num/liang"]  # 两千
    return [f"num/{digit}"]
