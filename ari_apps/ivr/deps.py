"""What the IVR needs, built once by the app and handed to every call."""

from __future__ import annotations

from dataclasses import dataclass, field

from ari_apps.ivr.fax_on_call import FaxOnCall
from ari_apps.ivr.settings import IvrSettings
from ari_apps.ivr.trading.services import TradingServices
from ari_apps.prompts import Prompts
from crm_core.db import AsyncDatabase
from crm_core.notifications.rules import NotifyPolicy


@dataclass(frozen=True)
class IvrDeps:
    db: AsyncDatabase
    prompts: Prompts
    settings: IvrSettings
    acd_app: str
    trading: TradingServices
    notify_policy: NotifyPolicy = field(default_factory=NotifyPolicy)  # for what the IVR queues (fax-back)
    fax: FaxOnCall | None = None  # the fax app, for a document faxed on the caller's own call
