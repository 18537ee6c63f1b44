"""Syntax tree of a rule: plain frozen dataclasses, each remembering where it started."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Literal:
    value: Any  # int, Decimal, str, bool or None
    position: int


@dataclass(frozen=True)
class Name:
    name: str
    position: int


@dataclass(frozen=True)
class Unary:
    op: str  # "not" | "-"
    operand: Node
    position: int


@dataclass(frozen=True)
class Binary:
    op: str  # and or == != < <= > >= + - * /
    left: Node
    right: Node
    position: int


@dataclass(frozen=True)
class InList:
    operand: Node
    items: tuple[Node, ...]
    negated: bool
    position: int


Node = Literal | Name | Unary | Binary | InList
