"""Investor attributes as data: versioned definitions, time-stamped values with history."""

from crm_core.attributes.definitions import (
    AttributeError_,
    current_definitions,
    define_attribute,
    seed_definitions,
)
from crm_core.attributes.values import (
    decode_display,
    encode,
    load_frame,
    profile_at,
    set_value,
    write_frame,
)

__all__ = [
    "AttributeError_", "current_definitions", "decode_display", "define_attribute", "encode", "load_frame",
    "profile_at", "seed_definitions", "set_value", "write_frame",
]
