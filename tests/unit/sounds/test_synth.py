from __future__ import annotations

import pytest

from sounds.synth import Segment, split_segments


def test_single_language_text_is_one_segment() -> None:
    assert split_segments("Sorry. Goodbye.", "en") == [Segment("en", "Sorry. Goodbye.")]
    assert split_segments("对不起。再见。", "zh") == [Segment("zh", "对不起。再见。")]


def test_bilingual_text_is_spoken_by_the_voice_of_each_script() -> None:
    segments = split_segments("中文服务请按1。For English, press 2.", "en")
    assert segments == [Segment("zh", "中文服务请按1。"), Segment("en", "For English, press 2.")]
    assert [s.voice for s in segments] == ["cmn-latn-pinyin", "en-us"]


def test_text_without_letters_uses_the_prompt_language() -> None:
    assert split_segments("7", "zh") == [Segment("zh", "7")]
    assert split_segments("7", "en") == [Segment("en", "7")]


def test_empty_text_is_refused() -> None:
    with pytest.raises(ValueError):
        split_segments("  ", "en")
