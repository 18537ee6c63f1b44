"""The survey call without Asterisk: the machine's decisions (ari_apps/survey/machine.py) and the ARI events
it reads (recorded payloads' shapes)."""

from __future__ import annotations

from importlib import resources

from ari_apps.survey.call import machine_event
from ari_apps.survey.machine import (
    Answered,
    Awaiting,
    Detect,
    Detected,
    Finish,
    Gone,
    HangUp,
    Key,
    Play,
    Played,
    PlayFailed,
    Reached,
    Record,
    Recorded,
    Rejected,
    State,
    StopPlaying,
    Store,
    SurveyMachine,
    Timeout,
    ToAgent,
)
from crm_core.surveys.definition import parse_survey
from crm_core.surveys.dialing import Outcome
from tests.unit.surveys.test_definition import broken, example

SURVEY = parse_survey(example())
CHANNEL = "survey-1-2-1"


def machine(**options: bool) -> SurveyMachine:
    return SurveyMachine(SURVEY, ring_seconds=30, key_seconds=5, asks=2, **options)


def answered(m: SurveyMachine) -> SurveyMachine:
    assert m.on(Answered()) == [Detect()]
    assert m.on(Detected("HUMAN", "HUMAN-500-500")) == [Reached("HUMAN/HUMAN-500-500"), Play("intro")]
    assert m.on(Played("intro")) == [Awaiting("satisfaction"), Play("q:satisfaction")]
    return m


def test_a_dissatisfied_client_is_asked_the_reason_and_the_survey_completes() -> None:
    m = answered(machine())
    assert m.on(Key("2")) == [StopPlaying(), Awaiting(""), Store("satisfaction", "2"), Awaiting("reason"),
                              Play("q:reason")]
    assert m.on(Played("q:reason")) == [] and m.state is State.WAITING
    assert m.on(Key("3")) == [StopPlaying(), Awaiting(""), Store("reason", "3"),
                              Finish(Outcome.COMPLETED, "2 answer(s)"), Play("thanks")]
    assert m.on(Gone(16, "Normal Clearing")) == [] and m.state is State.DONE  # still completed


def test_a_satisfied_client_goes_to_the_recommendation_and_keys_during_the_intro_are_ignored() -> None:
    m = machine()
    m.on(Answered())
    m.on(Detected("NOTSURE", "TOOLONG-5000"))
    assert m.on(Key("5")) == [] and m.state is State.INTRO
    m.on(Played("intro"))
    assert m.on(Key("5"))[-1] == Play("q:recommend")
    assert m.on(Key("1"))[3] == Finish(Outcome.COMPLETED, "2 answer(s)")
    assert m.on(Played("thanks")) == [HangUp()] and m.state is State.DONE


def test_zero_hands_the_client_to_an_agent_at_any_question() -> None:
    m = answered(machine())
    assert m.on(Key("0")) == [StopPlaying(), Awaiting(""), ToAgent(),
                              Finish(Outcome.AGENT, "asked for an agent at satisfaction")]
    assert m.state is State.DONE and m.on(Gone(16)) == []


def test_a_wrong_key_asks_again_and_silence_gives_up_after_the_asks() -> None:
    m = answered(machine())
    assert m.on(Key("9")) == [StopPlaying(), Awaiting("satisfaction"), Play("q:satisfaction")]
    m.on(Played("q:satisfaction"))
    assert m.on(Timeout()) == [Awaiting("satisfaction"), Play("q:satisfaction")]
    m.on(Played("q:satisfaction"))
    assert m.on(Timeout()) == [Awaiting(""), HangUp(),
                               Finish(Outcome.PARTIAL, "no answer to satisfaction after 2 prompt(s)")]


def test_a_machine_hears_the_short_message_or_nothing() -> None:
    m = machine()
    m.on(Answered())
    assert m.on(Detected("MACHINE", "LONGGREETING-1500-1500")) == [Reached("MACHINE/LONGGREETING-1500-1500"),
                                                                  Play("machine")]
    assert m.on(Played("machine")) == [HangUp(), Finish(Outcome.MACHINE, "answering machine: message left")]
    quiet = machine(machine_message=False)
    quiet.on(Answered())
    assert quiet.on(Detected("MACHINE", "MAXWORDS-3-3")) == [
        Reached("MACHINE/MAXWORDS-3-3"), HangUp(), Finish(Outcome.MACHINE, "answering machine (MACHINE/MAXWORDS-3-3)")]
    no_text = SurveyMachine(parse_survey(broken(lambda d: d.pop("machine"))), 30, 5)
    no_text.on(Answered())
    assert no_text.on(Detected("MACHINE", "x"))[-1].outcome is Outcome.MACHINE  # type: ignore[union-attr]


def test_without_amd_the_intro_starts_at_once() -> None:
    assert machine(detect=False).on(Answered()) == [Reached(""), Play("intro")]


def test_not_answered_busy_and_failures_by_dial_status_or_cause() -> None:
    for event, outcome in ((Rejected("BUSY"), Outcome.BUSY), (Rejected("NOANSWER"), Outcome.NO_ANSWER),
                           (Rejected("CONGESTION"), Outcome.FAILED), (Gone(19, "No answer"), Outcome.NO_ANSWER),
                           (Gone(17, "User busy"), Outcome.BUSY), (Gone(34, "Circuit busy"), Outcome.FAILED)):
        finished = machine().on(event)
        assert [type(e) for e in finished] == [Finish] and finished[0].outcome is outcome, (event, finished)  # type: ignore[union-attr]
    m = answered(machine())
    assert m.on(PlayFailed("q:satisfaction"))[-1] == Finish(Outcome.PARTIAL, "could not play the q:satisfaction")
    detecting = machine()
    detecting.on(Answered())
    assert detecting.on(PlayFailed("intro"))[-1] == Finish(Outcome.FAILED, "could not play the intro")
    hung = answered(machine())
    assert hung.on(Gone(16, "Normal Clearing"))[-1].outcome is Outcome.PARTIAL  # type: ignore[union-attr]


