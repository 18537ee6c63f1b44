"""Asking the caller for keys: one prompt, validation with a spoken reason, a few tries, never a dead end.

    value = await ask(call, "trade_price", media, max_digits=10, parse=parse_price)

`parse` turns the keys into a value or raises `InputProblem(prompt)` naming the prompt that explains
what was wrong. Silence and `#` alone are "no input". A leading `*` means "go back" where `star_is_back`
(everywhere except amounts and prices, where `*` is the decimal point). The answer is the value, or None
when the caller went back or used up their tries: the caller decides where None leads.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, TypeVar

from ari_apps.media import TERMINATOR, collect_keys, play_and_wait

if TYPE_CHECKING:
    from ari_apps.ivr.flow import IvrCall

T = TypeVar("T")
BACK = "*"


class InputProblem(ValueError):
    """The keys were not acceptable; `prompt` says why, in the caller's language."""

    def __init__(self, prompt: str) -> None:
        super().__init__(prompt)
        self.prompt = prompt


async def ask(call: IvrCall, name: str, media: list[str], *, max_digits: int, parse: Callable[[str], T],
              star_is_back: bool = True, secret: bool = False) -> T | None:
    """Up to `max_attempts` tries. `secret` keys (passwords) are never noted, only that a try failed."""
    for attempt in range(1, call.deps.settings.max_attempts + 1):
        keys = await collect_keys(call, name, media, max_digits=max_digits,
                                  timeout=call.deps.settings.input_timeout_seconds)
        if star_is_back and keys.startswith(BACK):
            await call.note("back", menu=name)
            return None
        if keys in ("", TERMINATOR):
            problem = "no_input"
        else:
            try:
                return parse(keys)
            except InputProblem as error:
                problem = error.prompt
        kind = problem if problem in ("no_input", "invalid_choice") else "invalid_input"
        await call.note(kind, menu=name, attempt=attempt, problem=problem, **({} if secret else {"key": keys}))
        await play_and_wait(call, [call.deps.prompts.uri(problem, call.language)])
    return None


async def ask_secret(call: IvrCall, name: str) -> str | None:
    """A password's digits: returned to the caller of this function only, never noted or logged."""
    return await ask(call, name, [call.deps.prompts.uri(name, call.language)], max_digits=12,
                     parse=digits_only, secret=True)


def choice(valid: Collection[str]) -> Callable[[str], str]:
    def parse(keys: str) -> str:
        if keys not in valid:
            raise InputProblem("invalid_choice")
        return keys
    return parse


def digits_only(keys: str) -> str:
    if not keys.isdigit():
        raise InputProblem("invalid_choice")
    return keys
