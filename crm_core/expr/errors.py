"""The one error type of the expression language, pointing at the offending character."""

from __future__ import annotations


class ExpressionError(ValueError):
    """A bad expression: the message says what, `position` says where (0-based column)."""

    def __init__(self, message: str, position: int, source: str) -> None:
        self.message = message
        self.position = position
        self.source = source
        super().__init__(f"{message} at position {position}\n  {source}\n  {' ' * position}^")
