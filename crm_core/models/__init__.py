"""All models; importing this package registers every table on `Base.metadata`."""

from crm_core.models.agent import Agent, AgentState
from crm_core.models.agent_role import AgentRole
from crm_core.models.agent_skill import AgentSkill
from crm_core.models.attribute_definition import AttributeDefinition
from crm_core.models.attribute_value import AttributeValue
from crm_core.models.audit_entry import AuditEntry
from crm_core.models.base import Base
from crm_core.models.call import Call, CallStatus
from crm_core.models.call_detail_record import CallDetailRecord
from crm_core.models.call_disposition import CallDisposition
from crm_core.models.call_event import CallEvent
from crm_core.models.call_recording import CallRecording
from crm_core.models.campaign import Campaign
from crm_core.models.campaign_target import CampaignTarget
from crm_core.models.complaint import Complaint
from crm_core.models.complaint_attachment import ComplaintAttachment
from crm_core.models.complaint_step import ComplaintStep
from crm_core.models.daily_valuation import DailyValuation
from crm_core.models.investor import Investor
from crm_core.models.investor_account import InvestorAccount
from crm_core.models.investor_assignment import InvestorAssignment
from crm_core.models.investor_contact import InvestorContact
from crm_core.models.investor_detail import InvestorDetail
from crm_core.models.investor_phone import InvestorPhone
from crm_core.models.investor_search import InvestorSearch
from crm_core.models.match_change import MatchChange
from crm_core.models.match_result import MatchResult
from crm_core.models.matching_rule import MatchingRule
from crm_core.models.position import Position
from crm_core.models.product import Product
from crm_core.models.questionnaire_response import QuestionnaireResponse
from crm_core.models.reminder import Reminder
from crm_core.models.risk_disclosure import RiskDisclosure
from crm_core.models.segment import Segment
from crm_core.models.segment_membership import SegmentMembership
from crm_core.models.skill import Skill
from crm_core.models.staff_load import StaffLoad
from crm_core.models.staff_profile import StaffProfile
from crm_core.models.staff_role import StaffRole
from crm_core.models.trade import Trade
from crm_core.models.web_login_lock import WebLoginLock
from crm_core.models.web_session import WebSession

__all__ = [
    "Agent", "AgentRole", "AgentSkill", "AgentState", "AttributeDefinition", "AttributeValue", "AuditEntry", "Base",
    "Call",
    "CallDetailRecord", "CallEvent", "CallRecording", "CallStatus", "Campaign", "CampaignTarget", "Complaint",
    "ComplaintAttachment",
    "ComplaintStep",
    "DailyValuation", "Investor", "InvestorAccount", "InvestorAssignment", "InvestorContact",
    "InvestorDetail", "InvestorPhone", "InvestorSearch", "MatchChange", "MatchResult", "MatchingRule",
    "Position", "Product", "QuestionnaireResponse", "Reminder", "RiskDisclosure", "Segment",
    "SegmentMembership", "Skill", "StaffLoad", "StaffProfile", "StaffRole", "Trade",
]

# Trading, bank transfers and evidence (issue 5).
from crm_core.models.alert import Alert  # noqa: E402
from crm_core.models.bank_account import BankAccount  # noqa: E402
from crm_core.models.bank_transfer import BankTransfer  # noqa: E402
from crm_core.models.ledger_entry import LedgerEntry  # noqa: E402
from crm_core.models.order_cancel import OrderCancel  # noqa: E402
from crm_core.models.trading_account import TradingAccount  # noqa: E402
from crm_core.models.trading_fill import TradingFill  # noqa: E402
from crm_core.models.trading_order import OrderStatus, TradingOrder  # noqa: E402
from crm_core.models.trading_position import TradingPosition  # noqa: E402

__all__ += [
    "Alert", "BankAccount", "BankTransfer", "LedgerEntry", "OrderCancel", "OrderStatus",
    "TradingAccount", "TradingFill", "TradingOrder", "TradingPosition",
]
__all__ += ["CallDisposition", "WebLoginLock", "WebSession"]

