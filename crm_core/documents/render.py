"""A document's HTML from its data (jinja2, `templates/<name>.html.j2`, labels in the client's language), and
the attachments a notification carries: `data["document"]` names the document and holds its data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crm_core.notifications.templates import yuan

FOLDER = Path(__file__).with_name("templates")
_ENV = Environment(loader=FileSystemLoader(FOLDER), undefined=StrictUndefined, autoescape=True,
                   trim_blocks=True, lstrip_blocks=True)
_ENV.filters["yuan"] = yuan

LABELS: dict[str, dict[str, str]] = {
    "zh": {"statement": "对账单", "client": "客户", "as_of": "截至", "account": "资金账号", "funds": "资金",
           "available": "可用", "frozen": "冻结", "total": "合计", "holdings": "持仓", "code": "代码",
           "name": "名称", "quantity": "数量", "sellable": "可卖", "cost": "成本价", "last": "现价",
           "value": "市值", "pnl": "浮动盈亏", "fills": "当日成交", "time": "时间", "side": "买卖",
           "price": "价格", "amount": "金额", "fee": "费用", "none": "无", "buy": "买入", "sell": "卖出",
           "no_accounts": "没有交易账户", "yuan": "元", "page": "页", "quote_sheet": "行情单", "change": "涨跌",
           "previous_close": "昨收", "bid": "买一", "ask": "卖一", "limits": "涨跌停", "holdings_none": "未持有证券",
           "fact_sheet": "产品说明", "product": "产品", "kind": "类别", "type": "类型", "risk_level": "风险等级",
           "horizon": "投资期限", "min_class": "适合投资者", "risk_class": "您的风险承受能力", "suits": "适当性",
           "allowed": "适合您", "needs_disclosure": "需经风险揭示后方可购买", "refused": "不适合您",
           "security": "证券", "information": "资讯", "short": "短期", "medium": "中期", "long": "长期",
           "ordinary": "普通投资者", "professional": "专业投资者", "details": "其他"},
    "en": {"statement": "Statement", "client": "Client", "as_of": "As of", "account": "Account", "funds": "Funds",
           "available": "Available", "frozen": "Frozen", "total": "Total", "holdings": "Holdings", "code": "Code",
           "name": "Name", "quantity": "Quantity", "sellable": "Sellable", "cost": "Avg cost", "last": "Last",
           "value": "Value", "pnl": "Unrealised P/L", "fills": "Today's fills", "time": "Time", "side": "Side",
           "price": "Price", "amount": "Amount", "fee": "Fee", "none": "None", "buy": "Buy", "sell": "Sell",
           "no_accounts": "No trading account", "yuan": "CNY", "page": "Page", "quote_sheet": "Quote sheet",
           "change": "Change", "previous_close": "Prev. close", "bid": "Bid", "ask": "Ask", "limits": "Limits",
           "holdings_none": "No securities held", "fact_sheet": "Fact sheet", "product": "Product", "kind": "Kind",
           "type": "Type", "risk_level": "Risk level", "horizon": "Horizon", "min_class": "For investors",
           "risk_class": "Your risk tolerance", "suits": "Suitability", "allowed": "Suits you",
           "needs_disclosure": "Needs a risk disclosure before buying", "refused": "Does not suit you",
           "security": "Security", "information": "Information", "short": "Short", "medium": "Medium",
           "long": "Long", "ordinary": "Ordinary", "professional": "Professional", "details": "Details"},
}
# Call bills (crm_core.billing.bills): printed for the brokerage's own staff.
LABELS["zh"] |= {"call_bill": "话费账单", "department": "部门", "times_in": "时间均为", "direction": "方向",
                 "caller": "主叫", "callee": "被叫", "duration": "通话秒数", "billed": "计费秒数", "tariff": "费率",
                 "outbound": "呼出", "inbound": "呼入", "no_tariff": "未计费", "unanswered": "未接通",
                 "no_calls": "本月无通话"}
LABELS["en"] |= {"call_bill": "Call bill", "department": "Department", "times_in": "Times in", "direction": "Direction",
                 "caller": "Caller", "callee": "Callee", "duration": "Talk (s)", "billed": "Billed (s)",
                 "tariff": "Tariff (prefix, band, per minute)", "outbound": "Outbound", "inbound": "Inbound",
                 "no_tariff": "not rated", "unanswered": "not answered", "no_calls": "No calls this month"}
DOCUMENTS = ("statement", "quote_sheet", "fact_sheet", "call_bill", "contact_centre_report")


class UnknownDocument(LookupError):
    pass


def document_html(data: dict[str, Any], language: str) -> str:
    """The HTML of a document's data (`data["kind"]` names it); UnknownDocument for another kind."""
    kind = data.get("kind")
    if kind not in DOCUMENTS:
        raise UnknownDocument(f"no document {kind!r} (known: {', '.join(DOCUMENTS)})")
    lang = language if language in LABELS else "zh"
    return _ENV.get_template(f"{kind}.html.j2").render(doc=data, t=LABELS[lang], lang=lang)


def message_html(subject: str, text: str, language: str) -> str:
    """A one-message page (a reply sent by fax): the subject as its title, the text in paragraphs."""
    lang = language if language in LABELS else "zh"
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return _ENV.get_template("message.html.j2").render(subject=subject, paragraphs=paragraphs, lang=lang)


def attachments(data: dict[str, Any], language: str) -> tuple[tuple[str, str, bytes], ...]:
    """The documents a notification's data asks for, as (file name, MIME type, content)."""
    document = data.get("document")
    if not isinstance(document, dict):
        return ()
    return ((f"{document.get('kind')}.html", "text/html", document_html(document, language).encode()),)
