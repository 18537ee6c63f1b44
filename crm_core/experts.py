"""The research analysts' pool that agents bring in on a call (a three-way conference) or hand a caller to: one
skill per topic, routed by the ACD like any other skill. The IVR's expert menu, the desk and the demo data read
these names; an agent is an expert of a topic by holding its skill."""

from __future__ import annotations

EXPERT_TOPICS: dict[str, str] = {  # topic -> the skill the ACD routes on
    "stocks": "expert_stocks",
    "funds": "expert_funds",
    "bonds": "expert_bonds",
    "options": "expert_options",
}

EXPERT_SKILL_NAMES: dict[str, str] = {  # skill -> its name, for the skills table
    "expert_stocks": "Research analyst: stocks",
    "expert_funds": "Research analyst: funds",
    "expert_bonds": "Research analyst: bonds",
    "expert_options": "Research analyst: options",
}

RECORDING_PURPOSE = "expert"  # call_recordings.purpose of a recorded expert conference


class UnknownTopic(ValueError):
    pass


def expert_skill(topic: str) -> str:
    """The expert pool's skill for a topic (stocks, funds, bonds, options)."""
    try:
        return EXPERT_TOPICS[topic]
    except KeyError:
        raise UnknownTopic(f"no expert topic {topic[:40]!r}: one of {', '.join(EXPERT_TOPICS)}") from None


def is_expert_skill(skill: str) -> bool:
    return skill in EXPERT_SKILL_NAMES