# Notifications (issue 12).
from crm_core.models.notification import Notification  # noqa: E402
from crm_core.models.notification_event import NotificationEvent  # noqa: E402
from crm_core.models.notification_receipt import NotificationReceipt  # noqa: E402
from crm_core.models.notification_subscription import NotificationSubscription  # noqa: E402

__all__ += ["Notification", "NotificationEvent", "NotificationReceipt", "NotificationSubscription"]

# Client reminders and price alerts (issue 12, item 4).
from crm_core.models.client_reminder import ClientReminder  # noqa: E402
from crm_core.models.price_alert import PriceAlert  # noqa: E402

__all__ += ["ClientReminder", "PriceAlert"]

# Call billing and outbound budgets (issue 15, item 3).
from crm_core.models.campaign_call import CampaignCall  # noqa: E402
from crm_core.models.cdr_rating import CdrRating  # noqa: E402
from crm_core.models.department_member import DepartmentMember  # noqa: E402
from crm_core.models.outbound_budget import OutboundBudget  # noqa: E402
from crm_core.models.tariff import TariffRate, TariffVersion  # noqa: E402

__all__ += ["CampaignCall", "CdrRating", "DepartmentMember", "OutboundBudget", "TariffRate", "TariffVersion"]

# Contact-centre report aggregates (issue 15).
from crm_core.models.agent_state_change import AgentStateChange  # noqa: E402
from crm_core.models.report_agent_state import report_agent_states  # noqa: E402
from crm_core.models.report_interval import report_intervals  # noqa: E402

__all__ += ["AgentStateChange", "report_agent_states", "report_intervals"]

# Surveys and the outbound dialer; scheduled job runs (issue 13).
from crm_core.models.do_not_call import DoNotCall  # noqa: E402
from crm_core.models.job_run import JobRun  # noqa: E402
from crm_core.models.survey_answer import SurveyAnswer  # noqa: E402
from crm_core.models.survey_attempt import SurveyAttempt  # noqa: E402
from crm_core.models.survey_campaign import SurveyCampaign  # noqa: E402
from crm_core.models.survey_target import SurveyTarget  # noqa: E402
from crm_core.models.survey_version import SurveyVersion  # noqa: E402

__all__ += ["DoNotCall", "JobRun", "SurveyAnswer", "SurveyAttempt", "SurveyCampaign", "SurveyTarget", "SurveyVersion"]

# Callbacks that keep the caller's place, and scheduled callbacks (issue 11, items 7-8).
from crm_core.models.callback import Callback, CallbackStatus  # noqa: E402

__all__ += ["Callback", "CallbackStatus"]

# The clients' web self-service (issue 14).
from crm_core.models.client_web_session import ClientWebSession  # noqa: E402

__all__ += ["ClientWebSession"]

# The post-call survey (issue 13, item 1).
from crm_core.models.post_call_answer import PostCallAnswer  # noqa: E402
from crm_core.models.post_call_survey import PostCallSurvey  # noqa: E402

__all__ += ["PostCallAnswer", "PostCallSurvey"]

# Quality review of recordings (issue 15, item 4).
from crm_core.models.call_review import CallReview  # noqa: E402
from crm_core.models.review_form_version import ReviewFormVersion  # noqa: E402

__all__ += ["CallReview", "ReviewFormVersion"]

# The survey by e-mail or SMS with a link to a web form (issue 13, item 6).
from crm_core.models.survey_link import SurveyLink  # noqa: E402

__all__ += ["SurveyLink"]

# Text chat with an agent (issue 14, item 2).
from crm_core.models.chat import Chat, ChatStatus  # noqa: E402
from crm_core.models.chat_message import ChatMessage  # noqa: E402

__all__ += ["Chat", "ChatMessage", "ChatStatus"]
