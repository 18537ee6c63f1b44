"""Telephone numbers as the CRM stores and matches them: digits only, national form."""

import re

COUNTRY_PREFIXES = ("0086", "+86", "86")


def normalize_number(raw: str) -> str:
    """Digits only, with China's country code removed so that +8613800138000 matches 13800138000."""
    text = raw.strip()
    for prefix in COUNTRY_PREFIXES:
        if text.startswith(prefix) and len(re.sub(r"\D", "", text)) > 11:
            text = text[len(prefix):]
            break
    return re.sub(r"\D", "", text)
