"""The survey dialer through the real Asterisk: calls per second, the most survey channels seen at once
against the limit, and leaked slots; against a plain loop of AMI `Originate` placing the same calls.

    .venv/bin/python bench/survey_dialer.py [--targets 40] [--max-channels 8] [--calls-per-second 5]

Starts its own Asterisk instance (free ports), a fresh SQLite database and the service, with N targets among
the simulated survey clients (dialplan hotline-survey-sim: they answer and key their answers, are busy, do
not answer, or answer as a machine), and asks for one batch (`hotline survey run`). While it runs, ARI's
channel list is sampled every 50 ms. Figures:

- calls per second: attempts started over the span from the first to the last start (the pacing's doing);
- the most survey channels seen at once (their `survey-` halves) against `--max-channels`;
- leaked slots: attempts never closed plus survey channels left in Asterisk once the batch is done (must be 0).

Baseline, same run: the same numbers through a plain loop of AMI `Originate` (panoramisk, async, no limit),
each call running AMD() then hanging up, as many as the loop can send; the same figures from its channels.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from panoramisk import Manager  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.call_setup import start_bench_asterisk  # noqa: E402
from crm_core.db import Database  # noqa: E402
from crm_core.migrate import upgrade  # noqa: E402
from crm_core.models import SurveyAttempt  # noqa: E402
from crm_core.surveys.results import progress  # noqa: E402
from crm_core.surveys.service import (  # noqa: E402
    campaign_named,  # noqa: E402
    create_campaign,
    publish,
    request_run,
)
from hotline.asterisk.instance import AsteriskInstance  # noqa: E402
from tests.support.hotline import add_investor, ari_list  # noqa: E402
from tests.unit.surveys.test_definition import example  # noqa: E402

# Last digits: satisfied, unhappy, satisfied, satisfied, so-so, machine, busy, no answer, silent. No "3" (asks
# for an agent): a call handed to the ACD is no longer the dialer's and would wait in the queue for the run.
KINDS = "125678904"
SIM = "@hotline-survey-sim"


def numbers(n: int) -> list[str]:
    return [f"136{i:07d}{KINDS[i % len(KINDS)]}" for i in range(n)]


def sample(instance: AsteriskInstance, prefix: str) -> tuple[int, int]:
    """(calls whose channel id starts with `prefix`, all survey-sim channels) in Asterisk now; a Local call's
    other half (`<id>;2`) is not counted again."""
    channels = ari_list(instance, "channels")
    ours = sum(1 for c in channels if c["id"].startswith(prefix) and not c["id"].endswith(";2"))
    return ours, sum(1 for c in channels if SIM in c["name"])


def run_batch(db: Database, instance: AsteriskInstance, targets: int) -> tuple[float, int, int, float]:
    with db.session() as session:
        request_run(session, "bench")
    peak = 0
    started = time.monotonic()
    while time.monotonic() - started < 600:
        peak = max(peak, sample(instance, "survey-")[0])
        with db.session() as session:
            if progress(session, campaign_named(session, "bench")).status == "done":
                break
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    time.sleep(1.0)
    with db.session() as session:
        rows = list(session.scalars(select(SurveyAttempt)))
    starts = sorted(a.started_at for a in rows)
    span = (starts[-1] - starts[0]).total_seconds() if len(starts) > 1 else float("nan")
    leaked = sum(1 for a in rows if a.ended_at is None) + sample(instance, "survey-")[0]
    return (len(starts) - 1) / span if span else float("nan"), peak, leaked, elapsed


async def ami_loop(instance: AsteriskInstance, phones: list[str]) -> tuple[float, int, int, float]:
    manager = Manager(host="127.0.0.1", port=instance.settings.asterisk.ami_port,
                      username=instance.secrets.ami_user, secret=instance.secrets.ami_password, ping_delay=0)
    await manager.connect()
    peak = 0
    stop = asyncio.Event()

    async def watch() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, (await asyncio.to_thread(sample, instance, "baseline-"))[0])
            await asyncio.sleep(0.05)

    watcher = asyncio.create_task(watch())
    started = time.monotonic()
    for n, phone in enumerate(phones):
        await manager.send_action({"Action": "Originate", "Channel": f"Local/{phone}{SIM}/n", "Application": "AMD",
                                   "Data": "", "Timeout": 3000, "Async": "true", "ChannelId": f"baseline-{n}",
                                   "ActionID": f"baseline-{n}"})
    sent = time.monotonic() - started
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (await asyncio.to_thread(sample, instance, "baseline-"))[0]:
        await asyncio.sleep(0.2)
    elapsed = time.monotonic() - started
    stop.set()
    await watcher
    left = (await asyncio.to_thread(sample, instance, "baseline-"))[0]
    manager.close()
    return len(phones) / sent if sent else float("nan"), peak, left, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", type=int, default=40)
    parser.add_argument("--max-channels", type=int, default=8)
    parser.add_argument("--calls-per-second", type=float, default=5.0)
    args = parser.parse_args()

    settings, instance, service = start_bench_asterisk(
        "benchsurvey", rtp_start=32000, HOTLINE_SURVEY_DIAL=f"Local/{{number}}{SIM}/n",
        HOTLINE_SURVEY_RING_SECONDS="3", HOTLINE_SURVEY_KEY_SECONDS="2", HOTLINE_SURVEY_ASKS="1",
        HOTLINE_SURVEY_MAX_CHANNELS=str(args.max_channels), HOTLINE_SURVEY_CALLS_PER_SECOND=str(args.calls_per_second),
        HOTLINE_SURVEY_POLL_SECONDS="0.2", HOTLINE_SURVEY_HOLIDAY_COUNTRY="", HOTLINE_SCHEDULER_ENABLED="false")
    try:
        upgrade(settings.database_url)
        db = Database(settings.database_url)
        phones = numbers(args.targets)
        from crm_core.models import Campaign, CampaignTarget

        ids = [add_investor(db, f"6{phone[-9:]}", f"Client {phone[-4:]}", phone, language="en") for phone in phones]
        with db.session() as session:
            publish(session, "satisfaction", example())
            marketing = Campaign(code="bench-list", name="bench", segment_code="all")
            session.add(marketing)
            session.flush()
            session.add_all(CampaignTarget(campaign_id=marketing.id, investor_id=i) for i in ids)
            create_campaign(session, "bench", "satisfaction", "list:bench-list",
                            {"window_from": "00:00", "window_until": "23:59:59", "max_attempts": 1})
        service.start()
        print(f"{args.targets} targets, limits: {args.max_channels} channels, {args.calls_per_second:g} calls/s")
        rate, peak, leaked, elapsed = run_batch(db, instance, args.targets)
        print(f"  survey dialer : {rate:.2f} calls/s, at most {peak} channels at once (limit {args.max_channels}), "
              f"{leaked} leaked slots, batch done in {elapsed:.1f} s")
        rate, peak, left, elapsed = asyncio.run(ami_loop(instance, phones))
        print(f"  AMI Originate : {rate:.2f} calls/s sent, at most {peak} channels at once (no limit), "
              f"{left} channels left, all ended in {elapsed:.1f} s")
        db.dispose()
    finally:
        service.stop()
        instance.discard()


if __name__ == "__main__":
    main()
