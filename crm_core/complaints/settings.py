"""`[complaints]` in hotline.toml: deadlines, the calendar, who overdue complaints go to, how often they are
checked, and the intake mailbox."""

from __future__ import annotations

from dataclasses import dataclass

from crm_core.complaints.deadlines import parse_policy
from crm_core.complaints.rules import ComplaintRules
from crm_core.notifications.rules import NotifyPolicy
from crm_core.surveys.calendar import Calendar, parse_dates


@dataclass
class ComplaintSettings:
    # category=ACKNOWLEDGE/RESOLVE working days; "default" for the others
    policy: str = "default=1/15, trading=1/10"
    time_zone: str = "Asia/Shanghai"
    holiday_country: str = "CN"
    extra_holidays: str = ""  # "2026-10-09, ..." also not working days
    supervisor: str = "9001"  # overdue complaints whose owner names no supervisor (StaffProfile "supervisor")
    head_of_service: str = "9002"  # the second escalation
    escalate_every_minutes: int = 5  # the scheduler's complaint-escalation job; 0: not run
    fax_number: str = "95501"  # the complaints fax number (dialplan hotline-entry): ReceiveFAX, then a complaint
    # Inbound SMTP (gateways/complaint_mail.py): the brokerage's mail server forwards the mailbox here.
    mail_port: int = 0  # 0: no intake server
    mail_bind: str = "127.0.0.1"
    mailbox: str = "complaints@hotline.example"  # recipients accepted; others are refused (550)
    mail_max_bytes: int = 10 * 1024 * 1024

    def rules(self, notify: NotifyPolicy) -> ComplaintRules:
        """ValueError names a bad policy or holiday."""
        return ComplaintRules(parse_policy(self.policy, self.time_zone),
                              Calendar(self.holiday_country, parse_dates(self.extra_holidays)),
                              supervisor=self.supervisor.strip(), head_of_service=self.head_of_service.strip(),
                              notify=notify)
