"""Where a client is reached on each channel, from what the CRM holds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import InvestorContact, InvestorDetail, InvestorPhone
from crm_core.notifications.rules import Channel

# InvestorContact.channel values that serve each outbox channel, best first.
CONTACT_KINDS = {Channel.EMAIL: ("email",), Channel.SMS: ("sms", "mobile"), Channel.VOICE: ("phone", "mobile"),
                 Channel.FAX: ("fax",)}


def addresses(session: Session, investor_id: int) -> dict[str, str]:
    """{channel: address} for every channel the client can be reached on."""
    found: dict[str, str] = {}
    contacts = session.execute(select(InvestorContact.channel, InvestorContact.value)
                               .where(InvestorContact.investor_id == investor_id)
                               .order_by(InvestorContact.preferred.desc(), InvestorContact.id)).all()
    for channel, kinds in CONTACT_KINDS.items():
        for kind in kinds:
            value = next((v for c, v in contacts if c == kind and v.strip()), None)
            if value:
                found[channel.value] = value.strip()
                break
    email = session.scalar(select(InvestorDetail.email).where(InvestorDetail.investor_id == investor_id))
    if email and Channel.EMAIL.value not in found:
        found[Channel.EMAIL.value] = email
    phones = list(session.scalars(select(InvestorPhone.number).where(InvestorPhone.investor_id == investor_id)
                                  .order_by(InvestorPhone.id)))
    mobile = next((p for p in phones if is_mobile(p)), None)
    if mobile and Channel.SMS.value not in found:
        found[Channel.SMS.value] = mobile
    if phones and Channel.VOICE.value not in found:
        found[Channel.VOICE.value] = phones[0]
    return found


def is_mobile(number: str) -> bool:
    """A mainland China mobile number (11 digits starting with 1), with or without +86."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return len(digits) == 11 and digits.startswith("1")