def test_ari_events_become_the_machines_events() -> None:
    channel = {"id": CHANNEL, "state": "Up"}
    assert machine_event({"type": "StasisStart", "channel": channel, "args": ["survey"]}, CHANNEL, {}) == Answered()
    assert machine_event({"type": "StasisStart", "channel": channel, "args": ["amd", "MACHINE", "MAXWORDS-3-3"]},
                         CHANNEL, {}) == Detected("MACHINE", "MAXWORDS-3-3")
    assert machine_event({"type": "Dial", "peer": {"id": CHANNEL}, "dialstatus": "BUSY"}, CHANNEL, {}) == \
        Rejected("BUSY")
    assert machine_event({"type": "Dial", "peer": {"id": CHANNEL}, "dialstatus": ""}, CHANNEL, {}) is None
    assert machine_event({"type": "ChannelDestroyed", "channel": channel, "cause": 19,
                          "cause_txt": "User alerting, no answer"}, CHANNEL, {}) == Gone(19, "User alerting, no answer")
    assert machine_event({"type": "StasisEnd", "channel": channel}, CHANNEL, {}) is None  # off to AMD, not gone
    assert machine_event({"type": "ChannelDtmfReceived", "channel": channel, "digit": "4"}, CHANNEL, {}) == Key("4")
    assert machine_event({"type": "ChannelDtmfReceived", "channel": {"id": "other"}, "digit": "4"}, CHANNEL, {}) is None
    playing = {"pb1": "q:reason"}
    assert machine_event({"type": "PlaybackFinished", "playback": {"id": "pb1", "state": "done"}}, CHANNEL,
                         playing) == Played("q:reason")
    assert machine_event({"type": "PlaybackFinished", "playback": {"id": "pb1", "state": "failed"}}, CHANNEL,
                         playing) == PlayFailed("q:reason")
    assert machine_event({"type": "PlaybackFinished", "playback": {"id": "old"}}, CHANNEL, playing) is None


POST_CALL = parse_survey(resources.files("crm_core.surveys").joinpath("post_call.json").read_text())


def post_call() -> SurveyMachine:
    """The post-call survey's machine as the post-call session runs it: the caller is on the line (no AMD)."""
    m = SurveyMachine(POST_CALL, ring_seconds=30, key_seconds=5, asks=2, detect=False, machine_message=False)
    assert m.on(Answered()) == [Reached(""), Play("intro")]
    assert m.on(Played("intro")) == [Awaiting("satisfaction"), Play("q:satisfaction")]
    return m


def test_star_answers_ten_and_the_comments_prompt_awaits_no_key_yet() -> None:
    m = post_call()
    assert m.on(Key("4"))[2] == Store("satisfaction", "4")
    assert m.on(Key("*")) == [StopPlaying(), Awaiting(""), Store("recommend", "*"), Play("q:comment")]
    assert m.answers == {"satisfaction": 4, "recommend": 10}


def test_the_comment_is_recorded_then_the_thanks() -> None:
    m = post_call()
    m.on(Key("5"))
    m.on(Key("9"))
    assert m.on(Played("q:comment")) == [Play("beep")]
    assert m.state is State.RECORDING and m.timeout() == 70.0
    assert m.on(Played("beep")) == [Awaiting("comment"), Record("comment", 60)]  # from the end of the beep
    assert m.on(Key("#")) == []  # Asterisk ends the recording on #; its end is the event
    assert m.on(Recorded()) == [Awaiting(""), Finish(Outcome.COMPLETED, "2 answer(s)"), Play("thanks")]


def test_a_key_during_the_comments_prompt_skips_it_and_a_hang_up_while_speaking_completes() -> None:
    skipped = post_call()
    skipped.on(Key("5"))
    skipped.on(Key("9"))
    assert skipped.on(Key("1")) == [StopPlaying(), Awaiting(""), Finish(Outcome.COMPLETED, "2 answer(s)"),
                                    Play("thanks")]
    speaking = post_call()
    speaking.on(Key("5"))
    speaking.on(Key("9"))
    speaking.on(Played("q:comment"))
    assert speaking.on(Gone(16, "Normal Clearing")) == [Finish(Outcome.COMPLETED, "hung up during the comment comment")]


def test_a_post_call_caller_who_hangs_up_at_the_second_question_is_partial() -> None:
    m = post_call()
    m.on(Key("2"))
    assert m.on(Gone(16, "Normal Clearing"))[-1].outcome is Outcome.PARTIAL  # type: ignore[union-attr]


def test_recording_events_of_the_channel_end_the_comment() -> None:
    target = {"target_uri": f"channel:{CHANNEL}", "name": "survey-comment-c1-comment"}
    assert machine_event({"type": "RecordingFinished", "recording": target}, CHANNEL, {}) == Recorded(True)
    assert machine_event({"type": "RecordingFailed", "recording": target}, CHANNEL, {}) == Recorded(False)
    other = {"target_uri": "channel:other", "name": "x"}
    assert machine_event({"type": "RecordingFinished", "recording": other}, CHANNEL, {}) is None
