"""How `hotline call --dtmf` splits keys, and how prompt names are read from media URIs."""

from hotline.scripted_call import parse_dtmf, prompt_name


def test_one_key_per_prompt_without_commas() -> None:
    assert parse_dtmf("21") == ["2", "1"]


def test_groups_and_silence_with_commas() -> None:
    assert parse_dtmf("100000003#,,3") == ["100000003#", "", "3"]
    assert parse_dtmf("") == []


def test_prompt_name_is_relative_to_the_sound_folder() -> None:
    assert prompt_name("sound:/srv/hotline/main/sounds/zh/greeting") == "zh/greeting"
    assert prompt_name("sound:/srv/hotline/main/sounds/en/num/7") == "en/num/7"
