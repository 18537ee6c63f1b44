"""What the desk may do, decided without Asterisk: dialling, numbers, hold and transfer refusals."""

import pytest

from ari_apps.acd.desk_rules import (
    CallView,
    Control,
    ControlRefused,
    control_refusal,
    dial_digits,
    dial_endpoint,
    dial_refusal,
)
from crm_core.models import AgentState

TALKING = CallView(talking=True, held=False, consulting=False, consult_answered=False)
HELD = CallView(talking=True, held=True, consulting=False, consult_answered=False)
CONSULT_RINGING = CallView(talking=True, held=True, consulting=True, consult_answered=False)
CONSULTING = CallView(talking=True, held=True, consulting=True, consult_answered=True)
NOT_CONNECTED = CallView(talking=False, held=False, consulting=False, consult_answered=False)


@pytest.mark.parametrize(("typed", "digits"), [
    ("13800138000", "13800138000"), (" 13800138000 ", "13800138000"), ("+8613800138000", "13800138000"),
    ("+4420794600", "004420794600"), ("95500", "95500"), ("110", "110"),
])
def test_numbers_become_the_digits_dialled(typed: str, digits: str) -> None:
    assert dial_digits(typed) == digits


@pytest.mark.parametrize("typed", ["", "12", "1380013800a", "138-0013-8000", "+", "++86138", "1" * 21,
                                   "13800138000;1", "1380013800\n0", "１３８００１３８０００"])
def test_anything_but_3_to_20_digits_is_refused(typed: str) -> None:
    with pytest.raises(ControlRefused) as refused:
        dial_digits(typed)
    assert refused.value.code == "bad_number"


def test_the_endpoint_comes_from_the_configured_template() -> None:
    assert dial_endpoint("PJSIP/{number}@trunk", "13800138000") == "PJSIP/13800138000@trunk"
    assert dial_endpoint("Local/{number}@hotline-customer-sim/n", "139") == "Local/139@hotline-customer-sim/n"
    with pytest.raises(ControlRefused) as refused:
        dial_endpoint("PJSIP/trunk", "139")
    assert refused.value.code == "no_outside_line"


@pytest.mark.parametrize(("state", "code"), [
    (None, "not_logged_in"), (AgentState.LOGGED_OUT, "not_logged_in"), (AgentState.RINGING, "agent_busy"),
    (AgentState.BUSY, "agent_busy"), (AgentState.READY, None), (AgentState.NOT_READY, None),
    (AgentState.WRAP_UP, None),
])
def test_who_may_dial(state: AgentState | None, code: str | None) -> None:
    refusal = dial_refusal(state)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(("control", "call", "code"), [
    (Control.HOLD, NOT_CONNECTED, "not_on_call"),
    (Control.HOLD, TALKING, None),
    (Control.HOLD, HELD, None),  # already held: nothing to do, not an error
    (Control.UNHOLD, HELD, None),
    (Control.UNHOLD, CONSULTING, "consulting"),
    (Control.HOLD, CONSULT_RINGING, "consulting"),
    (Control.BLIND, CONSULTING, "consulting"),
    (Control.CONSULT, TALKING, None),
    (Control.CONSULT, HELD, None),
    (Control.CONSULT, CONSULT_RINGING, "consulting"),
    (Control.COMPLETE, TALKING, "no_consultation"),
    (Control.CANCEL, HELD, "no_consultation"),
    (Control.COMPLETE, CONSULT_RINGING, "consult_not_answered"),
    (Control.CANCEL, CONSULT_RINGING, None),  # a ringing target can be given up on
    (Control.COMPLETE, CONSULTING, None),
    (Control.CANCEL, CONSULTING, None),
    (Control.COMPLETE, NOT_CONNECTED, "not_on_call"),
])
def test_which_control_is_allowed_when(control: Control, call: CallView, code: str | None) -> None:
    refusal = control_refusal(control, call)
    assert (refusal.code if refusal else None) == code
    if refusal is not None:
        assert str(refusal)  # a message for people
