"""The harness's checks of what Asterisk holds fail when ARI does not answer: a dead ARI must never pass for
an Asterisk with no channels and no bridges (the per-test leak check and the desk tests rely on them)."""

from __future__ import annotations

import pytest

from hotline.asterisk.instance import AsteriskInstance
from tests.support.desk import bridges, channel_names
from tests.support.hotline import AriNotAnswering, channels_left, wait_for


def test_channel_and_bridge_checks_raise_when_ari_does_not_answer(asterisk: AsteriskInstance) -> None:
    assert channels_left(asterisk) == [] and channel_names(asterisk) == {} and bridges(asterisk) == {}

    assert asterisk.stop()
    for check in (channels_left, channel_names, bridges):
        with pytest.raises(AriNotAnswering, match=r"ARI at http://127\.0\.0\.1:\d+/ \(GET /ari/\w+\) did not answer"):
            check(asterisk)
    with pytest.raises(AriNotAnswering):  # as the leak check polls it
        wait_for(lambda: not channels_left(asterisk), timeout=2)
