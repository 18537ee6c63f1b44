"""Recursive-descent parser, lowest precedence first: or, and, not, comparison, + -, * /, unary -."""

from __future__ import annotations

from functools import lru_cache

from crm_core.expr.ast import Binary, InList, Literal, Name, Node, Unary
from crm_core.expr.errors import ExpressionError
from crm_core.expr.lexer import Token, tokenize

COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, value: object = None) -> bool:
        token = self.current
        return token.kind == kind and (value is None or token.value == value)

    def expect(self, kind: str, value: object, what: str) -> Token:
        if not self.at(kind, value):
            raise self.error(f"expected {what}")
        return self.advance()

    def error(self, message: str, token: Token | None = None) -> ExpressionError:
        token = token or self.current
        found = "end of rule" if token.kind == "end" else repr(_text(token))
        return ExpressionError(f"{message}, found {found}", token.position, self.source)

    def parse(self) -> Node:
        if self.at("end"):
            raise ExpressionError("empty rule", 0, self.source)
        node = self.or_expr()
        if not self.at("end"):
            raise self.error("expected an operator or the end of the rule")
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.at("keyword", "or"):
            token = self.advance()
            node = Binary("or", node, self.and_expr(), token.position)
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.at("keyword", "and"):
            token = self.advance()
            node = Binary("and", node, self.not_expr(), token.position)
        return node

    def not_expr(self) -> Node:
        if self.at("keyword", "not"):
            token = self.advance()
            return Unary("not", self.not_expr(), token.position)
        return self.comparison()

    def comparison(self) -> Node:
        node = self.additive()
        if self.at("op") and self.current.value in COMPARISONS:
            token = self.advance()
            node = Binary(str(token.value), node, self.additive(), token.position)
        elif self.at("keyword", "in") or self.at("keyword", "not"):
            node = self.membership(node)
        if self.at("op") and self.current.value in COMPARISONS:
            raise self.error("comparisons cannot be chained; join them with 'and'")
        return node

    def membership(self, operand: Node) -> Node:
        token = self.advance()
        negated = token.value == "not"
        if negated:
            self.expect("keyword", "in", "'in' after 'not'")
        self.expect("op", "[", "'[' to open a list")
        items: list[Node] = []
        while not self.at("op", "]"):
            items.append(self.additive())
            if not self.at("op", "]"):
                self.expect("op", ",", "',' or ']' in the list")
        self.advance()
        return InList(operand, tuple(items), negated, token.position)

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.at("op") and self.current.value in ("+", "-"):
            token = self.advance()
            node = Binary(str(token.value), node, self.multiplicative(), token.position)
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.at("op") and self.current.value in ("*", "/"):
            token = self.advance()
            node = Binary(str(token.value), node, self.unary(), token.position)
        return node

    def unary(self) -> Node:
        if self.at("op", "-"):
            token = self.advance()
            return Unary("-", self.unary(), token.position)
        return self.primary()

    def primary(self) -> Node:
        token = self.current
        if token.kind in ("number", "string", "level"):
            self.advance()
            return Literal(token.value, token.position)
        if token.kind == "keyword" and token.value in ("true", "false", "null"):
            self.advance()
            return Literal({"true": True, "false": False, "null": None}[str(token.value)], token.position)
        if token.kind == "name":
            self.advance()
            return Name(str(token.value), token.position)
        if self.at("op", "("):
            self.advance()
            node = self.or_expr()
            self.expect("op", ")", "')'")
            return node
        raise self.error("expected a value, a name or '('")


def _text(token: Token) -> str:
    if token.kind == "level":
        return f"level {token.value}"
    return str(token.value)


@lru_cache(maxsize=4096)
def parse(source: str) -> Node:
    """Parse rule text into a tree; raises ExpressionError with the position of the first problem."""
    return _Parser(source).parse()


def names(node: Node) -> set[str]:
    """The attribute names a rule reads: what must change for its value to change."""
    if isinstance(node, Name):
        return {node.name}
    if isinstance(node, Unary):
        return names(node.operand)
    if isinstance(node, Binary):
        return names(node.left) | names(node.right)
    if isinstance(node, InList):
        found = names(node.operand)
        for item in node.items:
            found |= names(item)
        return found
    return set()


def compile_rule(source: str, known: set[str] | None = None) -> Node:
    """Parse and, when `known` is given, reject names that are not known attributes."""
    node = parse(source)
    if known is not None:
        _check_names(node, known, source)
    return node


def _check_names(node: Node, known: set[str], source: str) -> None:
    if isinstance(node, Name) and node.name not in known:
        raise ExpressionError(f"unknown attribute {node.name!r}", node.position, source)
    for child in _children(node):
        _check_names(child, known, source)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, InList):
        return (node.operand, *node.items)
    return ()
