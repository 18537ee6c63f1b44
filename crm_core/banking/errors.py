"""Why a transfer was refused: a code for the IVR's prompt table and a sentence."""

from __future__ import annotations

from enum import StrEnum


class TransferReason(StrEnum):
    BAD_DIRECTION = "BAD_DIRECTION"
    BAD_AMOUNT = "BAD_AMOUNT"
    NO_BANK_ACCOUNT = "NO_BANK_ACCOUNT"
    WRONG_BANK_PASSWORD = "WRONG_BANK_PASSWORD"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"  # brokerage available cash, for broker -> bank
    INSUFFICIENT_BANK_BALANCE = "INSUFFICIENT_BANK_BALANCE"  # bank -> broker
    DAILY_LIMIT = "DAILY_LIMIT"
    SINGLE_LIMIT = "SINGLE_LIMIT"


MESSAGES = {
    TransferReason.BAD_DIRECTION: "a transfer goes from the bank to the brokerage or back",
    TransferReason.BAD_AMOUNT: "the amount must be a positive number of cents",
    TransferReason.NO_BANK_ACCOUNT: "no bank account is linked to this trading account",
    TransferReason.WRONG_BANK_PASSWORD: "the bank password is wrong",
    TransferReason.INSUFFICIENT_FUNDS: "insufficient available funds in the trading account",
    TransferReason.INSUFFICIENT_BANK_BALANCE: "insufficient balance in the bank account",
    TransferReason.DAILY_LIMIT: "the amount exceeds today's transfer limit",
    TransferReason.SINGLE_LIMIT: "the amount exceeds the limit for one transfer",
}


class TransferRejected(Exception):
    def __init__(self, code: TransferReason, message: str | None = None) -> None:
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(self.message)
