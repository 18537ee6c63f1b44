"""Tokenizer: turns rule text into tokens with their positions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from crm_core.expr.errors import ExpressionError

KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
LEVEL = re.compile(r"[CR][1-5]")
_NUMBER = re.compile(r"\d[\d_]*(\.\d[\d_]*)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ",")


@dataclass(frozen=True)
class Token:
    kind: str  # number | string | name | level | keyword | op | end
    value: object
    position: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char.isspace():
            i += 1
        elif char.isdigit():
            i = _number(source, i, tokens)
        elif char in "'\"":
            i = _string(source, i, tokens)
        elif char.isalpha() or char == "_":
            i = _word(source, i, tokens)
        else:
            i = _operator(source, i, tokens)
    tokens.append(Token("end", None, len(source)))
    return tokens


def _number(source: str, i: int, tokens: list[Token]) -> int:
    match = _NUMBER.match(source, i)
    assert match is not None
    text = match.group(0)
    if text.endswith("_") or "__" in text or "_." in text:
        raise ExpressionError(f"badly placed underscore in number {text!r}", i, source)
    end = match.end()
    if end < len(source) and (source[end].isalpha() or source[end] == "_"):
        raise ExpressionError(f"unexpected character {source[end]!r} after number", end, source)
    clean = text.replace("_", "")
    value: int | Decimal = Decimal(clean) if "." in clean else int(clean)
    tokens.append(Token("number", value, i))
    return end


def _string(source: str, i: int, tokens: list[Token]) -> int:
    quote = source[i]
    end = source.find(quote, i + 1)
    if end < 0:
        raise ExpressionError("unterminated string", i, source)
    tokens.append(Token("string", source[i + 1 : end], i))
    return end + 1


def _word(source: str, i: int, tokens: list[Token]) -> int:
    match = _NAME.match(source, i)
    assert match is not None
    word = match.group(0)
    if word.lower() in KEYWORDS:
        tokens.append(Token("keyword", word.lower(), i))
    elif LEVEL.fullmatch(word):
        tokens.append(Token("level", int(word[1]), i))
    else:
        tokens.append(Token("name", word, i))
    return match.end()


def _operator(source: str, i: int, tokens: list[Token]) -> int:
    for op in _OPERATORS:
        if source.startswith(op, i):
            tokens.append(Token("op", op, i))
            return i + len(op)
    if source[i] == "=":
        raise ExpressionError("single '=' is not an operator; write '==' to compare", i, source)
    raise ExpressionError(f"unexpected character {source[i]!r}", i, source)
