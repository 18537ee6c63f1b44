"""Bank <-> brokerage transfers (银证转账) behind the `BankGateway` adapter; built-in `LedgerBank`."""

from crm_core.banking.config import BankConfig
from crm_core.banking.errors import TransferReason, TransferRejected
from crm_core.banking.gateway import BANK_TO_BROKER, BROKER_TO_BANK, BankGateway, LedgerBank
from crm_core.banking.transfers import TransferResult, bank_balance, recent_transfers, transfer, transfer_status

__all__ = [
    "BANK_TO_BROKER", "BROKER_TO_BANK", "BankConfig", "BankGateway", "LedgerBank", "TransferReason",
    "TransferRejected", "TransferResult", "bank_balance", "recent_transfers", "transfer", "transfer_status",
]
