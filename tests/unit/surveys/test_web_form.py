"""The survey by e-mail or SMS: the link's token (unguessable, only its digest kept, made when the message is
sent), the web form's checks (the question asked now, one of its keys, the branches followed, what a form cannot
ask) and the answers stored where the phone's are, so that results include them."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from crm_core.db import Database
from crm_core.models import (
    Investor,
    InvestorDetail,
    InvestorPhone,
    Notification,
    SegmentMembership,
    SurveyAnswer,
    SurveyLink,
    SurveyTarget,
)
from crm_core.notifications import outbox
from crm_core.notifications.rules import NotifyPolicy
from crm_core.surveys.definition import END, parse_survey
from crm_core.surveys.link_tokens import digest, new_token, well_formed
from crm_core.surveys.links import LinkClosed, answer, opened, send
from crm_core.surveys.results import progress, results
from crm_core.surveys.service import campaign_named, create_campaign, load_targets, publish
from crm_core.surveys.web_form import FormError, check, choices, current, limits
from tests.unit.surveys.test_definition import example

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai: no quiet hours
POLICY = NotifyPolicy(time_zone="Asia/Shanghai")


def test_tokens_are_unguessable_and_only_their_digest_compares() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(well_formed(t) and len(t) == 43 for t in tokens)
    token = next(iter(tokens))
    assert digest(token) == digest(token) and len(digest(token)) == 64 and token not in digest(token)
    for bad in ("", "x" * 42, "x" * 44, "a" * 42 + "/", "é" * 43, "a" * 42 + "\x00"):
        assert not well_formed(bad)


def test_the_form_asks_the_question_of_now_and_follows_the_branches() -> None:
    survey = parse_survey(example())
    assert current(survey, {}) == "satisfaction"
    assert [c.label for c in choices(survey.question("satisfaction"))] == ["1", "2", "3", "4", "5"]
    assert check(survey, {}, "satisfaction", "2") == "reason"
    assert current(survey, {"satisfaction": "2"}) == "reason"
    assert check(survey, {}, "satisfaction", "5") == "recommend"
    assert check(survey, {"satisfaction": "5"}, "recommend", "1") == END
    assert current(survey, {"satisfaction": "1", "reason": "3"}) == END
    for answers, question, key, why in (({}, "recommend", "1", "not the one"),   # a branch skipped
                                        ({}, "satisfaction", "7", "choose one"),  # not one of its keys
                                        ({}, "satisfaction", "0", "choose one"),  # the agent key: phone only
                                        ({}, "satisfaction", "45", "choose one"),
                                        ({"satisfaction": "5"}, "satisfaction", "4", "not the one"),  # a replay
                                        ({"satisfaction": "5", "recommend": "2"}, "recommend", "1", "already")):
        with pytest.raises(FormError, match=why):
            check(survey, answers, question, key)
    assert limits(survey) == ["to speak to an agent, call us"]


def test_a_recorded_comment_is_skipped_and_said_so() -> None:
    document: dict[str, Any] = copy.deepcopy(example())
    document["questions"].insert(2, {"id": "comment", "text": {"zh": "请留言", "en": "Your comment"}, "record": 30})
    document["questions"][1]["next"] = "comment"
    survey = parse_survey(document)
    assert current(survey, {"satisfaction": "1", "reason": "2"}) == "recommend"  # the comment is left out
    assert "spoken comments are asked only by phone" in limits(survey)
    scale = parse_survey({**example(), "agent_key": "", "questions": [
        {"id": "nps", "text": {"zh": "?", "en": "?"}, "keys": "0123456789*"}]})
    assert [c.label for c in choices(scale.question("nps"))][-1] == "10" and limits(scale) == []


def campaign_with_clients(database: Database, now: datetime = NOW) -> dict[str, int]:
    ids = {}
    with database.session() as session:
        publish(session, "satisfaction", example())
        for n, (email, phone) in enumerate((("a@example.com", "13800000001"), ("", "13800000002"),
                                            ("c@example.com", "13800000003")), start=1):
            investor = Investor(account_number=f"10000000{n}", name=f"Client {n}", language="en", risk_class="C3")
            session.add(investor)
            session.flush()
            session.add(InvestorPhone(investor_id=investor.id, number=phone))
            if email:
                session.add(InvestorDetail(investor_id=investor.id, email=email))
            session.add(SegmentMembership(investor_id=investor.id, segment_code="retail", path="root/retail"))
            ids[phone] = investor.id
        campaign = create_campaign(session, "dec", "satisfaction", "segment:retail")
        load_targets(session, campaign, now)
        target = session.scalars(select(SurveyTarget).where(SurveyTarget.investor_id == ids["13800000003"])).one()
        target.status, target.outcome = "done", "completed"  # reached by phone already
    return ids


def sent_token(database: Database, investor_id: int) -> str:
    """The outbox takes the survey message: the token is made now, and is in the text sent (only there)."""
    with database.session() as session:
        (outgoing,) = [o for o in outbox.claim(session, NOW, {"email", "sms"}) if o.key.startswith("survey-link")
                       and session.get(Notification, o.id).investor_id == investor_id]  # type: ignore[union-attr]
    token = outgoing.text.split("/survey/")[1].split()[0]
    assert well_formed(token)
    return token


def test_links_are_sent_once_the_token_is_only_in_the_message_and_answers_land_with_the_phones(
        database: Database) -> None:
    ids = campaign_with_clients(database)
    with database.session() as session:
        first = send(session, "dec", "email", base_url="https://my.example.com/", now=NOW, policy=POLICY)
        again = send(session, "dec", "email", base_url="https://my.example.com", now=NOW, policy=POLICY)
        with pytest.raises(ValueError, match="channel"):
            send(session, "dec", "fax", base_url="https://my.example.com", now=NOW, policy=POLICY)
        with pytest.raises(ValueError, match="base URL"):
            send(session, "dec", "sms", base_url="my.example.com", now=NOW, policy=POLICY)
    assert (first.queued, first.already, first.skipped) == (2, 0, 1)
    assert (again.queued, again.already, again.skipped) == (0, 2, 1)
    with database.session() as session:
        rows = session.scalars(select(Notification).order_by(Notification.id)).all()
        # the client with no e-mail address is given up at once, saying why; nothing holds a token yet
        assert [(r.channel, r.status) for r in rows] == [("email", "queued"), (None, "given_up")]
        assert all(link.digest is None for link in session.scalars(select(SurveyLink)))
    token = sent_token(database, ids["13800000001"])
    with database.session() as session:
        (row,) = [r for r in session.scalars(select(Notification)) if r.status == "sending"]
        assert token not in str(row.data) and row.data["form_url"] == "https://my.example.com/survey/"
        assert session.scalars(select(SurveyLink.digest).where(SurveyLink.digest.is_not(None))).all() == [
            digest(token)]

    later = NOW + timedelta(hours=1)
    with database.session() as session:
        assert opened(session, token, later).question == "satisfaction"
        with pytest.raises(LinkClosed) as unknown:
            opened(session, token[:-1] + ("A" if token[-1] != "A" else "B"), later)
        assert unknown.value.reason == "unknown"
    with database.session() as session, pytest.raises(FormError):
        answer(session, token, "satisfaction", "9", later)
    with database.session() as session:
        assert session.scalars(select(SurveyAnswer)).all() == []  # a refused answer stores nothing
        assert answer(session, token, "satisfaction", "2", later).question == "reason"
    with database.session() as session:
        assert answer(session, token, "reason", "1", later).question == END
    with database.session() as session:
        with pytest.raises(LinkClosed) as used:
            opened(session, token, later)
        assert used.value.reason == "used"
        target = session.scalars(select(SurveyTarget).where(SurveyTarget.investor_id == ids["13800000001"])).one()
        assert (target.status, target.outcome, target.attempts) == ("done", "completed", 0)
        found = sorted((r.question, r.key, r.answers) for r in results(session, "dec"))
        assert found == [("reason", "1", 1), ("satisfaction", "2", 1)]
        done = progress(session, campaign_named(session, "dec"))
        assert done.dialled == 0 and done.completed == 2  # the web one and the phone one; a web form is not a call


def test_an_expired_link_is_closed(database: Database) -> None:
    ids = campaign_with_clients(database)
    with database.session() as session:
        send(session, "dec", "email", base_url="https://my.example.com", now=NOW, policy=POLICY, valid_days=1)
    token = sent_token(database, ids["13800000001"])
    with database.session() as session, pytest.raises(LinkClosed) as expired:
        opened(session, token, NOW + timedelta(days=1, seconds=1))
    assert expired.value.reason == "expired"
