from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sounds.say import (
    LANGUAGES,
    MAX_NUMBER,
    digits_prompts,
    number_prompt_texts,
    number_prompts,
    prompt_path,
    spoken,
)

ENGLISH = {
    0: "zero",
    7: "seven",
    10: "ten",
    11: "eleven",
    19: "nineteen",
    20: "twenty",
    21: "twenty one",
    99: "ninety nine",
    100: "one hundred",
    101: "one hundred and one",
    110: "one hundred and ten",
    235: "two hundred and thirty five",
    1000: "one thousand",
    1005: "one thousand and five",
    1050: "one thousand and fifty",
    1100: "one thousand one hundred",
    2024: "two thousand and twenty four",
    10010: "ten thousand and ten",
    100000: "one hundred thousand",
    1000001: "one million and one",
    1200005: "one million two hundred thousand and five",
    12345678: "twelve million three hundred and forty five thousand six hundred and seventy eight",
    100000000: "one hundred million",
    999999999: "nine hundred and ninety nine million nine hundred and ninety nine thousand "
    "nine hundred and ninety nine",
}

MANDARIN = {
    0: "零",
    2: "二",
    7: "七",
    10: "十",
    11: "十一",
    19: "十九",
    20: "二十",
    21: "二十一",
    100: "一百",
    101: "一百零一",
    110: "一百一十",
    111: "一百一十一",
    200: "二百",
    235: "二百三十五",
    1000: "一千",
    1005: "一千零五",
    1010: "一千零一十",
    1050: "一千零五十",
    1100: "一千一百",
    2000: "两千",
    2222: "两千二百二十二",
    10000: "一万",
    10010: "一万零一十",
    10100: "一万零一百",
    12000: "一万两千",
    20000: "两万",
    100000: "十万",
    110000: "十一万",
    100001: "十万零一",
    101110: "十万一千一百一十",
    1001000: "一百万一千",
    1000000: "一百万",
    10000000: "一千万",
    10203040: "一千零二十万三千零四十",
    12345678: "一千二百三十四万五千六百七十八",
    99999999: "九千九百九十九万九千九百九十九",
    100000000: "一亿",
    100000005: "一亿零五",
    100010000: "一亿零一万",
    102000000: "一亿零二百万",
    120000000: "一亿两千万",
    200000000: "两亿",
    999999999: "九亿九千九百九十九万九千九百九十九",
}


@pytest.mark.parametrize(("n", "words"), ENGLISH.items())
def test_english_numbers(n: int, words: str) -> None:
    assert spoken(number_prompts(n, "en"), "en") == words


@pytest.mark.parametrize(("n", "words"), MANDARIN.items())
def test_mandarin_numbers(n: int, words: str) -> None:
    assert spoken(number_prompts(n, "zh"), "zh") == words


def test_exact_keys() -> None:
    assert number_prompts(235, "en") == ["num/2", "num/hundred", "num/and", "num/30", "num/5"]
    assert number_prompts(15, "en") == ["num/15"]
    assert number_prompts(0, "zh") == ["num/0"]
    assert number_prompts(15, "zh") == ["num/10", "num/5"]
    assert number_prompts(10010, "zh") == ["num/1", "num/wan", "num/0", "num/1", "num/10"]
    assert number_prompts(20000, "zh") == ["num/liang", "num/wan"]


