from __future__ import annotations

import re

import pytest

from ari_apps.ivr.trading.password import SPOKEN
from ari_apps.ivr.trading.speech import reason
from crm_core.banking import TransferReason
from crm_core.trading import PasswordChange, RejectReason
from sounds.catalog import LANGUAGES, load_texts, prompt_texts
from sounds.say import number_prompt_texts

REQUIRED_KEYS = {
    "greeting", "language_menu", "main_menu", "invalid_choice", "no_input", "to_operator",
    "account_prompt", "queue_position_before", "queue_position_after", "expected_wait_before",
    "minutes", "expected_wait_short", "please_hold", "connecting", "service_unavailable",
    "goodbye", "vip_welcome",
    "self_account", "self_password", "self_wrong_password", "self_locked", "self_unavailable",
    "trade_menu", "trade_code", "trade_price", "trade_quantity", "trade_confirm", "trade_disclosure",
    "bank_menu", "bank_password", "bank_amount", "pwd_old", "pwd_new", "pwd_again",
}
BILINGUAL_KEYS = ("language_menu", "account_prompt", "service_unavailable")
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
TRADITIONAL_ONLY = set("證務歡選擇輸號帳戶資員轉線請對這語聽鍵幣費內後")


def test_both_languages_have_the_same_keys() -> None:
    assert set(load_texts("zh")) == set(load_texts("en"))
    assert set(load_texts("en")) >= REQUIRED_KEYS


def test_every_refusal_the_domain_can_give_has_a_spoken_reason() -> None:
    codes = [*RejectReason, *TransferReason]
    missing = [code for code in codes if reason(code) not in load_texts("en")]
    assert not missing and reason(None) in load_texts("zh")


def test_every_password_change_outcome_is_spoken() -> None:
    assert set(SPOKEN) == set(PasswordChange)
    assert all(prompt in load_texts("zh") for prompt in SPOKEN.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_empty_text(language: str) -> None:
    for key, text in prompt_texts(language).items():
        assert text.strip(), f"{language}/{key} is empty"


@pytest.mark.parametrize("language", LANGUAGES)
def test_number_words_come_from_python_not_toml(language: str) -> None:
    assert not [key for key in load_texts(language) if key.startswith("num/") or key == "digits"]
    assert set(number_prompt_texts(language)) <= set(prompt_texts(language))


@pytest.mark.parametrize("key", BILINGUAL_KEYS)
def test_bilingual_prompts_speak_both_languages_in_both_files(key: str) -> None:
    for language in LANGUAGES:
        text = load_texts(language)[key]
        assert HAN.search(text) and LATIN.search(text), f"{language}/{key} is not bilingual"


def test_language_menu_is_the_same_everywhere() -> None:
    assert load_texts("zh")["language_menu"] == load_texts("en")["language_menu"]
    assert "按1" in load_texts("en")["language_menu"]
    assert "press 2" in load_texts("zh")["language_menu"]


def test_mandarin_is_simplified_chinese() -> None:
    for key, text in load_texts("zh").items():
        assert not TRADITIONAL_ONLY & set(text), f"zh/{key} has traditional characters"
    assert load_texts("zh")["greeting"] == "欢迎致电热线证券。"


def test_english_texts_have_no_han_unless_bilingual() -> None:
    for key, text in load_texts("en").items():
        if key not in BILINGUAL_KEYS:
            assert not HAN.search(text), key


def test_english_spine_texts() -> None:
    texts = load_texts("en")
    assert texts["greeting"] == "Welcome to Hotline Securities."
    assert texts["queue_position_before"] == "You are number"
    assert texts["main_menu"].endswith("For an operator press 0.")
