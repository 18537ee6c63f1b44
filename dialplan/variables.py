"""Channel-variable names shared by agi/, ari_apps/, the dialplan templates and the scripted caller.

Each name is spelled here once; the dialplan templates receive this module's names as `vars`.
"""

from typing import Final

CALL_ID: Final = "HOTLINE_CALL_ID"
CALLER_NUMBER: Final = "HOTLINE_CALLER"
ACCOUNT_INPUT: Final = "HOTLINE_ACCOUNT_INPUT"
CUSTOMER_ID: Final = "HOTLINE_CUSTOMER_ID"
CUSTOMER_NAME: Final = "HOTLINE_CUSTOMER_NAME"
CUSTOMER_CLASS: Final = "HOTLINE_CUSTOMER_CLASS"
LANGUAGE: Final = "HOTLINE_LANGUAGE"
VIP: Final = "HOTLINE_VIP"
IDENTIFIED_BY: Final = "HOTLINE_IDENTIFIED_BY"
LOOKUP_STATUS: Final = "HOTLINE_LOOKUP_STATUS"
# Set while the line waits for keys; its value names the prompt. Scripted callers send DTMF on it.
AWAITING_INPUT: Final = "HOTLINE_INPUT"
CATEGORY: Final = "HOTLINE_CATEGORY"
PRIORITY: Final = "HOTLINE_PRIORITY"
AGENT_ID: Final = "HOTLINE_AGENT_ID"
ROLE: Final = "HOTLINE_ROLE"
# The fund account the caller authenticated in phone trading (never the password): a call recovered after
# a restart resumes at the trading menu instead of asking again.
TRADING_ACCOUNT: Final = "HOTLINE_TRADING_ACCOUNT"
# The fax image (TIFF, as Asterisk sees its path) that the hotline-fax-send context sends with SendFAX.
FAX_FILE: Final = "HOTLINE_FAX_FILE"


def all_names() -> dict[str, str]:
    """Every constant of this module, for templates."""
    return {name: value for name, value in globals().items() if name.isupper()}
