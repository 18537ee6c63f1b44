"""The expert pool as data: one skill per topic, named for the skills table, keyed in the IVR's expert menu."""

from __future__ import annotations

import pytest

from ari_apps.ivr.menu import (
    EXPERT_KEY,
    EXPERT_MENU,
    FAX_BACK_KEY,
    MAIN_MENU,
    PRICE_ALERT_KEY,
    REMINDER_KEY,
    TRADING_KEY,
    expert_category,
)
from crm_core.experts import EXPERT_SKILL_NAMES, EXPERT_TOPICS, UnknownTopic, expert_skill, is_expert_skill


def test_each_topic_has_a_named_skill_of_the_pool() -> None:
    assert set(EXPERT_TOPICS) == {"stocks", "funds", "bonds", "options"}
    assert set(EXPERT_TOPICS.values()) == set(EXPERT_SKILL_NAMES)
    assert expert_skill("options") == "expert_options" and is_expert_skill("expert_options")
    assert not is_expert_skill("trading")


def test_an_unknown_topic_is_refused_saying_which_exist() -> None:
    with pytest.raises(UnknownTopic, match="stocks, funds, bonds, options"):
        expert_skill("crypto")


def test_the_ivr_expert_menu_keys_every_topic_and_its_key_is_free_in_the_main_menu() -> None:
    assert sorted(EXPERT_MENU.values()) == sorted(EXPERT_TOPICS)
    assert EXPERT_KEY not in {*MAIN_MENU, TRADING_KEY, FAX_BACK_KEY, PRICE_ALERT_KEY, REMINDER_KEY}
    assert [expert_category(key) for key in sorted(EXPERT_MENU)] == [
        "expert_stocks", "expert_funds", "expert_bonds", "expert_options"]
