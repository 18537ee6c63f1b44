"""Documents a client can be sent (fax-back, e-mail attachments): their data, taken from the CRM and the
trading book at the time of the request, and their HTML. No I/O beyond the database: making a PDF or a fax
image of the HTML is done at the edges (gateways/fax_documents.py)."""

from crm_core.documents.render import UnknownDocument, attachments, document_html, message_html
from crm_core.documents.statement import statement_data

__all__ = ["UnknownDocument", "attachments", "document_html", "message_html", "statement_data"]
