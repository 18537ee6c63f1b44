"""Message texts: one jinja2 file per template and language in `templates/<lang>/<name>.j2`, with blocks
`subject` (e-mail), `text` (e-mail body, fax page, voice script unless `voice` is given), `sms` (short) and
`voice` (optional: what a voice call says, where the filters `say_yuan`, `say_shares`, `say_number`,
`say_security` and `say_date` ('YYYY-MM-DD...') mark money, share counts, numbers, securities and dates to be
spoken by the IVR's own phrases, the recorded number, name and date prompts, rather than read out by the speech
synthesiser). A missing language falls back to Mandarin."""

from __future__ import annotations

import re
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


# A marked value in a voice text: [[kind:digits]]. spoken_parts splits a voice text into text and marks.
SPOKEN_KINDS = ("yuan", "shares", "number", "security", "date")
_SPOKEN = re.compile(r"\[\[(yuan|shares|number|security|date):([0-9]+)\]\]")


def _marker(kind: str) -> Any:
    def mark(value: int | str) -> str:
        if kind == "date":  # '2026-12-10 09:30' (or a date): its day as YYYYMMDD
            text = str(value)[:10].replace("-", "")
        else:
            text = str(value) if kind == "security" else str(int(value))
        if not text.isdigit():
            raise ValueError(f"cannot speak {value!r} as {kind}")
        return f"[[{kind}:{text}]]"
    return mark


def spoken_parts(voice: str) -> list[str | tuple[str, str]]:
    """A voice text as pieces to synthesise (str) and marked values ((kind, digits)), in order."""
    parts: list[str | tuple[str, str]] = []
    position = 0
    for found in _SPOKEN.finditer(voice):
        parts += [voice[position:found.start()], (found.group(1), found.group(2))]
        position = found.end()
    return [*parts, voice[position:]]


_ENV = Environment(loader=FileSystemLoader(FOLDER), undefined=StrictUndefined, autoescape=False,
                   keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
_ENV.filters["yuan"] = yuan
_ENV.filters.update({f"say_{kind}": _marker(kind) for kind in SPOKEN_KINDS})


class UnknownTemplate(LookupError):
    pass


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    sms: str
    voice: str  # the `voice` block, or the text


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
    text = parts.get("text", "")
    return Rendered(parts.get("subject", ""), text, parts.get("sms", "") or text, parts.get("voice", "") or text)


def names() -> list[str]:
    return sorted({p.stem for p in FOLDER.glob("*/*.j2")})
