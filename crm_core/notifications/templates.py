"""Message texts: one jinja2 file per template and language in `templates/<lang>/<name>.j2`, with blocks
`subject` (e-mail), `text` (e-mail body, fax page, voice script) and `sms` (short). A missing language
falls back to Mandarin."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

FOLDER = Path(__file__).with_name("templates")
FALLBACK_LANGUAGE = "zh"
def yuan(cents: int) -> str:
    """Cents as yuan with thousands separators, for every document and message: 386000 → 3,860.00."""
    return f"{Decimal(int(cents)) / 100:,.2f}"


_ENV = Environment(loader=FileSystemLoader(FOLDER), undefined=StrictUndefined, autoescape=False,
                   keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
_ENV.filters["yuan"] = yuan


class UnknownTemplate(LookupError):
    pass


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    sms: str


def render(name: str, language: str, data: dict[str, Any]) -> Rendered:
    """Raises UnknownTemplate, or jinja2's UndefinedError when `data` lacks a field the template uses."""
    template = None
    for lang in dict.fromkeys((language, FALLBACK_LANGUAGE)):
        try:
            template = _ENV.get_template(f"{lang}/{name}.j2")
            break
        except TemplateNotFound:
            continue
    if template is None:
        raise UnknownTemplate(f"no template {name!r} in {language!r} or {FALLBACK_LANGUAGE!r}")
    context = template.new_context(data)
    parts = {block: "".join(render_block(context)).strip() for block, render_block in template.blocks.items()}
    return Rendered(parts.get("subject", ""), parts.get("text", ""), parts.get("sms", "") or parts.get("text", ""))


def names() -> list[str]:
    return sorted({p.stem for p in FOLDER.glob("*/*.j2")})
