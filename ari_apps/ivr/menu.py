"""The IVR's menus as data: which key leads where. Read this file to know what callers can press."""

from __future__ import annotations

from dataclasses import dataclass

from crm_core.experts import expert_skill

LANGUAGE_KEYS = {"1": "zh", "2": "en"}

OPERATOR = "general"  # the operator desk is the general skill


@dataclass(frozen=True)
class MenuChoice:
    key: str
    category: str  # the question category, which is also the skill the ACD routes on


MAIN_MENU = {
    "1": MenuChoice("1", "trading"),
    "2": MenuChoice("2", "account"),
    "3": MenuChoice("3", "products"),
    "4": MenuChoice("4", "complaints"),
    "0": MenuChoice("0", OPERATOR),
}

CATEGORIES = sorted({choice.category for choice in MAIN_MENU.values()})

# Not a queue: phone trading and bank transfers after the fund account and trading password (trading/).
TRADING_KEY = "5"
TRADING_DESK = "trading"  # where a caller who asks for help while trading is queued
# Not a queue: a document (statement, quote sheet, fact sheet) by fax to a number the caller keys, or by e-mail
# or SMS to the registered address, after the same login (fax_back.py).
FAX_BACK_KEY = "6"
# Not a queue: a price alert set by phone, after the same login (price_alert.py).
PRICE_ALERT_KEY = "7"
# Not a queue: a date reminder (subscription day, maturity, a note of their own) set by phone, after the same
# login (reminder.py).
REMINDER_KEY = "8"
# An expert on the line: the caller keys a topic and waits for the research analysts' pool of that topic (a skill
# per topic, crm_core/experts.py).
EXPERT_KEY = "9"
EXPERT_MENU = {"1": "stocks", "2": "funds", "3": "bonds", "4": "options"}  # key -> topic


def expert_category(key: str) -> str:
    """The queue (skill) of the expert topic keyed in the expert menu."""
    return expert_skill(EXPERT_MENU[key])
