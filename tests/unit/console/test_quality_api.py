"""Quality review through the API: who may do what (supervisors review, an agent reads only their own
reviews), recordings streamed with Range (206, the right bytes) and never from outside the recordings folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crm_core import recordings, reviews
from crm_core.db import Database
from crm_core.models import AuditEntry, CallReview
from crm_core.models.base import utcnow
from tests.unit.console.conftest import Customer, Staff, add_customer, console_client, login, run
from tests.unit.console.doubles import FakeTelephony

FORM = {"title": "Short form", "sections": [
    {"id": "opening", "title": "Opening", "weight": 1, "items": [
        {"id": "greeting", "text": "Greets", "weight": 1, "max": 5}]},
    {"id": "compliance", "title": "Compliance", "weight": 3, "items": [
        {"id": "disclosure", "text": "Discloses risk", "weight": 1, "max": 5}]}]}
AUDIO = bytes(range(256)) * 40  # 10240 bytes standing for a WAV file


def prepare(database: Database, staff: Staff, folder: Path) -> tuple[Customer, int]:
    customer = add_customer(database, staff.agent_id)
    (folder / "trading-call-1.wav").write_bytes(AUDIO)
    with database.session() as session:
        reviews.publish(session, "short", FORM, by="test")
        recording = recordings.add(session, customer.call_id, "trading-call-1", format="wav", purpose="trading",
                                   at=utcnow())
        return customer, recording.id


def test_a_supervisor_finds_a_call_plays_its_recording_and_saves_a_review(database: Database, staff: Staff,
                                                                         tmp_path: Path) -> None:
    customer, recording_id = prepare(database, staff, tmp_path)

    async def scenario() -> dict[str, Any]:
        async with console_client(database, FakeTelephony(), recording_dirs=(tmp_path,)) as client:
            await login(client, "9001")
            found = await (await client.get("/api/quality/calls", params={
                "agent": "1001", "skill": "trading", "customer": "Chen"})).json()
            none = await (await client.get("/api/quality/calls", params={"agent": "1002"})).json()
            bad = [(r.status, (await r.json())["error"]) for r in [
                await client.get("/api/quality/calls", params=params) for params in (
                    {"agent": "1" * 21}, {"from": "1 Dec"}, {"customer": "x" * 61})]]
            whole = await client.get(f"/api/recordings/{recording_id}")
            part = await client.get(f"/api/recordings/{recording_id}", headers={"Range": "bytes=1000-1099"})
            tail = await client.get(f"/api/recordings/{recording_id}", headers={"Range": "bytes=-10"})
            saved = await client.post("/api/quality/reviews", json={
                "call_id": customer.call_id, "form": "short", "scores": {"greeting": 5, "disclosure": 3},
                "comment": "good opening"})
            listed = await (await client.get("/api/quality/calls", params={"customer": "13800138000"})).json()
            return {"found": found, "none": none, "whole": (whole.status, whole.headers["Content-Type"],
                                                            whole.headers["Cache-Control"], await whole.read()),
                    "part": (part.status, part.headers["Content-Range"], await part.read()),
                    "tail": (tail.status, await tail.read()), "saved": (saved.status, await saved.json()),
                    "listed": listed, "bad": bad}

    out = run(scenario)
    [call] = out["found"]["calls"]
    assert call["call_id"] == customer.call_id and call["customer"] == "Chen Jing"
    assert call["recordings"] == [{"id": recording_id, "format": "wav", "purpose": "trading"}]
    assert out["none"]["calls"] == []
    assert out["bad"] == [(422, "agent must have at most 20 characters"),
                          (422, "from must be a day, YYYY-MM-DD"), (422, "customer must have at most 60 characters")]
    assert out["whole"] == (200, "audio/wav", "no-store", AUDIO)  # evidence is not left in a browser's cache
    assert out["part"] == (206, f"bytes 1000-1099/{len(AUDIO)}", AUDIO[1000:1100])
    assert out["tail"] == (206, AUDIO[-10:])
    status, saved = out["saved"]
    # (5/5 * 1 + 3/5 * 3) / 4 = 70 %
    assert status == 201 and saved["total_pct"] == 70.0
    assert out["listed"]["calls"][0]["reviews"] == [{"id": saved["id"], "total_pct": 70.0}]
    with database.session() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions.count("recording.play") == 1  # listening from the start; the seeks are not audited
        assert "review.save" in actions


def test_a_review_missing_an_item_is_refused_and_nothing_is_saved(database: Database, staff: Staff,
                                                                  tmp_path: Path) -> None:
    customer, _ = prepare(database, staff, tmp_path)

    async def scenario() -> list[tuple[int, str]]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "9001")
            out = []
            for body in ({"call_id": customer.call_id, "form": "short", "scores": {"greeting": 5}},
                         {"call_id": customer.call_id, "form": "short", "scores": {"greeting": 5, "disclosure": 6}},
                         {"call_id": customer.call_id, "form": "nope", "scores": {"greeting": 5}},
                         {"call_id": customer.call_id, "form": "short", "scores": {"greeting": "5"}},
                         {"call_id": "no-such-call", "form": "short", "scores": {"greeting": 5, "disclosure": 5}}):
                response = await client.post("/api/quality/reviews", json=body)
                out.append((response.status, (await response.json())["error"]))
            return out

    assert run(scenario) == [(422, "not scored: disclosure"), (422, "disclosure: a whole number from 0 to 5"),
                             (422, "no review form 'nope'"), (422, "scores.greeting must be an integer"),
                             (422, "no call no-such-call")]
    with database.session() as session:
        assert session.scalars(select(CallReview)).all() == []


def test_an_agent_reads_their_own_review_and_not_another_agents(database: Database, staff: Staff,
                                                                 tmp_path: Path) -> None:
    customer, recording_id = prepare(database, staff, tmp_path)
    with database.session() as session:
        review_id = reviews.save_review(session, customer.call_id, "short", {"greeting": 5, "disclosure": 5},
                                        reviewer_id=staff.supervisor_id).id

    async def as_agent(job_number: str) -> dict[str, Any]:
        async with console_client(database, FakeTelephony(), recording_dirs=(tmp_path,)) as client:
            await login(client, job_number)
            review = await client.get(f"/api/reviews/{review_id}")
            mine = await (await client.get("/api/me/reviews")).json()
            statuses = [(await client.get(path)).status for path in (
                "/api/quality/calls", "/api/quality/forms", f"/api/recordings/{recording_id}")]
            posted = await client.post("/api/quality/reviews", json={
                "call_id": customer.call_id, "form": "short", "scores": {"greeting": 0, "disclosure": 0}})
            return {"review": (review.status, await review.json()), "mine": mine["reviews"],
                    "statuses": [*statuses, posted.status]}

    own = run(lambda: as_agent("1001"))
    assert own["review"][0] == 200 and own["review"][1]["total_pct"] == 100.0
    assert own["review"][1]["sections"][0]["items"][0] == {"id": "greeting", "text": "Greets", "weight": 1,
                                                           "max": 5, "points": 5}
    assert [r["id"] for r in own["mine"]] == [review_id]
    assert own["statuses"] == [403, 403, 403, 403]
    other = run(lambda: as_agent("1002"))
    assert other["review"] == (403, {"error": "forbidden: this call is not yours"})
    assert other["mine"] == []


def test_a_recording_is_never_served_from_outside_its_folder(database: Database, staff: Staff,
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    customer, recording_id = prepare(database, staff, folder)
    (tmp_path / "secret.wav").write_bytes(b"not a recording")
    os.symlink(tmp_path / "secret.wav", folder / "linked.wav")
    with database.session() as session:
        outside = recordings.add(session, customer.call_id, "../secret", format="wav", purpose="trading", at=utcnow())
        linked = recordings.add(session, customer.call_id, "linked", format="wav", purpose="trading", at=utcnow())
        odd = recordings.add(session, customer.call_id, "trading-call-1x", format="../wav", purpose="t", at=utcnow())
        ids = [outside.id, linked.id, odd.id, 999_999]

    async def scenario() -> list[int]:
        async with console_client(database, FakeTelephony(), recording_dirs=(folder,)) as client:
            await login(client, "9001")
            return [(await client.get(f"/api/recordings/{i}")).status for i in ids]

    assert run(scenario) == [404, 404, 404, 404]
    assert recordings.file_of([folder], "trading-call-1", "wav") == (folder / "trading-call-1.wav").resolve()
    assert recordings.file_of([tmp_path / "missing", folder], "trading-call-1", "wav") is not None
    for name in ("../secret", "linked", "/etc/passwd", "", ".hidden", "a/b"):
        assert recordings.file_of([folder], name, "wav") is None