def test_measure_word_makes_a_lone_two_liang_in_mandarin_only() -> None:
    assert number_prompts(2, "zh", measure=True) == ["num/liang"]  # 两 分钟
    assert number_prompts(12, "zh", measure=True) == ["num/10", "num/2"]  # 十二 分钟
    assert number_prompts(2, "en", measure=True) == ["num/2"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("n", [-1, -100, MAX_NUMBER + 1, 10**12])
def test_out_of_range_is_refused(n: int, language: str) -> None:
    with pytest.raises(ValueError, match="outside"):
        number_prompts(n, language)


@pytest.mark.parametrize("value", [1.0, "12", True, None])
def test_non_integers_are_refused(value: object) -> None:
    with pytest.raises(TypeError):
        number_prompts(value, "en")  # type: ignore[arg-type]


def test_unknown_language_is_refused() -> None:
    for call in (lambda: number_prompts(1, "fr"), lambda: digits_prompts("1", "fr"),
                 lambda: number_prompt_texts("fr"), lambda: prompt_path("greeting", "fr")):
        with pytest.raises(ValueError, match="unsupported language"):
            call()


@pytest.mark.parametrize("language", LANGUAGES)
def test_digits(language: str) -> None:
    assert digits_prompts("1200345", language) == [
        "num/1", "num/2", "num/0", "num/0", "num/3", "num/4", "num/5"]
    assert digits_prompts("", language) == []
    with pytest.raises(ValueError):
        digits_prompts("12#3", language)


def test_digit_words() -> None:
    assert spoken(digits_prompts("9021", "en"), "en") == "nine zero two one"
    assert spoken(digits_prompts("9021", "zh"), "zh") == "九零二一"


def test_prompt_path() -> None:
    assert prompt_path("greeting", "zh") == "zh/greeting"
    assert prompt_path("num/7", "en") == "en/num/7"
    for bad in ("", "/etc/passwd", "../x", "num/../../x"):
        with pytest.raises(ValueError):
            prompt_path(bad, "en")


@pytest.mark.parametrize("language", LANGUAGES)
@given(n=st.integers(0, MAX_NUMBER))
def test_every_key_has_a_text(language: str, n: int) -> None:
    texts = number_prompt_texts(language)
    assert set(number_prompts(n, language)) <= set(texts)
    assert set(number_prompts(n, language, measure=True)) <= set(texts)


@given(n=st.integers(0, MAX_NUMBER))
def test_english_reads_back(n: int) -> None:
    assert _parse_english(spoken(number_prompts(n, "en"), "en")) == n


@given(n=st.integers(0, MAX_NUMBER))
def test_mandarin_reads_back_with_one_zero_per_gap(n: int) -> None:
    words = spoken(number_prompts(n, "zh"), "zh")
    assert _parse_mandarin(words) == n
    if n:
        assert "零零" not in words and not words.startswith("零") and not words.endswith("零")


@given(n=st.integers(1, MAX_NUMBER))
def test_mandarin_says_ling_exactly_where_a_place_is_skipped(n: int) -> None:
    words = spoken(number_prompts(n, "zh"), "zh")
    assert ("零" in words) == _has_skipped_place(n)


def _has_skipped_place(n: int) -> bool:
    """Whether n, in 万-sections of four digits, skips a place that a 零 has to stand for."""
    padded = f"{n:012d}"
    sections = [padded[i:i + 4] for i in range(0, 12, 4)]
    while sections[0] == "0000":
        sections.pop(0)
    for index, section in enumerate(sections):
        if "0" in section.strip("0"):  # 一千零五: inside a section
            return True
        lower_nonzero = any(int(lower) for lower in sections[index + 1:])
        if index and section.startswith("0") and (int(section) or lower_nonzero):
            return True  # 一万零一十, 一亿零一千: at the top of a lower section
    return False


_EN_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)
_EN_VALUES = {word: n for n, word in enumerate(_EN_WORDS)}
_EN_VALUES.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
                   "seventy": 70, "eighty": 80, "ninety": 90})


def _parse_english(words: str) -> int:
    total = current = 0
    for word in words.split():
        if word == "and":
            continue
        if word == "hundred":
            current *= 100
        elif word in ("thousand", "million"):
            total += current * (1000 if word == "thousand" else 1_000_000)
            current = 0
        else:
            current += _EN_VALUES[word]
    return total + current


def _parse_mandarin(words: str) -> int:
    digits = {ch: n for n, ch in enumerate("零一二三四五六七八九")} | {"两": 2}
    small = {"十": 10, "百": 100, "千": 1000}
    big = {"亿": 100_000_000, "万": 10_000}
    total = section = number = 0
    for ch in words:
        if ch in digits:
            number = digits[ch]
        elif ch in small:
            section += (number or 1) * small[ch]
            number = 0
        else:
            total += (section + number) * big[ch]
            section = number = 0
    return total + section + number
